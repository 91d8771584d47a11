"""Workstations for the multi-vault sync tests: a real vault in tmp_path per clinician, joined
to the real practice server with that clinician's enrolment code, and all its services.
All data is fictional."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import psycopg
from helpers.basics import TEST_PASSPHRASE, FakeClock

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.practice import admin
from kapnotes.services import practice_link, practice_sync
from kapnotes.services.container import Services, build_services
from kapnotes.storage import lifecycle
from tests.practice.practice_helpers import unique_login

NOTE_TEXT = "Fictional account: walked by the river and felt calmer."
SESSION_AT = datetime(2026, 11, 19, 10, 0)


@dataclass
class Workstation:
    """One clinician's vault, joined to the practice server."""

    name: str
    login: str
    path: Path
    services: Services

    @property
    def vault(self) -> Any:
        return self.services.vault

    def sync(self) -> practice_sync.SyncReport:
        return practice_sync.sync_once(self.vault, clock=self.services.clock)

    def status(self) -> Any:
        return practice_sync.sync_status(self.vault)

    def close(self) -> None:
        self.vault.close()

    def reopen(self) -> None:
        vault = lifecycle.unlock_vault(self.path, passphrase=TEST_PASSPHRASE)
        self.services = build_services(vault, clock=self.services.clock,
                                       practice_templates=self.path.parent / "templates")

    # What a clinician does in the app, through the services.
    def client(self, code: str) -> Client | None:
        return self.services.clients.by_code(code)

    def new_client_with_course(self, code: str) -> tuple[int, int]:
        client = self.services.clients.create(Client(code=code, full_name="Robin Fictional"))
        assert client.id is not None
        course = self.services.courses.create(Course(
            client_id=client.id, protocol="kap_sublingual_im", start_date=date(2026, 11, 2)))
        assert course.id is not None
        return client.id, course.id

    def course_of(self, code: str) -> int:
        client = self.client(code)
        assert client is not None and client.id is not None
        course_id = self.services.courses.for_client(client.id)[0].id
        assert course_id is not None
        return course_id

    def sessions(self, code: str) -> list[Any]:
        return self.services.notes.sessions_for_course(self.course_of(code))

    def integration_note(self, code: str, text: str = NOTE_TEXT, *, sign: bool = False) -> int:
        notes = self.services.notes
        note = notes.create_session(course_id=self.course_of(code),
                                    kind=SessionKind.INTEGRATION, starts_at=SESSION_AT,
                                    clinician=self.name)
        risk = notes.template_for(note).field("risk_review")
        notes.save_fields(note.id, {"client_account": text, "risk_review": [risk.options[0].id]})
        if sign:
            notes.sign(note.id, signer=self.name, reason="test")
        return int(note.id)

    def dosing_session(self, code: str) -> int:
        return int(self.services.notes.create_session(
            course_id=self.course_of(code), kind=SessionKind.DOSING,
            starts_at=datetime(2026, 11, 20, 9, 0), clinician=self.name).id)

    def note_text(self, session_id: int) -> str:
        return str(self.services.notes.note(session_id).values.get("client_account", ""))


def open_workstation(tmp_path: Path, admin_dsn: str, name: str, role: str,
                     *clients: str) -> Workstation:
    """A clinician added on the server in `role`, on the care teams of `clients`, whose new
    vault has joined with the enrolment code (as `kapnotes practice join` does)."""
    login = unique_login(name)
    code = admin.add_clinician(admin_dsn, login, role)
    for client in clients:
        admin.assign(admin_dsn, client, login)
    folder = tmp_path / name
    folder.mkdir()
    created = lifecycle.create_vault(folder / "vault.kapnotes", TEST_PASSPHRASE)
    services = build_services(created.vault, clock=FakeClock(),
                              practice_templates=folder / "templates")
    practice_link.join(services.vault, admin_dsn, code, login)
    return Workstation(name, login, folder / "vault.kapnotes", services)


def server_rows(admin_dsn: str) -> list[tuple[Any, ...]]:
    """(client, kind, row id, version) of every record on the server, as its administrator
    sees; audit entries, which ride along with the records, are left out."""
    with psycopg.connect(admin_dsn) as conn:
        return conn.execute(  # a superuser: row-level security does not hide rows from it
            "SELECT client_code, kind, row_id::text, version FROM kap.current_rows "
            "WHERE kind <> 'audit' ORDER BY client_code, kind, row_id").fetchall()
