"""Audit entries about shared records go to the practice server insert-only and come back on
other workstations (issue 20), with real vaults in tmp_path and the real PostgreSQL server:
a supervisor sees who did what on which workstation, each vault's own keyed chain and
`kapnotes check` stay clean, the shared chain is checked per workstation and client, and no
audit entry carries note text. All data is fictional."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import psycopg
import pytest
from helpers.basics import TEST_PASSPHRASE

from kapnotes.services import practice_audit_sync
from kapnotes.storage import audit
from tests.practice.practice_helpers import push
from tests.practice.workstations import NOTE_TEXT, Workstation, open_workstation

CLIENT = "KAP-4401"



def _check(run_kapnotes, ws: Workstation, tmp_path: Path):  # type: ignore[no-untyped-def]
    secret = tmp_path / f"{ws.name}.pass"
    secret.write_text(TEST_PASSPHRASE + "\n", encoding="utf-8")
    ws.close()
    try:
        return run_kapnotes("check", "--vault", str(ws.path), "--passphrase-file", str(secret))
    finally:
        ws.reopen()


def test_a_supervisor_sees_who_did_what_on_which_workstation(
        server: str, tmp_path: Path, run_kapnotes) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    supervisor = open_workstation(tmp_path, server, "sup", "supervisor", CLIENT)
    therapist.new_client_with_course(CLIENT)
    note = therapist.integration_note(CLIENT, sign=True)
    assert therapist.sync().error == ""
    report = supervisor.sync()
    assert (report.error, report.refused) == ("", 0)

    seen = practice_audit_sync.remote_audit(supervisor.vault, client_code=CLIENT)
    own = [e for e in audit.entries(therapist.vault) if e.event in {x.event for x in seen}]
    assert {"client.create", "session.sign"} <= {e.event for e in seen}
    assert all(e.author == therapist.login for e in seen)
    assert {e.workstation for e in seen} == {own[0].workstation}
    signing = next(e for e in seen if e.event == "session.sign")
    # Named by the note's UUID, which the supervisor's vault holds as its own copy of it.
    [copy] = supervisor.sessions(CLIENT)
    held = supervisor.vault.query_one("SELECT local_id FROM sync_ids WHERE uuid = ?",
                                      (signing.record_ref,))
    assert held == (copy.id,) and note > 0
    assert practice_audit_sync.remote_audit_problems(supervisor.vault) == []
    # Other workstations' entries are kept apart: both vaults' own chains hold, `check` is clean.
    assert audit.first_broken_entry(supervisor.vault) is None
    for ws in (therapist, supervisor):
        result = _check(run_kapnotes, ws, tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
    # Nothing of the note's words went into any audit entry on the server.
    with psycopg.connect(server) as conn:
        payloads = [r[0] for r in conn.execute(
            "SELECT payload FROM kap.change_log WHERE kind = 'audit'")]
    assert payloads and not any(NOTE_TEXT[:20] in json.dumps(p) for p in payloads)
    # Audit entries ride along: the sync reports the records, not their trail.
    assert therapist.status().pending == 0 and supervisor.sync().pulled == 0


def test_an_audit_entry_is_never_changed_and_a_forged_one_is_named(
        server: str, tmp_path: Path, run_kapnotes) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    supervisor = open_workstation(tmp_path, server, "sup", "supervisor", CLIENT)
    therapist.new_client_with_course(CLIENT)
    assert therapist.sync().error == ""
    with psycopg.connect(server) as conn:
        row_id, payload = conn.execute(
            "SELECT row_id, payload FROM kap.change_log WHERE kind = 'audit'"
            " ORDER BY seq LIMIT 1").fetchone()
    dsn = practice_dsn_of(therapist, server)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="audit rows are insert-only"):
        push(dsn, CLIENT, "audit", row_id, {**payload, "event": "client.view"}, base_version=1)
    # Sent by hand with a made-up event under the chain's next number: the server takes it
    # (it is the therapist's to write), and the supervisor's vault names it.
    forged = {**payload, "event": "client.export", "n": 99, "prev": payload["hash"]}
    assert push(dsn, CLIENT, "audit", uuid.uuid4(), forged)[1] == "applied"
    assert supervisor.sync().error == ""
    [problem] = practice_audit_sync.remote_audit_problems(supervisor.vault)
    assert problem.startswith(f"audit entry 99 of {CLIENT} from workstation")
    # `kapnotes check` says so, as a note: this vault itself is sound.
    result = _check(run_kapnotes, supervisor, tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"{problem} (received from the practice server)" in result.stdout


def practice_dsn_of(ws: Workstation, admin_dsn: str) -> str:
    from kapnotes.services import practice_link
    from tests.practice.practice_helpers import clinician_dsn

    link = practice_link.linked(ws.vault)
    assert link is not None
    return clinician_dsn(admin_dsn, link.login, link.secret)
