"""A course's intentions: the review editor's rows, status and revisions, the progress grid.

Intentions mostly arrive through preparation notes (see `course_items`); here the course view
adds, revises and closes them. A revision never overwrites: it is a new intention pointing back
to the one it replaces, which is kept (status 'revised') with every review it had.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from kapnotes.domain.course_items import (
    Intention,
    IntentionRow,
    IntentionStatus,
    ProgressMatrix,
    session_columns,
)
from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.domain.models import Session
from kapnotes.domain.text_rules import clean_text
from kapnotes.services.changes import Changes, ids, write
from kapnotes.services.clock import Clock, system_clock
from kapnotes.storage import audit
from kapnotes.storage import courses as course_repo
from kapnotes.storage import intentions as repo
from kapnotes.storage import sessions as session_repo
from kapnotes.storage.vault import Vault

MAX_INTENTION = 2000
_SETTABLE = (IntentionStatus.ACTIVE, IntentionStatus.ACHIEVED, IntentionStatus.LET_GO)


class IntentionService:
    """Intentions of a course, for the note form, the client header and the course view."""

    def __init__(self, vault: Vault, *, clock: Clock = system_clock) -> None:
        self.vault = vault
        self.clock = clock

    def for_course(self, course_id: int) -> list[Intention]:
        """Every intention of the course, revised ones included, oldest first."""
        return repo.for_course(self.vault, course_id)

    def count_for_course(self, course_id: int) -> int:
        """How many rows `progress_matrix` has (every intention, revised ones included)."""
        return repo.count_for_course(self.vault, course_id)

    def active(self, course_id: int) -> list[Intention]:
        return [i for i in self.for_course(course_id) if i.status is IntentionStatus.ACTIVE]

    def get(self, intention_id: int) -> Intention:
        return repo.get(self.vault, intention_id)

    def intention_rows(self, course_id: int,
                       session_id: int | None = None) -> list[tuple[int, str]]:
        """(id, words) for the 'intentions revisited' editor: the active intentions, plus any
        this session already reviewed (achieved or revised since), so its rows keep labels."""
        reviewed = set(repo.reviewed_in(self.vault, session_id)) if session_id else set()
        return [(i.id, i.text) for i in self.for_course(course_id)
                if i.status is IntentionStatus.ACTIVE or i.id in reviewed]

    def reviewed_rows(self, course_id: int,
                      values: Mapping[str, Any]) -> list[tuple[int, str]]:
        """(id, words) of the intentions a note's stored values review, in the note's order
        and the course's words: a signed note shows these, not intentions set after it."""
        labels = self.labels(course_id)
        return [(i, labels[i]) for i in intention_ids_in(values) if i in labels]

    def labels(self, course_id: int) -> dict[int, str]:
        """Every intention's words by id (for printing a review field)."""
        return {i.id: i.text for i in self.for_course(course_id)}

    # -- changes from the course view ------------------------------------------------------
    def add(self, course_id: int, text: str, *, on: date | None = None) -> Intention:
        """An intention set outside a preparation note (e.g. agreed in an integration)."""
        course = course_repo.get(self.vault, course_id)
        words = self._words(text)
        with write(self.vault, lambda: self._changed(course.client_id, course_id)):
            new_id = repo.insert(self.vault, course_id=course_id, text=words,
                                 set_on=on or self.clock().date())
            audit.record(self.vault, "intention.add", record_type="intention",
                         record_id=new_id)
        return repo.get(self.vault, new_id)

    def revise(self, intention_id: int, text: str, *, on: date | None = None) -> Intention:
        """New words for an intention: a new intention, the old one kept as 'revised'."""
        old = repo.get(self.vault, intention_id)
        if not old.is_current:
            raise ConflictError("This intention was already revised; revise the newer one.")
        words = self._words(text)
        if words == old.text:
            raise ValidationError("Intention", "the new words are the same as the old.")
        with write(self.vault, lambda: self._changed(None, old.course_id)):
            new_id = repo.insert(self.vault, course_id=old.course_id, text=words,
                                 set_on=on or self.clock().date(), revised_from=old.id)
            repo.set_status(self.vault, old.id, IntentionStatus.REVISED, self.clock())
            audit.record(self.vault, "intention.revise", record_type="intention",
                         record_id=old.id, detail=f"revision {new_id}")
        return repo.get(self.vault, new_id)

    def set_status(self, intention_id: int, status: IntentionStatus) -> Intention:
        """Active, achieved or let go; 'revised' comes only from a revision."""
        old = repo.get(self.vault, intention_id)
        if status not in _SETTABLE:
            raise ValidationError("Status", "an intention becomes 'revised' by revising it.")
        if not old.is_current:
            raise ConflictError("This intention was revised; change the newer one.")
        if status is old.status:
            return old
        with write(self.vault, lambda: self._changed(None, old.course_id)):
            repo.set_status(self.vault, intention_id, status, self.clock())
            audit.record(self.vault, "intention.status", record_type="intention",
                         record_id=intention_id, detail=status.value)
        return repo.get(self.vault, intention_id)

    def _changed(self, client_id: int | None, course_id: int) -> Changes:
        if client_id is None:
            client_id = course_repo.get(self.vault, course_id).client_id
        return Changes(intentions=True, client_ids=ids(client_id), course_ids=ids(course_id))

    @staticmethod
    def _words(text: str) -> str:
        words = clean_text("Intention", text, required=True, max_length=MAX_INTENTION)
        return words.strip()

    # -- the course grid -------------------------------------------------------------------
    def progress_matrix(self, course_id: int, *, intentions: list[Intention] | None = None,
                        sessions: Sequence[Session] | None = None) -> ProgressMatrix:
        """Intention × session → progress and note. Rows: each intention with its revisions
        under it; columns: the sessions that set or reviewed intentions, and every
        integration session (an integration without a review shows as a gap).
        `intentions` (`for_course`) and `sessions` (the course's, in order): when the caller
        has just read them (a course summary)."""
        if intentions is None:
            intentions = self.for_course(course_id)
        reviews = repo.reviews_for_course(self.vault, course_id)
        reviewed_sessions = {r.session_id for r in reviews}
        sources = {i.source_session_id for i in intentions}
        columns = session_columns(
            session_repo.for_course(self.vault, course_id) if sessions is None else sessions,
            reviewed_sessions | sources)
        cells = {(r.intention_id, r.session_id): r for r in reviews}
        return ProgressMatrix(columns=columns, rows=tuple(_chains(intentions)), cells=cells)


def _chains(intentions: list[Intention]) -> list[IntentionRow]:
    """Originals in order, each followed by its revisions (depth-first, indented)."""
    ids = {i.id for i in intentions}
    children: dict[int, list[Intention]] = {}
    for i in intentions:
        if i.revised_from in ids:
            children.setdefault(int(i.revised_from or 0), []).append(i)
    rows: list[IntentionRow] = []

    def walk(node: Intention, depth: int) -> None:
        rows.append(IntentionRow(node, depth))
        for child in children.get(node.id, []):
            walk(child, depth + 1)

    for i in intentions:
        if i.revised_from not in ids:
            walk(i, 0)
    return rows


def intention_ids_in(values: Mapping[str, Any]) -> list[int]:
    """The intention ids a note's values name (the rows of its review fields), each once, in
    order; anything that is not a review row is passed over."""
    ids = [row["intention_id"] for value in values.values() if isinstance(value, list)
           for row in value if isinstance(row, dict) and "intention_id" in row]
    return list(dict.fromkeys(int(i) for i in ids if isinstance(i, int | str)
                              and str(i).lstrip("-").isdigit()))
