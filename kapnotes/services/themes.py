"""The vault's theme vocabulary: add, rename, merge, delete; course and practice theme views.

How mentions and note text follow a rename or merge is set out in `course_items`: every
mention follows the theme; a draft's stored entries take the new name; a signed note keeps
its words as written and views show the current name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kapnotes.domain.course_items import (
    CourseThemeRow,
    CourseThemes,
    Theme,
    ThemeFrequency,
    ThemeMention,
    session_columns,
)
from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.domain.models import Session
from kapnotes.domain.text_rules import MAX_SHORT, clean_text
from kapnotes.services.changes import Changes, write
from kapnotes.services.course_items import theme_name
from kapnotes.services.notes import NoteService
from kapnotes.storage import audit
from kapnotes.storage import sessions as session_repo
from kapnotes.storage import themes as repo
from kapnotes.storage.vault import Vault


class ThemeService:
    """Theme vocabulary care and the theme tables; note text goes through `NoteService`."""

    def __init__(self, vault: Vault, notes: NoteService) -> None:
        self.vault = vault
        self.notes = notes

    # -- vocabulary ------------------------------------------------------------------------
    def all(self) -> list[Theme]:
        return repo.all_themes(self.vault)

    def known_themes(self) -> list[str]:
        """Every theme name, A–Z, for the completer of the note form's themes editor."""
        return [t.name for t in self.all()]

    def get(self, theme_id: int) -> Theme:
        return repo.get(self.vault, theme_id)

    def find(self, name: str) -> Theme | None:
        return repo.find(self.vault, theme_name(name))

    def add(self, name: str) -> Theme:
        """A theme kept in the vocabulary even before any note mentions it."""
        clean = self._name(name)
        existing = repo.find(self.vault, clean)
        if existing is not None:
            raise ConflictError(f"The theme '{existing.name}' is already in the vocabulary.")
        with write(self.vault, Changes(themes=True)):
            theme_id = repo.insert(self.vault, clean, pinned=True)
            audit.record(self.vault, "theme.add", record_type="theme", record_id=theme_id)
        return repo.get(self.vault, theme_id)

    def rename(self, theme_id: int, new_name: str) -> Theme:
        """New spelling for a theme; every mention follows, draft notes take the new name."""
        theme = repo.get(self.vault, theme_id)
        clean = self._name(new_name)
        clash = repo.find(self.vault, clean)
        if clash is not None and clash.id != theme_id:
            raise ConflictError(f"The theme '{clash.name}' already exists; merge the two "
                                "instead of renaming.")
        if clean == theme.name:
            return theme
        with write(self.vault, Changes(themes=True)):
            repo.rename(self.vault, theme_id, clean)
            self._rewrite_drafts(theme_id)
            audit.record(self.vault, "theme.rename", record_type="theme", record_id=theme_id)
        return repo.get(self.vault, theme_id)

    def merge(self, source_ids: Iterable[int], into_id: int) -> int:
        """Fold themes into one: every mention moves (none is lost); returns how many moved."""
        target = repo.get(self.vault, into_id)
        sources = [repo.get(self.vault, i) for i in dict.fromkeys(source_ids) if i != into_id]
        if not sources:
            raise ValidationError("Merge", "choose at least one other theme to merge.")
        moved = 0
        with write(self.vault, Changes(themes=True)):
            repo.pin(self.vault, target.id)  # merged into on purpose: it stays
            for source in sources:
                moved += repo.move_mentions(self.vault, source.id, target.id)
                repo.delete(self.vault, source.id)  # may already be pruned; then a no-op
            self._rewrite_drafts(target.id)
            audit.record(self.vault, "theme.merge", record_type="theme", record_id=target.id,
                         detail=f"{len(sources)} theme(s), {moved} mention(s)")
        return moved

    def delete(self, theme_id: int) -> None:
        """Only a theme no note mentions; a used one is merged into another instead."""
        repo.get(self.vault, theme_id)
        if repo.count_mentions(self.vault, theme_id):
            raise ConflictError("Notes mention this theme; merge it into another theme "
                                "instead of deleting it.")
        with write(self.vault, Changes(themes=True)):
            repo.delete(self.vault, theme_id)
            audit.record(self.vault, "theme.delete", record_type="theme", record_id=theme_id)

    @staticmethod
    def _name(text: str) -> str:
        name = theme_name(clean_text("Theme", text, required=True, max_length=MAX_SHORT))
        if not name:
            raise ValidationError("Theme", "the name is empty.")
        return name

    def _rewrite_drafts(self, theme_id: int) -> None:
        """Give draft notes the theme's current name at each of its mentions, through the
        normal save (so search text and derived rows stay right); signed notes keep theirs."""
        name = repo.get(self.vault, theme_id).name
        by_field: dict[tuple[int, str], list[int]] = {}
        for m in repo.mentions_of(self.vault, theme_id):
            if m.written_as != name:
                by_field.setdefault((m.session_id, m.field_id), []).append(m.position)
        for (session_id, field_id), positions in by_field.items():
            if session_repo.get(self.vault, session_id).signed:
                continue
            stored = self.notes.note(session_id).values.get(field_id)
            value = [dict(e) for e in (stored if isinstance(stored, list) else [])]
            for pos in positions:
                if pos < len(value):
                    value[pos]["theme"] = name
            self.notes.save_fields(session_id, {field_id: value})

    # -- reading ---------------------------------------------------------------------------
    def mentions_in(self, session_id: int) -> list[ThemeMention]:
        """A note's mentions with each theme's current name and the name as written."""
        return repo.mentions_in(self.vault, session_id)

    def mentions_of(self, theme_id: int) -> list[ThemeMention]:
        return repo.mentions_of(self.vault, theme_id)

    def course_themes(self, course_id: int, *,
                      sessions: Sequence[Session] | None = None) -> CourseThemes:
        """Theme × session for one course: first seen, how often, latest evidence.

        Columns are the sessions that mention a theme plus every integration session.
        `sessions`: the course's, in order, when the caller has just read them."""
        found = repo.course_mentions(self.vault, course_id)
        mentioned = {m.session_id for m, _ in found}
        columns = session_columns(
            session_repo.for_course(self.vault, course_id) if sessions is None else sessions,
            mentioned)
        cells: dict[tuple[int, int], list[str]] = {}
        rows: dict[int, dict] = {}
        for m, when in found:  # session order, so the first seen comes first
            cells.setdefault((m.theme_id, m.session_id), []).append(m.evidence)
            row = rows.setdefault(m.theme_id, {
                "name": m.theme_name, "first": when.date(), "first_session": m.session_id,
                "mentions": 0, "sessions": set(), "latest_on": when.date(), "latest": "",
            })
            row["mentions"] += 1
            row["sessions"].add(m.session_id)
            if m.evidence.strip():
                row["latest_on"], row["latest"] = when.date(), m.evidence
        table = tuple(
            CourseThemeRow(theme_id=tid, name=r["name"], first_seen=r["first"],
                           first_session_id=r["first_session"], mentions=r["mentions"],
                           sessions=len(r["sessions"]), latest_on=r["latest_on"],
                           latest_evidence=r["latest"])
            for tid, r in rows.items()
        )
        return CourseThemes(columns=columns, rows=table,
                            cells={k: tuple(v) for k, v in cells.items()})

    def count_for_course(self, course_id: int) -> int:
        """How many rows `course_themes` has (distinct themes mentioned in the course)."""
        return repo.course_theme_count(self.vault, course_id)

    def frequency(self) -> list[ThemeFrequency]:
        """Every theme across the practice: mentions, sessions, clients (counts, no names)."""
        return repo.frequency(self.vault)
