"""One sync with the practice server (`kapnotes sync`, the window's worker; see
docs/PRACTICE-SERVER.md, "Sync").

pack the outbox → push each operation (each answer acknowledged in its own small vault
transaction) → pull pages after the last sequence seen (each page applied in one vault
transaction together with the new last sequence) → back-fill clients newly on this login's
care teams → purge clients that left them → record the sync.

Nothing is lost when the connection drops at any point: an operation the server applied but
whose answer never arrived is still in the outbox with the same op_id, and the server answers
its retry with `duplicate`; a page not applied is pulled again. Offline is not an error for the
data: operations wait, and the report and the status say so.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kapnotes.domain.errors import KapNotesError
from kapnotes.domain.sync_ops import IncomingRow, OutgoingOp
from kapnotes.lazy import lazy_module
from kapnotes.services import practice_audit_sync, practice_link
from kapnotes.services.changes import Changes, write
from kapnotes.services.clock import Clock, system_clock, utc_stamp
from kapnotes.storage import sync_apply, sync_outbox, sync_state
from kapnotes.storage.sync_apply import ApplyOutcome
from kapnotes.storage.sync_state import SyncStatus
from kapnotes.storage.vault import Vault

if TYPE_CHECKING:
    import psycopg

    from kapnotes.practice import sync_wire
else:
    sync_wire = lazy_module("kapnotes.practice.sync_wire")  # psycopg only when syncing

__all__ = ["NotJoinedError", "Refusal", "SyncReport", "SyncStatus", "sync_once", "sync_status"]

PULL_PAGE = 1000
PUSH_BATCH = 500
# What pulled rows and a purge may change: every view of clinical records refreshes.
_RECORDS = Changes(clients=True, courses=True, sessions=True, notes=True, measures=True,
                   monitoring=True, registers=True)
_BOOKKEEPING = Changes()  # outbox and status only: no record a view shows changed


class NotJoinedError(KapNotesError):
    """The vault has not joined a practice server: there is nothing to sync with."""


@dataclass(frozen=True)
class Refusal:
    """An operation the server refused in this sync (shown to the user, not retried)."""

    client_code: str
    kind: str
    message: str  # the server's one line: names client, kind and row, never the content


@dataclass(frozen=True)
class SyncReport:
    pushed: int = 0          # operations the server now holds (applied or already held)
    pulled: int = 0          # row versions from other workstations applied here
    conflicts: int = 0       # conflict copies kept for a person to resolve
    field_reviews: int = 0   # client fields edited on two workstations
    refused: int = 0
    purged: int = 0          # clients removed: no longer on this login's care teams
    error: str = ""          # why the sync stopped early ("" when it finished)
    offline: bool = False    # the server could not be reached: data waits for the next sync
    refusals: tuple[Refusal, ...] = ()
    purged_codes: tuple[str, ...] = ()
    # Clients no longer on the care team but kept: work of theirs exists only here (refused,
    # unsent, a conflict copy or field review open); removed once a person has dealt with it.
    held_codes: tuple[str, ...] = ()
    # Records removed here because another workstation deleted them: who, what and why.
    removed: tuple[str, ...] = ()


@dataclass
class _Tally:
    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0
    field_reviews: int = 0
    purged: tuple[str, ...] = ()
    held: tuple[str, ...] = ()
    refusals: list[Refusal] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def report(self, error: str = "", offline: bool = False) -> SyncReport:
        return SyncReport(self.pushed, self.pulled, self.conflicts, self.field_reviews,
                          len(self.refusals), len(self.purged), error, offline,
                          tuple(self.refusals), self.purged, self.held, tuple(self.removed))


def sync_status(vault: Vault) -> SyncStatus:
    """What the status bar shows: pending, last sync, last error, open conflicts, refusals."""
    return sync_state.status(vault)


def sync_once(vault: Vault, *, clock: Clock = system_clock) -> SyncReport:
    """Push what waits, pull what is new, purge clients gone; never raises for an unreachable
    server (the report says offline). Raises NotJoinedError for a solo vault."""
    link = practice_link.linked(vault)
    if link is None:
        raise NotJoinedError("this vault has not joined a practice server "
                             "(kapnotes practice join --vault V --dsn DSN --code CODE)")
    _pack(vault, utc_stamp(clock))
    tally = _Tally()
    try:
        conn = sync_wire.open_connection(link.dsn())
    except sync_wire.PracticeUnreachable as exc:
        return _finish(vault, clock, tally.report(f"offline: {exc.message}", offline=True))
    except sync_wire.PracticeLoginRefused as exc:  # not offline: waiting will not help
        return _finish(vault, clock, tally.report(exc.message))
    try:
        _push_all(vault, conn, clock, tally)
        practice_audit_sync.push_audit(vault, conn)  # after the records it is about
        before = _Before(sync_state.last_seq(vault), sync_state.server_client_codes(vault),
                         sync_wire.my_clients(conn))
        _pull_all(vault, conn, clock, tally)
        for code in sync_state.refill_codes(vault):  # a deletion here lost to a newer edit
            _back_fill(vault, conn, clock, tally, code, sync_state.last_seq(vault))
        _follow_care_teams(vault, conn, clock, tally, before)
    except sync_wire.PracticeUnreachable as exc:
        return _finish(vault, clock, tally.report(f"offline: {exc.message}", offline=True))
    except KapNotesError as exc:  # a server to upgrade, an answer not understood
        return _finish(vault, clock, tally.report(exc.message))
    finally:
        conn.close()  # autocommit: nothing is left to commit or roll back
    return _finish(vault, clock, tally.report())


def _finish(vault: Vault, clock: Clock, report: SyncReport) -> SyncReport:
    _record_sync(vault, utc_stamp(clock), report.error)
    return report


def _push_all(vault: Vault, conn: psycopg.Connection, clock: Clock, tally: _Tally) -> None:
    sent: set[str] = set()
    while ops := [op for op in sync_outbox.pending_ops(vault, PUSH_BATCH)
                  if op.op_id not in sent]:  # each op once per sync, whatever its answer did
        for op in ops:
            _push_one(vault, conn, clock, tally, op)
            sent.add(op.op_id)


def _push_one(vault: Vault, conn: psycopg.Connection, clock: Clock, tally: _Tally,
              op: OutgoingOp) -> None:
    try:
        result = sync_wire.push(conn, op)
    except sync_wire.PracticeRefused as exc:
        if exc.sqlstate == sync_wire.UPGRADE_NEEDED:
            raise  # every operation would be refused alike: stop, keep them all waiting
        _record_refusal(vault, op.op_id, exc.message, utc_stamp(clock))
        tally.refusals.append(Refusal(op.client_code, op.kind, exc.message))
        return
    _record_answer(vault, op.op_id, result.outcome, result.row_version, utc_stamp(clock))
    if result.outcome == "conflict":
        tally.conflicts += op.kind != "client"  # a client's fields are merged on the pull
    else:
        tally.pushed += 1


def _pull_all(vault: Vault, conn: psycopg.Connection, clock: Clock, tally: _Tally) -> None:
    _apply_pages(vault, clock, tally, lambda after: sync_wire.pull(conn, after, PULL_PAGE),
                 sync_state.last_seq(vault))


def _apply_pages(vault: Vault, clock: Clock, tally: _Tally,
                 fetch: Callable[[int], list[IncomingRow]], after: int) -> None:
    """Apply the pages after `after`, a page shorter than PULL_PAGE being the last. Each next
    page is pulled on a thread while the one before it is applied, so the server's work and
    the wire overlap the vault's (docs/BENCHMARKS.md, issue 20); the thread touches only the
    connection, never the vault. Leaving early (an error, a page that fails) first waits for
    the pull in flight, so nothing else uses the connection meanwhile."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kapnotes-pull") as puller:
        ahead = puller.submit(fetch, after)
        while rows := ahead.result():
            full = len(rows) >= PULL_PAGE
            if full:
                ahead = puller.submit(fetch, rows[-1].seq)
            _apply(vault, rows, clock, tally)
            if not full:
                return


def _apply(vault: Vault, rows: list[IncomingRow], clock: Clock, tally: _Tally) -> None:
    outcome = _apply_page(vault, rows, utc_stamp(clock))
    tally.pulled += outcome.applied
    tally.conflicts += outcome.conflicts
    tally.field_reviews += outcome.field_reviews
    tally.removed += outcome.removed


@dataclass(frozen=True)
class _Before:
    """What held before this sync's pull, to find the rows the pull could not bring."""

    last_seq: int
    known: set[str]   # clients this vault had from the server
    mine: set[str]    # the login's care teams


def _follow_care_teams(vault: Vault, conn: psycopg.Connection, clock: Clock, tally: _Tally,
                       before: _Before) -> None:
    """Clients new on this login's care teams get their older rows, which the pull (by
    sequence number) had passed; clients no longer on them are purged from this vault.

    A client on the team all through the pull got everything after `before.last_seq` from it,
    so only what lies before that is fetched (nothing for a new workstation); a client put on
    the team while the pull ran may have had rows skipped by it, so everything up to where the
    pull ended is."""
    mine = sync_wire.my_clients(conn)
    upto = sync_state.last_seq(vault)
    for code in sorted(mine):
        if code not in before.mine:
            _back_fill(vault, conn, clock, tally, code, upto)
        elif code not in before.known and before.last_seq > 0:
            _back_fill(vault, conn, clock, tally, code, before.last_seq)
    purged: list[str] = []
    held: list[str] = []
    for code in sorted(sync_state.server_client_codes(vault) - mine):
        (purged if _purge_unless_held(vault, code, utc_stamp(clock)) else held).append(code)
    tally.purged, tally.held = tuple(purged), tuple(held)


def _back_fill(vault: Vault, conn: psycopg.Connection, clock: Clock, tally: _Tally,
               code: str, upto: int) -> None:
    _apply_pages(vault, clock, tally,
                 lambda after: sync_wire.pull_client(conn, code, after, upto, PULL_PAGE), 0)


# The vault writes of a sync: each its own small transaction that announces what it changed
# (tests/services/test_change_notifications.py calls each on a real vault, no server needed).
def _pack(vault: Vault, now: str) -> None:
    with write(vault, _BOOKKEEPING):
        sync_outbox.pack_outbox(vault, now)


def _record_answer(vault: Vault, op_id: str, outcome: str, row_version: int, now: str) -> None:
    with write(vault, _BOOKKEEPING):
        if outcome == "conflict":
            sync_outbox.keep_conflict_copy(vault, op_id, row_version, now)
        else:
            sync_outbox.acknowledge(vault, op_id, row_version)


def _record_refusal(vault: Vault, op_id: str, message: str, now: str) -> None:
    with write(vault, _BOOKKEEPING):
        sync_outbox.record_refusal(vault, op_id, message, now)


def _apply_page(vault: Vault, rows: list[IncomingRow], now: str) -> ApplyOutcome:
    """One page in one vault transaction, with the last sequence it reaches (the page opens
    it: a page with a row that cannot apply yet is rolled back and applied row by row)."""
    return sync_apply.apply_incoming(vault, rows, now, transaction=lambda: write(vault, _RECORDS))


def _purge_unless_held(vault: Vault, code: str, now: str) -> bool:
    """Purge the client unless it has work that exists only here; checked and removed in one
    transaction, so an edit made meanwhile is either counted or comes after."""
    with write(vault, _RECORDS):
        if sync_state.unsent_work(vault, code):
            return False
        sync_state.purge_client(vault, code, now)
    return True


def _record_sync(vault: Vault, now: str, error: str) -> None:
    with write(vault, _BOOKKEEPING):
        sync_state.record_sync(vault, now, error)
