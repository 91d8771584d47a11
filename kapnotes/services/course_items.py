"""Keep course intentions, intention reviews and theme mentions in step with the notes.

The note is what the therapist writes; the rows are how the course views read it. Both are
written in one transaction by `CourseItemSync`, a `NoteService.after_save` hook, whenever a
draft note's fields are saved (autosave included). Signed notes are never re-synced (they
cannot be saved), and the database locks their reviews and mentions.

Rules, chosen so autosave never loses what the therapist wrote or what the course relies on:

**Preparation 'intentions'** (a repeating list with id `intentions` in a preparation note).
Each entry is one intention of the course, "owned" by that note. On each save the list is
matched to the intentions the note owns:

1. an entry whose words equal (ignoring case and spacing) an owned intention is that intention
   (reordering only moves it); words equal to an intention another note already set are left
   alone (restating an intention does not duplicate it);
2. the remaining entries pair with the remaining owned intentions in order: an edit. An
   intention nothing relies on yet is changed in place (so typing, saved every few seconds,
   does not create an intention per keystroke); one already *used* (reviewed, given a status,
   revised) gets a revision instead: a new intention with `revised_from` set, the original
   marked 'revised' and kept with its reviews;
3. entries left over are new intentions (dated the session's day); owned intentions left over
   are deleted only if unused — a used one stays in the course (let it go from the course
   view). If an edit is typed back to the original words, the unused revision goes and the
   original is active again.

**'intentions_review'** (any note): the rows the therapist touched (a progress or a note) are
the session's reviews, one per intention; untouched pre-filled rows are not reviews. An
intention of another course is refused.

**'themes'** (any note): each entry is a mention at its position, with its evidence. The name
is looked up in the vault's vocabulary ignoring case and spacing; an unknown name creates a
theme. Themes created this way live only while a note mentions them (the schema prunes them),
so names half-typed by autosave do not clutter the vocabulary.

**Renaming and merging themes** (`ThemeService`): every mention follows the theme row, in draft
and signed notes alike. A draft's stored entries are rewritten to the new name (it is still
being written, and its next autosave must not bring the old name back); a signed note keeps
its words as written (`ThemeMention.written_as`), and every course or practice view shows the
theme's current name.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kapnotes.domain.course_items import Intention, IntentionStatus
from kapnotes.domain.errors import NotFoundError, ValidationError
from kapnotes.domain.models import Session, SessionKind
from kapnotes.domain.templates import FieldType, Template
from kapnotes.services.changes import Changes, mark
from kapnotes.services.clock import Clock, system_clock
from kapnotes.storage import intentions as intention_repo
from kapnotes.storage import themes as theme_repo
from kapnotes.storage.vault import Vault

INTENTION_LIST_FIELDS = frozenset({"intentions"})


def same_words(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def theme_name(text: str) -> str:
    """How a typed theme name is stored and looked up: inner runs of spaces become one."""
    return " ".join(text.split())


class CourseItemSync:
    """The `NoteService.after_save` hook (see the module docstring for the rules)."""

    def __init__(self, vault: Vault, *, clock: Clock = system_clock) -> None:
        self.vault = vault
        self.clock = clock

    def __call__(self, session: Session, template: Template,
                 saved: Mapping[str, object]) -> None:
        for field_id, value in saved.items():
            field = template.field(field_id)
            if field is None or not isinstance(value, list):
                continue
            if (field.type is FieldType.REPEATING_LIST and field_id in INTENTION_LIST_FIELDS
                    and session.kind is SessionKind.PREPARATION):
                self.sync_intentions(session, field_id, [str(v) for v in value])
                mark(self.vault, Changes(intentions=True))
            elif field.type is FieldType.INTENTIONS_REVIEW:
                self.sync_reviews(session, field_id, field.label, value)
                mark(self.vault, Changes(intentions=True))
            elif field.type is FieldType.THEMES:
                self.sync_themes(session, field_id, value)
                mark(self.vault, Changes(themes=True))

    # -- preparation intentions ------------------------------------------------------------
    def sync_intentions(self, session: Session, field_id: str, texts: list[str]) -> None:
        sid = int(session.id or 0)
        owned = intention_repo.owned_by_any_status(self.vault, sid, field_id)
        others = [i for i in intention_repo.for_course(self.vault, session.course_id)
                  if i.is_current and i.source_session_id != sid]
        matched: dict[int, Intention] = {}
        unmatched_pos: list[int] = []
        free = list(owned)
        for pos, text in enumerate(texts):
            hit = next((i for i in free if same_words(i.text, text)), None)
            if hit is not None:
                free.remove(hit)
                matched[pos] = hit
            elif not any(same_words(i.text, text) for i in others):
                unmatched_pos.append(pos)
        free_current = [i for i in free if i.is_current]
        pairs = self._pair(unmatched_pos, free_current)
        for pos, hit in matched.items():
            if hit.text != texts[pos] and hit.is_current and not self._used(hit):
                intention_repo.update_text(self.vault, hit.id, texts[pos], pos)
            else:
                intention_repo.set_position(self.vault, hit.id, pos)
        for pos, old in pairs.items():
            self._edit(session, field_id, old, texts[pos], pos)
        for pos in unmatched_pos:
            if pos not in pairs:
                intention_repo.insert(self.vault, course_id=session.course_id, text=texts[pos],
                                      set_on=session.starts_at.date(), source_session_id=sid,
                                      source_field_id=field_id, position=pos)
        paired_ids = {i.id for i in pairs.values()}
        for old in free_current:
            if old.id not in paired_ids and not self._used(old):
                intention_repo.delete(self.vault, old.id)
        for hit in matched.values():
            # Typed back to the original words: its (now deleted) revision no longer stands.
            if hit.status is IntentionStatus.REVISED and not intention_repo.has_successor(
                    self.vault, hit.id):
                intention_repo.set_status(self.vault, hit.id, IntentionStatus.ACTIVE,
                                          self._now())

    @staticmethod
    def _pair(positions: list[int], olds: list[Intention]) -> dict[int, Intention]:
        """Leftover entries ↔ leftover owned intentions: in order when the counts agree (the
        usual single edit), else only those still at the same position."""
        if len(positions) == len(olds):
            return dict(zip(positions, olds, strict=True))
        by_position = {i.position: i for i in olds}
        return {pos: by_position[pos] for pos in positions if pos in by_position}

    def _used(self, intention: Intention) -> bool:
        return intention_repo.is_used(self.vault, intention.id)

    def _edit(self, session: Session, field_id: str, old: Intention, text: str,
              pos: int) -> None:
        if not self._used(old):
            intention_repo.update_text(self.vault, old.id, text, pos)
            return
        intention_repo.insert(self.vault, course_id=session.course_id, text=text,
                              set_on=session.starts_at.date(), source_session_id=session.id,
                              source_field_id=field_id, position=pos, revised_from=old.id)
        intention_repo.set_status(self.vault, old.id, IntentionStatus.REVISED, self._now())

    def _now(self) -> datetime:
        return self.clock()

    # -- reviews ---------------------------------------------------------------------------
    def sync_reviews(self, session: Session, field_id: str, label: str,
                     entries: list[Any]) -> None:
        reviews: list[tuple[int, int | None, str]] = []
        for entry in entries:
            if entry.get("progress") is None and not str(entry.get("note", "")).strip():
                continue  # a pre-filled row left untouched is not a review
            intention_id = int(entry["intention_id"])
            try:
                intention = intention_repo.get(self.vault, intention_id)
            except NotFoundError:
                raise ValidationError(label, f"intention #{intention_id} no longer exists; "
                                      "reload the note") from None
            if intention.course_id != session.course_id:
                raise ValidationError(label, f"intention #{intention_id} belongs to another "
                                      "course")
            reviews.append((intention_id, entry.get("progress"), str(entry.get("note", ""))))
        intention_repo.replace_reviews(self.vault, int(session.id or 0), field_id, reviews)

    # -- themes ----------------------------------------------------------------------------
    def sync_themes(self, session: Session, field_id: str, entries: list[Any]) -> None:
        mentions: list[tuple[int, str, str]] = []
        for entry in entries:
            written = str(entry.get("theme", "")).strip()
            if not written:
                continue
            mentions.append((self.resolve_theme(written), str(entry.get("evidence", "")),
                             written))
        theme_repo.replace_mentions(self.vault, int(session.id or 0), field_id, mentions)

    def resolve_theme(self, written: str) -> int:
        """The id of the theme this name means (case and spacing ignored), created if new."""
        name = theme_name(written)
        found = theme_repo.find(self.vault, name)
        if found is not None:
            return found.id
        return theme_repo.insert(self.vault, name, pinned=False)
