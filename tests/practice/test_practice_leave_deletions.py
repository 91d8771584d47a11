"""A deletion made while a vault was not joined (after `practice leave`) reaches the server at
the re-join, with its reason, instead of the record coming back from the server on the first
sync (issue 20; docs/PRACTICE-SERVER.md "Leaving the server, and joining again"). Real vaults
in tmp_path, the real server. All data is fictional."""

from __future__ import annotations

from pathlib import Path

from kapnotes.services import practice_link
from tests.practice.test_practice_leave import CLIENT, _rejoin
from tests.practice.workstations import open_workstation


def test_a_draft_deleted_while_not_joined_stays_deleted_after_the_rejoin(
        server: str, tmp_path: Path) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    b = open_workstation(tmp_path, server, "therb", "therapist", CLIENT)
    a.new_client_with_course(CLIENT)
    note = a.integration_note(CLIENT, "draft for the wrong client, fictional")
    kept = a.integration_note(CLIENT, "a draft that stays, fictional")
    assert a.sync().error == "" and b.sync().error == ""
    assert len(b.sessions(CLIENT)) == 2
    assert practice_link.leave(a.vault) == 0
    a.services.notes.delete_draft(note, reason="entered for the wrong client")
    _rejoin(a, server)
    report = a.sync()
    assert report.error == "" and report.refused == 0
    assert [s.id for s in a.sessions(CLIENT)] == [kept]  # it did not come back
    assert a.sync().pulled == 0
    b_report = b.sync()
    assert [b.note_text(s.id) for s in b.sessions(CLIENT)] == ["a draft that stays, fictional"]
    assert any("entered for the wrong client" in words for words in b_report.removed)


def test_a_vault_that_never_joined_records_no_deletion(services) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from kapnotes.domain.models import Client, Course
    client = services.clients.create(Client(code="KAP-8301", full_name="Robin Placeholder"))
    services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                   start_date=date(2026, 11, 2)))
    services.clients.delete(client.id, typed_code="KAP-8301")
    for table in ("sync_outbox", "sync_solo_voids"):
        assert services.vault.query(f"SELECT count(*) FROM {table}") == [(0,)], table


def test_a_client_deleted_while_left_is_one_void_and_another_server_forgets_it(
        services) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from kapnotes.domain.models import Client, Course
    from kapnotes.storage import sync_state
    client = services.clients.create(Client(code="KAP-8302", full_name="Robin Placeholder"))
    services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                   start_date=date(2026, 11, 2)))
    vault = services.vault
    with vault.transaction():  # the server had both (a vault that left keeps its versions)
        vault.execute("UPDATE sync_ids SET version = 1 WHERE tbl IN ('clients', 'courses')")
    services.clients.delete(client.id, typed_code="KAP-8302", why="duplicate record")
    assert vault.query("SELECT kind, client_code, version, reason FROM sync_solo_voids") == [
        ("client", "KAP-8302", 1, "duplicate record")]  # its course goes with its void
    with vault.transaction():
        sync_state.forget_versions(vault)  # joining another server: it never had them
    assert vault.query("SELECT count(*) FROM sync_solo_voids") == [(0,)]
