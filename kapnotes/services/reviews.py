"""Review state for the windows and the CLI: each note's status, its review records, what is
pending, answering "changes requested" with an addendum, and the supervision log.

A note's status comes from its newest round (the newest request that included it): no reply
yet → awaiting review; a reply with "changes requested" → changes requested; "approved" with
a co-signature → co-signed; "approved" → approved. Sending a note again starts a new round;
earlier rounds and their records stay (the history).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from kapnotes.domain.errors import ConflictError, NotFoundError, ValidationError
from kapnotes.domain.models import Addendum
from kapnotes.domain.review_model import (
    Profile,
    ReviewStatus,
    SupervisionFormat,
    SupervisionSession,
    Verdict,
    supervision_from,
)
from kapnotes.domain.text_rules import clean_text
from kapnotes.services.changes import Changes, ids, write
from kapnotes.services.clock import Clock, system_clock, utc_stamp
from kapnotes.storage import audit, reviews, supervision_log
from kapnotes.storage.reviews import NoteRound, RecordRow, RequestRow, SupervisorRow
from kapnotes.storage.supervision_log import LogRow
from kapnotes.storage.vault import Vault

if TYPE_CHECKING:  # the container builds it after the window is painted
    from kapnotes.services.notes import NoteService

# The rows these calls return, for the window to name in type hints (it imports no storage).
__all__ = ["LogRow", "NoteRound", "PendingNote", "PeriodTotal", "RecordRow", "RequestRow",
           "ReviewService", "SupervisorRow", "status_of"]


def status_of(rounds: Sequence[NoteRound]) -> ReviewStatus:
    """The status of one note from its rounds, oldest first."""
    if not rounds:
        return ReviewStatus.NOT_SENT
    newest = rounds[-1]
    if newest.reply_id is None or not newest.verdict:
        return ReviewStatus.AWAITING
    if newest.verdict == Verdict.CHANGES_REQUESTED.value:
        return ReviewStatus.CHANGES_REQUESTED
    return ReviewStatus.COSIGNED if newest.cosigned else ReviewStatus.APPROVED


@dataclass(frozen=True)
class PendingNote:
    session_id: int
    status: ReviewStatus
    sent_at: str  # UTC, of the newest round
    request_id: str


@dataclass(frozen=True)
class PeriodTotal:
    period: str  # "2026-11" (month) or "2026" (year)
    sessions: int
    minutes: int
    individual_minutes: int
    group_minutes: int


class ReviewService:
    def __init__(self, vault: Vault, notes: NoteService | Callable[[], NoteService], *,
                 clock: Clock = system_clock):
        self.vault = vault
        self._notes = notes
        self.clock = clock

    @property
    def notes(self) -> NoteService:
        """The note service, or (from services/container.py) the one built on first use."""
        return self._notes() if callable(self._notes) else self._notes

    # -- identity --------------------------------------------------------------------------
    def fingerprint(self) -> str:
        """This vault's signing key fingerprint, for Settings (to read aloud)."""
        from kapnotes.services.review_keys import vault_identity  # age (pyrage): on first use

        return vault_identity(self.vault).fingerprint

    # -- status ----------------------------------------------------------------------------
    def statuses(self, session_ids: Sequence[int] | None = None) -> dict[int, ReviewStatus]:
        """Status per note that was ever sent (all notes, or these); absent = not sent."""
        by_note: dict[int, list[NoteRound]] = defaultdict(list)
        for r in reviews.note_rounds(self.vault, session_ids):
            by_note[r.session_id].append(r)
        return {sid: status_of(rounds) for sid, rounds in by_note.items()}

    def client_counts(self, client_id: int | None = None) -> dict[int, dict[ReviewStatus, int]]:
        """Per client (or for one), how many of their sent notes stand in each status: the
        client page's summary line and the client list's marker."""
        clients = reviews.note_clients(self.vault)
        out: dict[int, dict[ReviewStatus, int]] = {}
        for sid, status in self.statuses().items():
            owner = clients.get(sid)
            if owner is None or (client_id is not None and owner != client_id):
                continue
            counts = out.setdefault(owner, {})
            counts[status] = counts.get(status, 0) + 1
        return out

    def status(self, session_id: int) -> ReviewStatus:
        return self.statuses([session_id]).get(session_id, ReviewStatus.NOT_SENT)

    def rounds(self, session_id: int) -> list[NoteRound]:
        return reviews.note_rounds(self.vault, [session_id])

    def records(self, session_id: int) -> list[RecordRow]:
        """Every review record of a note (comments, verdicts, co-signatures), oldest first."""
        return reviews.records_for_session(self.vault, session_id)

    def reply_records(self, reply_id: str) -> list[RecordRow]:
        """All records of one reply, including comments on a section of the whole request."""
        return reviews.records_of_reply(self.vault, reply_id)

    def pending(self) -> list[PendingNote]:
        """Notes awaiting review or with changes requested, oldest round first."""
        out = []
        by_note: dict[int, list[NoteRound]] = defaultdict(list)
        for r in reviews.note_rounds(self.vault):
            by_note[r.session_id].append(r)
        for sid, rounds in by_note.items():
            status = status_of(rounds)
            if status.pending:
                out.append(PendingNote(sid, status, rounds[-1].sent_at, rounds[-1].request_id))
        return sorted(out, key=lambda p: (p.sent_at, p.session_id))

    def supervisors(self) -> list[SupervisorRow]:
        return reviews.supervisors(self.vault)

    def requests(self) -> list[RequestRow]:
        return reviews.requests(self.vault)

    def answer_changes(self, session_id: int, text: str, *, author: str) -> Addendum:
        """Answer "changes requested" with an addendum to the locked note (the note itself
        never changes); the note can then be sent again."""
        if self.status(session_id) is not ReviewStatus.CHANGES_REQUESTED:
            raise ConflictError("This note has no changes requested by a supervisor.")
        with write(self.vault, Changes(reviews=True, session_ids=ids(session_id))):
            addendum = self.notes.add_addendum(session_id, text, author=author)
            audit.record(self.vault, "review.answer", record_type="session",
                         record_id=session_id, detail=f"addendum {addendum.id}")
        return addendum

    # -- supervision log -------------------------------------------------------------------
    def log_session(self, supervisor: str, session: SupervisionSession) -> int:
        """A supervision session entered by hand."""
        name = clean_text("Supervisor", supervisor, required=True)
        checked = supervision_from("Supervision", {
            "date": session.held_on.isoformat(), "minutes": session.minutes,
            "format": session.format.value, "topics": list(session.topics)})
        with write(self.vault, Changes(reviews=True)):
            entry = supervision_log.add(self.vault, LogRow(
                0, name, checked.held_on.isoformat(), checked.minutes, checked.format.value,
                checked.topics, None, self._stamp()))
            audit.record(self.vault, "supervision.log", record_type="supervision",
                         record_id=entry, detail=f"minutes={checked.minutes}")
        return entry

    def _stamp(self) -> str:
        """Now by the injected clock, in UTC as the log stores it."""
        return utc_stamp(self.clock)

    def remove_logged(self, entry_id: int) -> None:
        """Remove an entry typed by hand; entries from replies cannot be removed."""
        with write(self.vault, Changes(reviews=True)):
            if not supervision_log.delete_manual(self.vault, entry_id):
                raise NotFoundError("No supervision session typed by hand has this number.")
            audit.record(self.vault, "supervision.remove", record_type="supervision",
                         record_id=entry_id)

    def log(self, *, start: date | None = None, end: date | None = None,
            supervisor: str | None = None) -> list[LogRow]:
        if start and end and start > end:
            raise ValidationError("Period", "the start is after the end.")
        rows = supervision_log.entries(self.vault, start=start.isoformat() if start else None,
                                       end=end.isoformat() if end else None)
        if supervisor:
            wanted = Profile(supervisor).identity()
            rows = [r for r in rows if Profile(r.supervisor).identity() == wanted]
        return rows

    def given(self, *, start: date | None = None, end: date | None = None) -> list[LogRow]:
        """Supervision this vault's clinician gave (replies sent from it), oldest first;
        never in the log's totals or its PDF, which are supervision received."""
        return supervision_log.entries(self.vault, start=start.isoformat() if start else None,
                                       end=end.isoformat() if end else None, direction="given")

    def totals(self, *, by: str = "month", start: date | None = None,
               end: date | None = None, supervisor: str | None = None) -> list[PeriodTotal]:
        """Sessions and minutes per month or year, oldest first."""
        if by not in ("month", "year"):
            raise ValidationError("Totals", "group by month or year.")
        width = 7 if by == "month" else 4
        sums: dict[str, list[int]] = {}
        for r in self.log(start=start, end=end, supervisor=supervisor):
            s = sums.setdefault(r.held_on[:width], [0, 0, 0, 0])
            s[0] += 1
            s[1] += r.minutes
            s[3 if r.format == SupervisionFormat.GROUP.value else 2] += r.minutes
        return [PeriodTotal(k, *v) for k, v in sorted(sums.items())]


