"""Re-joining after `practice leave`: the same server keeps the versions last agreed (its rows
are echoes); another server forgets them, so every row, signed notes too, goes to it as new.
A real vault; the links are saved as `join` saves them (no server needed for this part)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.services import practice_link

OLD = "host=old.example port=5432 dbname=kap sslmode=require"


def _joined_and_synced(services: Any) -> tuple[int, int]:
    client = services.clients.create(Client(code="KAP-2501", full_name="Robin Fictional"))
    course = services.courses.create(Course(client_id=client.id, protocol="kap_sublingual_im",
                                            start_date=date(2026, 11, 2)))
    notes = services.notes
    draft = notes.create_session(course_id=course.id, kind=SessionKind.INTEGRATION,
                                 starts_at=datetime(2026, 11, 19, 10, 0))
    signed = notes.create_session(course_id=course.id, kind=SessionKind.INTEGRATION,
                                  starts_at=datetime(2026, 11, 20, 10, 0))
    risk = notes.template_for(signed).field("risk_review")
    notes.save_fields(signed.id, {"client_account": "Fictional.",
                                  "risk_review": [risk.options[0].id]})
    notes.sign(signed.id, signer="Dr Fictional", reason="test")
    vault = services.vault
    practice_link._save_link(vault, {"conninfo": OLD, "login": "ther_1", "secret": "s"})
    practice_link._record_join(vault, "ther_1", OLD)
    # As a sync leaves it: every row acknowledged by the server at version 1, nothing dirty.
    with vault.transaction():
        vault.execute("UPDATE sync_ids SET version = 1")
        vault.execute("DELETE FROM sync_dirty")
    return int(draft.id), int(signed.id)


def _dirty(services: Any) -> set[tuple[str, int]]:
    return {(str(t), int(i)) for t, i in services.vault.query(
        "SELECT tbl, local_id FROM sync_dirty")}


def _rejoin(services: Any, conninfo: str) -> None:
    practice_link.leave(services.vault)
    _join(services, conninfo)


def _join(services: Any, conninfo: str) -> None:
    practice_link._save_link(services.vault, {"conninfo": conninfo, "login": "ther_2",
                                              "secret": "t"})
    practice_link._record_join(services.vault, "ther_2", conninfo)


def test_rejoining_the_same_server_keeps_versions_and_resends_what_may_have_changed(
        services: Any) -> None:
    draft, signed = _joined_and_synced(services)
    practice_link.leave(services.vault)
    # While not joined: the draft is signed here (nothing records it for a server).
    notes = services.notes
    risk = notes.template_for(notes.session(draft)).field("risk_review")
    notes.save_fields(draft, {"client_account": "Fictional, solo.",
                              "risk_review": [risk.options[0].id]})
    notes.sign(draft, signer="Dr Fictional", reason="test")
    _join(services, "host=OLD.example dbname=kap sslmode=verify-full")
    versions = {int(v[0]) for v in services.vault.query("SELECT version FROM sync_ids")}
    assert versions == {1}
    dirty = _dirty(services)
    # The note signed while not joined goes again (its signing); the one signed before not.
    assert ("sessions", draft) in dirty and ("sessions", signed) not in dirty
    assert {t for t, _ in dirty} == {"clients", "courses", "sessions"}


def test_joining_another_server_sends_every_row_as_new(services: Any) -> None:
    draft, signed = _joined_and_synced(services)
    total = int(services.vault.query_one("SELECT count(*) FROM sync_ids")[0])
    _rejoin(services, "host=new.example dbname=kap sslmode=require")
    assert services.vault.query_one(
        "SELECT count(*) FROM sync_ids WHERE version IS NOT NULL")[0] == 0
    dirty = _dirty(services)
    assert {("sessions", draft), ("sessions", signed)} <= dirty
    assert len(dirty) == total
    assert practice_link.linked(services.vault) is not None
