"""The fault harness's world: a real practice server, two or three real vaults joined to it
through a connection-cutting proxy, and the clinicians' work done through the public services
(tests/practice/test_sync_fault_harness.py drives it; tests/practice/fault_engine.py breaks
the syncs; tests/practice/fault_checks.py checks the end state).

Every text a workstation writes carries a unique token (`tok-<who>-<000n>`), so the end checks
can find it in whatever shape the payload has: on the server, or in that vault's conflict
copies or field reviews.
"""

from __future__ import annotations

import contextlib
import random
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from helpers.basics import TEST_PASSPHRASE, FakeClock
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from kapnotes.domain.errors import KapNotesError
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.practice import admin
from kapnotes.services import practice_link
from kapnotes.services.container import Services, build_services
from kapnotes.storage import lifecycle
from kapnotes.storage.sync_outbox import CLIENT_NAMESPACE
from tests.practice.fault_kinds import KindOps

# Who may do what (the server's role policy, kapnotes/practice/schema/): a workstation only
# attempts what its clinician's role may write, so every refusal left at the end is a bug.
ROLE_OPS: dict[str, tuple[str, ...]] = {
    "therapist": ("client", "edit_client", "course", "session", "edit", "edit", "edit",
                  "sign", "addendum", "measure", "vitals", "delete_draft", "consent",
                  "withdraw_consent", "screen"),
    "prescriber": ("course", "session", "edit", "edit", "sign", "addendum", "vitals",
                   "measure", "consent", "screen"),
    "nurse": ("vitals", "vitals", "measure", "screen"),
}


@dataclass
class Workstation:
    """One clinician's workstation: their vault, joined to the server, and its services."""

    name: str
    role: str
    login: str
    path: Path
    templates: Path
    clock: FakeClock
    services: Services
    tokens: int = 0
    # row uuid → {field: last token written there}: what must not be lost.
    written: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def vault(self) -> Any:
        return self.services.vault

    def token(self) -> str:
        self.tokens += 1
        return f"tok-{self.name}-{self.tokens:06d}"  # fixed width: no token is a prefix of another

    def reopen(self) -> None:
        """A fresh process: the vault closed (an open transaction rolled back) and unlocked."""
        with contextlib.suppress(Exception):  # the "dead" worker's connection may be unusable
            if self.vault.in_transaction:
                self.vault.conn.execute("ROLLBACK")
        self.vault.close()
        self.open()

    def close(self) -> None:
        self.vault.close()

    def open(self) -> None:
        vault = lifecycle.unlock_vault(self.path, passphrase=TEST_PASSPHRASE)
        self.services = build_services(vault, clock=self.clock,
                                       practice_templates=self.templates)


def remember(ws: Workstation, table: str, local_id: int, field_id: str, token: str) -> None:
    """The newest token written in a field of a shared row, by the row's UUID on the server
    (the local row may later be replaced or removed by what the server sends). A client's is
    the one its code gives (kapnotes/storage/sync_outbox.py), taken when it is first sent."""
    if table == "clients":
        code = ws.vault.query_one("SELECT code FROM clients WHERE id = ?", (local_id,))[0]
        found: str | None = str(uuid.uuid5(CLIENT_NAMESPACE, str(code).upper()))
    else:
        row = ws.vault.query_one("SELECT uuid FROM sync_ids WHERE tbl = ? AND local_id = ?",
                                 (table, local_id))
        found = None if row is None else str(row[0])
    if found is not None:
        ws.written.setdefault(found, {})[field_id] = token


def proxied(dsn: str, port: int) -> str:
    return make_conninfo(dsn, port=str(port))


def server_address(dsn: str) -> tuple[str, int]:
    params = conninfo_to_dict(dsn)
    return str(params.get("host", "127.0.0.1")), int(str(params["port"]))


def new_workstation(tmp: Path, admin_dsn: str, via_proxy: str, name: str, role: str,
                    clock: FakeClock, login: str) -> Workstation:
    """A new vault, a new clinician login, the vault joined through the proxy."""
    code = admin.add_clinician(admin_dsn, login, role)
    path = tmp / f"{name}.kapnotes"
    created = lifecycle.create_vault(path, TEST_PASSPHRASE)
    services = build_services(created.vault, clock=clock, practice_templates=tmp / "templates")
    practice_link.join(created.vault, via_proxy, code, login)
    return Workstation(name, role, login, path, tmp / "templates", clock, services)


@dataclass
class Ops(KindOps):
    """The random clinical work: one call does one thing a clinician does, through the
    services, on the workstation's own vault. Refusals by the app's own rules (a note
    signed meanwhile, a field another edit filled) are normal and counted."""

    rng: random.Random
    admin_dsn: str
    codes: list[str] = field(default_factory=list)
    waiting: list[tuple[str, str]] = field(default_factory=list)  # (client code, login)
    done: dict[str, int] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)
    why: dict[str, str] = field(default_factory=dict)  # the first refusal of each kind of op
    # The administrator's look at what reached the server, after every sync: one kept
    # connection instead of a new TLS + SCRAM login each time (none of the faults touch it).
    _admin: psycopg.Connection | None = field(default=None, init=False, repr=False)

    def one(self, ws: Workstation, others: list[Workstation]) -> str:
        what = self.rng.choice(ROLE_OPS[ws.role])
        try:
            ok = getattr(self, f"_{what}")(ws, others)
        except KapNotesError as exc:
            self.why.setdefault(what, str(exc))
            ok = False
        bucket = self.done if ok else self.refused
        bucket[what] = bucket.get(what, 0) + 1
        return what

    # -- helpers -----------------------------------------------------------------------
    def _clients(self, ws: Workstation) -> list[Any]:
        return ws.services.clients.list()

    def _sessions(self, ws: Workstation, *, signed: bool | None = None,
                  kind: SessionKind | None = None) -> list[Any]:
        rows = ws.vault.query(
            "SELECT s.id FROM sessions s WHERE (? IS NULL OR (s.signed_at IS NOT NULL) = ?)"
            " AND (? IS NULL OR s.kind = ?) ORDER BY s.id",
            (signed, signed, kind and kind.value, kind and kind.value))
        return [ws.services.notes.session(int(r[0])) for r in rows]

    # -- operations --------------------------------------------------------------------
    def _client(self, ws: Workstation, others: list[Workstation]) -> bool:
        code = f"FH-{len(self.codes) + 1:04d}-{self.rng.randrange(10**6):06d}"
        client = ws.services.clients.create(Client(code=code,
                                                   full_name=f"Fictional Person {code}",
                                                   background=f"Fictional {ws.token()}."))
        remember(ws, "clients", int(client.id or 0), "background",
                 client.background.split()[1].rstrip("."))
        self.codes.append(code)
        # The practice administrator puts (most of) the care team on the new client once it
        # has reached the server with its creator (`assign_waiting`, after syncs).
        self.waiting += [(code, o.login) for o in others if self.rng.random() < 0.85]
        return True

    def assign_waiting(self) -> None:
        """Assign the care-team members waiting for clients that are now on the server."""
        if not self.waiting:
            return
        if self._admin is None:
            self._admin = psycopg.connect(self.admin_dsn, autocommit=True)
        there = {r[0] for r in self._admin.execute(
            "SELECT client_code FROM kap.current_rows WHERE kind = 'client'")}
        for code, login in [w for w in self.waiting if w[0] in there]:
            admin.assign(self.admin_dsn, code, login)
            self.waiting.remove((code, login))

    def close(self) -> None:
        if self._admin is not None:
            self._admin.close()

    def _edit_client(self, ws: Workstation, others: list[Workstation]) -> bool:
        clients = self._clients(ws)
        if not clients:
            return False
        client = ws.services.clients.get(int(self.rng.choice(clients).id or 0))
        column = self.rng.choice(("address", "background", "diagnosis", "referring_clinician"))
        token = ws.token()
        ws.services.clients.update(replace(client, **{column: token}))
        remember(ws, "clients", int(client.id or 0), column, token)
        return True

    def _course(self, ws: Workstation, others: list[Workstation]) -> bool:
        clients = self._clients(ws)
        if not clients:
            return False
        client = self.rng.choice(clients)
        ws.services.courses.create(Course(client_id=int(client.id or 0), protocol="custom",
                                          start_date=ws.clock().date(), title=ws.token()))
        return True

    def _session(self, ws: Workstation, others: list[Workstation]) -> bool:
        courses = [int(r[0]) for r in ws.vault.query("SELECT id FROM courses")]
        if not courses:
            return False
        kind = self.rng.choice((SessionKind.PREPARATION, SessionKind.INTEGRATION,
                                SessionKind.DOSING))
        start = ws.clock().replace(second=0, microsecond=0) - timedelta(hours=1)
        ws.services.notes.create_session(course_id=self.rng.choice(courses), kind=kind,
                                         starts_at=start, clinician=ws.login)
        return True

    def _edit(self, ws: Workstation, others: list[Workstation]) -> bool:
        drafts = self._sessions(ws, signed=False)
        if not drafts:
            return False
        session = self.rng.choice(drafts)
        long_texts = [f.id for f in ws.services.notes.template_for(session).fields
                      if f.type.value == "long_text"]
        field_id = self.rng.choice(long_texts)
        token = ws.token()
        ws.services.notes.save_fields(int(session.id), {field_id: f"Fictional {token} text."})
        remember(ws, "sessions", int(session.id), field_id, token)
        return True

    def _sign(self, ws: Workstation, others: list[Workstation]) -> bool:
        drafts = [s for s in self._sessions(ws, signed=False)
                  if s.kind is not SessionKind.DOSING]
        if not drafts:
            return False
        session = self.rng.choice(drafts)
        notes = ws.services.notes
        sid = int(session.id)
        if session.kind is SessionKind.PREPARATION:
            fill: dict[str, object] = {"reasons": f"Fictional {ws.token()}.",
                                       "intentions": ["rest"]}
        else:
            fill = {"client_account": f"Fictional {ws.token()}.",
                    "risk_review": ["suicidal_ideation"]}
        notes.save_fields(sid, fill)
        first = next(iter(fill))
        remember(ws, "sessions", sid, first, str(fill[first]).split()[1].rstrip("."))
        notes.sign(sid, signer=ws.login, reason="fictional sign-off")
        return True

    def _addendum(self, ws: Workstation, others: list[Workstation]) -> bool:
        signed = self._sessions(ws, signed=True)
        if not signed:
            return False
        session = self.rng.choice(signed)
        ws.services.notes.add_addendum(int(session.id), f"Fictional {ws.token()}.",
                                       author=ws.login)
        return True

    def _vitals(self, ws: Workstation, others: list[Workstation]) -> bool:
        doses = self._sessions(ws, signed=False, kind=SessionKind.DOSING)
        if not doses:
            return False
        session = self.rng.choice(doses)
        at = session.starts_at + timedelta(minutes=self.rng.randrange(5, 300))
        ws.services.monitoring.add_reading(
            int(session.id), "extra",
            {"systolic": self.rng.randrange(110, 135), "diastolic": self.rng.randrange(70, 85),
             "heart_rate": self.rng.randrange(60, 90)}, at=at)
        return True

    def _measure(self, ws: Workstation, others: list[Workstation]) -> bool:
        clients = self._clients(ws)
        if not clients:
            return False
        client = self.rng.choice(clients)
        ws.services.measures.enter(client_id=int(client.id or 0), scale_id="phq9",
                                   taken_on=ws.clock().date(), total=self.rng.randrange(0, 27))
        return True

    def _delete_draft(self, ws: Workstation, others: list[Workstation]) -> bool:
        drafts = self._sessions(ws, signed=False)
        if not drafts or self.rng.random() < 0.7:  # rarer than the rest
            return False
        session = self.rng.choice(drafts)
        uuid_row = ws.vault.query_one("SELECT uuid FROM sync_ids WHERE tbl = 'sessions'"
                                      " AND local_id = ?", (int(session.id),))
        reason = f"Fictional reason {ws.token()}" if self.rng.random() < 0.5 else ""
        ws.services.notes.delete_draft(int(session.id), reason=reason)
        if uuid_row is not None:  # deleted on purpose: its text is not "lost"
            ws.written.pop(str(uuid_row[0]), None)
        return True


def today(ws: Workstation) -> date:
    return ws.clock().date()


def start_clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 2, 8, 0))
