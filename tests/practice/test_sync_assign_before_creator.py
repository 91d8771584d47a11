"""Issue 20: "A client created on a workstation joins its creator's care team", also when the
practice administrator assigns a colleague to the client's code (`kapnotes practice assign`)
before the creator's workstation first syncs it. Real vaults, the real server."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from kapnotes.practice import admin, server_schema
from tests.practice.practice_helpers import enrol, pull, push
from tests.practice.workstations import NOTE_TEXT, open_workstation

CLIENT = "KAP-3101"



def _care_team(dsn: str, code: str) -> set[str]:
    with psycopg.connect(dsn) as conn:
        return {str(r[0]) for r in conn.execute(
            "SELECT login FROM kap.care_team WHERE client_code = %s", (code,))}


def test_the_creator_joins_the_care_team_when_a_colleague_was_assigned_first(
        server: str, tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist")
    nurse = open_workstation(tmp_path, server, "nurse", "nurse")
    therapist.new_client_with_course(CLIENT)
    therapist.integration_note(CLIENT)
    # Right after intake, before the therapist's workstation has synced: the code is new
    # to the server, so `assign` registers it without its creator.
    admin.assign(server, CLIENT, nurse.login)
    report = therapist.sync()
    assert report.error == "" and report.refused == 0, report.refusals
    assert therapist.status().pending == 0
    assert _care_team(server, CLIENT) == {therapist.login, nurse.login}
    nurse.sync()
    assert nurse.client(CLIENT) is not None
    [note] = nurse.sessions(CLIENT)
    assert nurse.note_text(note.id) == NOTE_TEXT
    with psycopg.connect(server) as conn:
        row = conn.execute("SELECT created_by FROM kap.clients WHERE code = %s",
                           (CLIENT,)).fetchone()
    assert row is not None and row[0] == therapist.login  # the creator, not the administrator


def test_only_the_first_details_of_an_assigned_code_claim_it(server: str) -> None:
    """The claim is the one a new code gives its first writer, nothing more: once the code
    holds a row, a push of its details by someone off the care team is refused as before."""
    nurse = enrol(server, "nurse", "nurse", CLIENT)
    creator = enrol(server, "ther", "therapist")
    stranger = enrol(server, "other", "therapist")
    assert push(creator, CLIENT, "client", uuid.uuid4(), {"code": CLIENT})[1] == "applied"
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="not on the care team"):
        push(stranger, CLIENT, "client", uuid.uuid4(), {"code": CLIENT})
    assert pull(stranger) == []
    assert [r[2] for r in pull(nurse)] == ["client"]  # the creator's, seen by the team


def test_a_role_that_may_not_write_client_details_does_not_claim_an_assigned_code(
        server: str) -> None:
    enrol(server, "ther", "therapist", CLIENT)
    nurse = enrol(server, "nurse", "nurse")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="may not write client"):
        push(nurse, CLIENT, "client", uuid.uuid4(), {"code": CLIENT})
    with psycopg.connect(server) as conn:
        logins = {str(r[0]) for r in conn.execute(
            "SELECT c.login FROM kap.care_team c JOIN kap.clinicians k USING (login)"
            " WHERE c.client_code = %s AND k.role = 'nurse'", (CLIENT,))}
    assert logins == set()  # the refused claim left nothing behind


def test_upgrading_a_server_marks_only_codes_without_rows_as_awaiting_their_creator(
        practice_dsn: str, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = server_schema.schema_steps()
    monkeypatch.setattr(server_schema, "schema_steps", lambda: shipped[:7])
    server_schema.setup(practice_dsn)  # a server at step 7, in use
    therapist = enrol(practice_dsn, "ther", "therapist", "KAP-ROWS")
    admin.assign(practice_dsn, "KAP-EMPTY", str(conninfo_to_dict(therapist)["user"]))
    push(therapist, "KAP-ROWS", "note", uuid.uuid4(), {"client_account": "fictional"})
    push(therapist, "KAP-OWN", "client", uuid.uuid4(), {"code": "KAP-OWN"})
    monkeypatch.setattr(server_schema, "schema_steps", lambda: shipped)
    assert server_schema.setup(practice_dsn)[0] == "0008_creator_claims_assigned_code.sql"
    with psycopg.connect(practice_dsn) as conn:
        awaiting = dict(conn.execute("SELECT code, awaiting_creator FROM kap.clients"
                                     " WHERE code <> '@practice'"))  # step 0010's own row
        forced = conn.execute("SELECT relforcerowsecurity FROM pg_class"
                              " WHERE oid = 'kap.change_log'::regclass").fetchone()
    mine = {code: awaiting[code] for code in ("KAP-EMPTY", "KAP-ROWS", "KAP-OWN")}
    assert mine == {"KAP-EMPTY": True, "KAP-ROWS": False, "KAP-OWN": False}
    assert forced == (True,)  # lifted for the one statement only
