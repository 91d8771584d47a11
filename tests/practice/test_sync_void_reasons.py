"""Issue 20: "deletes are soft (voided, with reason)". The reason a person gives when deleting
travels with the void and is shown and audited on the other workstations; a deletion never
silently destroys a draft another clinician wrote on their workstation: it is kept there as a
conflict copy naming who deleted it and why. Real vaults, the real server."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import psycopg
import pytest

from kapnotes.services import practice_review
from tests.practice.practice_helpers import enrol, pull, push
from tests.practice.workstations import open_workstation

CLIENT = "KAP-3201"
REASON = "Duplicate record of KAP-3202; the care continues there"



def _void_payloads(dsn: str, kind: str) -> list[dict[str, object]]:
    with psycopg.connect(dsn) as conn:
        return [r[0] for r in conn.execute(
            "SELECT payload FROM kap.change_log WHERE kind = %s AND payload ? 'voided'"
            " ORDER BY seq", (kind,))]


def _audit_details(ws: object, event: str) -> list[str]:
    return [str(r[0]) for r in ws.vault.query(  # type: ignore[attr-defined]
        "SELECT detail FROM audit_log WHERE event = ? ORDER BY id", (event,))]


def test_a_deleted_client_keeps_the_drafts_a_colleague_wrote_as_copies_with_the_reason(
        server: str, tmp_path: Path) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    b = open_workstation(tmp_path, server, "therb", "therapist", CLIENT)
    client_id, _course = a.new_client_with_course(CLIENT)
    a.integration_note(CLIENT, "Fictional: A's own draft, only read on B.")
    a.sync()
    b.sync()
    b.integration_note(CLIENT, "Fictional: B's draft, already on the server.")
    b.sync()
    b.integration_note(CLIENT, "Fictional: B's draft, typed after B's last sync.")

    a.services.clients.delete(client_id, typed_code=CLIENT, why=REASON)
    assert a.sync().error == ""
    [voided] = _void_payloads(server, "client")
    assert voided["void_reason"] == REASON

    report = b.sync()
    assert report.error == ""
    assert b.client(CLIENT) is None  # the deletion is applied
    assert report.removed == (f"Client {CLIENT} deleted on another workstation by {a.login}: "
                              f"{REASON}",)
    copies = practice_review.queue(b.vault).conflicts
    # B's two drafts are kept as copies; A's draft, only read here, is not.
    assert len(copies) == 2 and report.conflicts == 2
    expected = f"deleted on another workstation by {a.login}: {REASON}"
    assert all(c.reason == f"Client {CLIENT} {expected}" for c in copies)
    texts = [practice_review.conflict_text(b.vault, c.id) for c in copies]
    assert "Fictional: B's draft, already on the server." in texts[0]
    assert "Fictional: B's draft, typed after B's last sync." in texts[1]
    assert all(expected in t for t in texts)
    assert any(expected in d for d in _audit_details(b, "practice.remove"))
    # A copy holds the client's purge, as any open copy does; resolving lets it go.
    for copy in copies:
        practice_review.mark_resolved(b.vault, copy.id, clock=b.services.clock)
    assert b.status().conflicts == 0


def test_a_discarded_draft_goes_out_with_its_reason_and_the_author_keeps_a_copy(
        server: str, tmp_path: Path) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    b = open_workstation(tmp_path, server, "therb", "therapist", CLIENT)
    a.new_client_with_course(CLIENT)
    a.sync()
    b.sync()
    draft = b.integration_note(CLIENT, "Fictional: written by B.")
    b.sync()
    a.sync()
    [on_a] = a.sessions(CLIENT)
    a.services.notes.delete_draft(on_a.id, reason="Entered for the wrong client")
    a.sync()
    assert [p["void_reason"] for p in _void_payloads(server, "note")] == [
        "Entered for the wrong client"]
    b.sync()
    assert b.sessions(CLIENT) == []
    [copy] = practice_review.queue(b.vault).conflicts
    assert copy.local_id == draft and copy.reason == (
        f"Draft note of {CLIENT} deleted on another workstation by {a.login}: "
        "Entered for the wrong client")
    assert "Fictional: written by B." in practice_review.conflict_text(b.vault, copy.id)


def test_a_reason_of_hostile_length_is_bounded_on_the_way_out_and_in(
        server: str, tmp_path: Path) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    b = open_workstation(tmp_path, server, "therb", "therapist", CLIENT)
    a.new_client_with_course(CLIENT)
    a.sync()
    b.sync()
    note = b.integration_note(CLIENT, "Fictional: B's words.")
    b.sync()
    a.sync()
    [on_a] = a.sessions(CLIENT)
    # Another program on A's login writes a reason that is not plain text of sane length.
    a.services.notes.delete_draft(on_a.id, reason="x" * 5000)
    a.sync()
    assert len(str(_void_payloads(server, "note")[0]["void_reason"])) == 500
    b.sync()
    [copy] = practice_review.queue(b.vault).conflicts
    assert copy.local_id == note and len(copy.reason) < 700
    assert json.dumps(copy.reason).count("x") == 500


def test_kapnotes_sync_prints_who_deleted_what_and_why(
        server: str, tmp_path: Path, run_kapnotes, passphrase: str) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    b = open_workstation(tmp_path, server, "therb", "therapist", CLIENT)
    client_id, _course = a.new_client_with_course(CLIENT)
    a.sync()
    b.sync()
    a.services.clients.delete(client_id, typed_code=CLIENT, why=REASON)
    a.sync()
    b.close()  # the command takes the vault's lock, as with the app closed
    secret = tmp_path / "passphrase.txt"
    secret.write_text(passphrase + "\n", encoding="utf-8")
    result = run_kapnotes("sync", "--vault", str(b.path), "--passphrase-file", str(secret))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [
        f"Removed: Client {CLIENT} deleted on another workstation by {a.login}: {REASON}."]


@pytest.mark.parametrize("reason", [None, "", "   ", 42, "x" * 501])
def test_the_server_applies_a_void_only_with_a_reason_even_pushed_by_hand(
        server: str, reason: object) -> None:
    therapist = enrol(server, "ther", "therapist", CLIENT)
    draft = uuid.uuid4()
    push(therapist, CLIENT, "note", draft, {"client_account": "fictional"})
    void: dict[str, object] = {"voided": True}
    if reason is not None:
        void["void_reason"] = reason
    with pytest.raises(psycopg.errors.InvalidParameterValue,
                       match=f'note {draft} of client {CLIENT}: a void needs a "void_reason"'):
        push(therapist, CLIENT, "note", draft, void, base_version=1)
    assert [r[4] for r in pull(therapist)] == [{"client_account": "fictional"}]  # unchanged
    void["void_reason"] = "Entered for the wrong client"
    assert push(therapist, CLIENT, "note", draft, void, base_version=1)[1:] == ("applied", 2)


def test_a_reading_entered_during_the_sync_that_brings_the_clients_deletion_still_goes_out(
        server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows changed after the sync packed its changes and before a deletion from elsewhere
    arrives would go with the deleted client, never sent: they are packed first."""
    from kapnotes.practice import sync_wire

    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    nurse = open_workstation(tmp_path, server, "nurse", "nurse", CLIENT)
    client_id, _course = therapist.new_client_with_course(CLIENT)
    therapist.dosing_session(CLIENT)
    therapist.sync()
    nurse.sync()
    [dose] = nurse.sessions(CLIENT)
    therapist.services.clients.delete(client_id, typed_code=CLIENT, why=REASON)
    therapist.sync()
    real_pull = sync_wire.pull

    def reading_entered_meanwhile(*args: object, **kwargs: object) -> object:
        if nurse.client(CLIENT) is not None and nurse.status().pending == 0:
            nurse.services.monitoring.add_reading(
                dose.id, "extra", {"systolic": 131, "diastolic": 84, "heart_rate": 77})
        return real_pull(*args, **kwargs)

    monkeypatch.setattr(sync_wire, "pull", reading_entered_meanwhile)
    assert nurse.sync().error == ""
    monkeypatch.setattr(sync_wire, "pull", real_pull)
    assert nurse.client(CLIENT) is None
    assert nurse.sync().pushed == 1  # the reading reaches the server, which keeps it
    with psycopg.connect(server) as conn:
        [(reading,)] = conn.execute("SELECT payload FROM kap.change_log WHERE kind = 'vitals'")
    assert reading["systolic"] == 131
