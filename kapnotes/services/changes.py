"""What a state-changing service call changed, announced once after it commits.

Every service call that writes the vault does it inside `write(vault, Changes(...))` instead of
a bare `vault.transaction()`: the flags and ids it names (plus any added with `mark` while the
transaction runs, e.g. by a save hook) are merged and published once, after the outermost
transaction commits; a rollback publishes nothing. Views subscribe (through the window's Qt
adapter, `ui/change_signals.py`) and refresh only what a change touches, so a new view or a
new service call cannot forget the other side. Plain Python: no Qt here (docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import contextlib
import logging
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields

from kapnotes.storage import courses as course_repo
from kapnotes.storage import sessions as session_repo
from kapnotes.storage.vault import Vault

log = logging.getLogger(__name__)
Subscriber = Callable[["Changes"], None]


def ids(*values: int | Iterable[int] | None) -> frozenset[int]:
    """Ids for a `Changes` field: ints or collections of ints, None left out."""
    out: set[int] = set()
    for value in values:
        if value is None:
            continue
        if isinstance(value, int):
            out.add(value)
        else:
            out.update(int(v) for v in value)
    return frozenset(out)


@dataclass(frozen=True)
class Changes:
    """What one state-changing call changed. A flag says which kind of record; the id sets say
    which records where the caller knew them (empty means "any": refresh all of that kind)."""

    clients: bool = False       # a client's record, archive state, weight, or the client went
    courses: bool = False       # a course, its status or its planned slots (the schedule)
    sessions: bool = False      # a session added, removed, rescheduled, signed
    notes: bool = False         # a note's field values or addenda (search text)
    intentions: bool = False    # a course's intentions or their reviews
    themes: bool = False        # the theme list or a note's theme mentions
    measures: bool = False      # an outcome measure entered or deleted
    monitoring: bool = False    # a dosing record: dose, vitals, boosters, observations, discharge
    screening: bool = False     # a client's screen or a session's acknowledgement
    settings: bool = False      # practice settings, thresholds, the clinician's name
    exports: bool = False       # an export was written and recorded in the audit log
    registers: bool = False     # a Schedule 8 register opened or an entry appended
    reviews: bool = False       # a supervision request, reply, answer or log entry
    client_ids: frozenset[int] = frozenset()
    course_ids: frozenset[int] = frozenset()
    session_ids: frozenset[int] = frozenset()

    @property
    def kinds(self) -> frozenset[str]:
        """The names of the flags that are set (e.g. {"clients", "sessions"})."""
        return frozenset(f.name for f in fields(self) if f.type == "bool" and getattr(self, f.name))

    def __or__(self, other: Changes) -> Changes:
        merged = {f.name: getattr(self, f.name) | getattr(other, f.name) for f in fields(self)}
        return Changes(**merged)

    def touches(self, *kinds: str, client_id: int | None = None, course_id: int | None = None,
                session_id: int | None = None) -> bool:
        """Whether any of `kinds` changed for the records named (None: any record)."""
        return (bool(self.kinds & set(kinds))
                and (client_id is None or self.touches_client(client_id))
                and (course_id is None or self.touches_course(course_id))
                and (session_id is None or self.touches_session(session_id)))

    def touches_client(self, client_id: int | None) -> bool:
        """Whether a view of this client may be out of date (unknown ids count as yes)."""
        return not self.client_ids or client_id in self.client_ids

    def touches_course(self, course_id: int | None) -> bool:
        return not self.course_ids or course_id in self.course_ids

    def touches_session(self, session_id: int | None) -> bool:
        return not self.session_ids or session_id in self.session_ids


SETTINGS = Changes(settings=True)
# A whole vault's worth arrived (an import): every view refreshes.
EVERYTHING = Changes(clients=True, courses=True, sessions=True, notes=True, intentions=True,
                     themes=True, measures=True, monitoring=True, screening=True)


class ChangeHub:
    """One vault's publisher: collects a transaction's changes, publishes them after COMMIT."""

    def __init__(self, vault: Vault, *, twin: ChangeHub | None = None) -> None:
        self._vault = weakref.ref(vault)
        # A second connection to the same file (a worker thread's) reaches the same views.
        self._subscribers: list[Subscriber] = twin._subscribers if twin is not None else []
        self._pending: Changes | None = None

    def subscribe(self, subscriber: Subscriber) -> None:
        if subscriber not in self._subscribers:
            self._subscribers.append(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        with contextlib.suppress(ValueError):
            self._subscribers.remove(subscriber)

    def mark(self, changes: Changes) -> None:
        """Add to what the running transaction changed (outside one: publish now)."""
        vault = self._vault()
        if vault is None:
            return
        if not vault.in_transaction:
            self.publish(changes)
        elif vault.after_commit(self._flush):  # first mark of this transaction
            self._pending = changes
        else:
            self._pending = (self._pending or Changes()) | changes

    def _flush(self) -> None:
        changes, self._pending = self._pending, None
        if changes is not None:
            self.publish(changes)

    def publish(self, changes: Changes) -> None:
        for subscriber in list(self._subscribers):
            try:
                subscriber(changes)
            except Exception:  # the write is committed: a view's failure must not undo that
                log.exception("A view failed to take a change notification")


_hubs: weakref.WeakKeyDictionary[Vault, ChangeHub] = weakref.WeakKeyDictionary()


def hub(vault: Vault) -> ChangeHub:
    """The publisher of `vault` (one per open vault, shared by every service over it)."""
    found = _hubs.get(vault)
    if found is None:
        twin = next((h for v, h in list(_hubs.items()) if v.path == vault.path), None)
        found = _hubs[vault] = ChangeHub(vault, twin=twin)
    return found


def mark(vault: Vault, changes: Changes) -> None:
    """Inside a `write`: add what else changed (ids known only after an insert, hook writes)."""
    hub(vault).mark(changes)


@contextlib.contextmanager
def write(vault: Vault, changes: Changes | Callable[[], Changes]) -> Iterator[Vault]:
    """`vault.transaction()` that announces `changes` once the outermost transaction commits.
    A callable is asked inside the transaction (ids it looks up: a closed vault then fails as
    a write, the error the caller reports)."""
    with vault.transaction():
        mark(vault, changes() if callable(changes) else changes)
        yield vault


def session_changes(vault: Vault, session_id: int, **flags: bool) -> Changes:
    """`flags` for one session, naming its course and client (for the views that filter)."""
    session = session_repo.get(vault, session_id)
    client_id = course_repo.get(vault, session.course_id).client_id
    return Changes(**flags, session_ids=ids(session_id), course_ids=ids(session.course_id),
                   client_ids=ids(client_id))
