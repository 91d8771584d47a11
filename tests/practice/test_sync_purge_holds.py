"""Leaving a care team never silently loses work that exists only on this workstation
(docs/PRACTICE-SERVER.md, "Leaving a care team"). Real vaults, one real server; fictional data."""

from __future__ import annotations

from pathlib import Path

import psycopg

from kapnotes.services import practice_review
from tests.practice.workstations import open_workstation

CLIENT = "KAP-2001"
UNSENT = "Fictional: words written here after the care team changed."



def _leave_team(server: str, login: str) -> None:
    with psycopg.connect(server) as conn:
        conn.execute("DELETE FROM kap.care_team WHERE login = %s", (login,))


def test_a_client_with_refused_unsent_work_is_kept_until_the_refusal_is_read(
        server: str, tmp_path: Path) -> None:
    first = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    second = open_workstation(tmp_path, server, "ther2", "therapist", CLIENT)
    first.new_client_with_course(CLIENT)
    first.sync()
    second.sync()
    note = second.integration_note(CLIENT, UNSENT)  # written offline, not yet pushed
    _leave_team(server, second.login)

    report = second.sync()

    assert report.refused == 1 and report.purged == 0
    assert report.held_codes == (CLIENT,)
    assert second.note_text(note) == UNSENT  # the only copy of these words is still here
    assert second.client(CLIENT) is not None
    # Once the refusal has been read and dismissed, the next sync removes the client.
    [refusal] = practice_review.queue(second.vault).refusals
    practice_review.dismiss_refusal(second.vault, refusal.id)
    report = second.sync()
    assert report.purged_codes == (CLIENT,) and report.held_codes == ()
    assert second.client(CLIENT) is None


def test_an_open_conflict_copy_holds_the_purge_until_resolved(
        server: str, tmp_path: Path) -> None:
    first = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    second = open_workstation(tmp_path, server, "ther2", "therapist", CLIENT)
    first.new_client_with_course(CLIENT)
    note = first.integration_note(CLIENT, "Fictional first draft.")
    first.sync()
    second.sync()
    [theirs] = second.sessions(CLIENT)
    second.services.notes.save_fields(theirs.id, {"client_account": UNSENT})
    first.services.notes.save_fields(note, {"client_account": "Fictional newer draft."})
    first.sync()
    assert second.sync().conflicts == 1  # second's text is now only in its conflict copy
    _leave_team(server, second.login)

    report = second.sync()

    assert report.purged == 0 and report.held_codes == (CLIENT,)
    [copy] = practice_review.queue(second.vault).conflicts
    assert UNSENT in practice_review.conflict_text(second.vault, copy.id)
    practice_review.mark_resolved(second.vault, copy.id)
    assert second.sync().purged_codes == (CLIENT,)
    assert second.client(CLIENT) is None


def test_kapnotes_sync_says_which_client_is_kept_and_why(
        server: str, tmp_path: Path, run_kapnotes) -> None:  # type: ignore[no-untyped-def]
    from helpers.basics import TEST_PASSPHRASE

    first = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    second = open_workstation(tmp_path, server, "ther2", "therapist", CLIENT)
    first.new_client_with_course(CLIENT)
    first.sync()
    second.sync()
    second.integration_note(CLIENT, UNSENT)
    _leave_team(server, second.login)
    passphrase = tmp_path / "passphrase.txt"
    passphrase.write_text(TEST_PASSPHRASE + "\n", encoding="utf-8")
    second.close()  # the command takes the vault's lock, as with the app closed

    result = run_kapnotes("sync", "--vault", str(second.path), "--passphrase-file",
                          str(passphrase))

    assert result.returncode == 0, result.stderr
    assert f"Kept client {CLIENT}: no longer on your care team" in result.stdout
    assert f"Removed client {CLIENT}" not in result.stdout
    assert UNSENT not in result.stdout + result.stderr
    second.reopen()
    assert second.client(CLIENT) is not None
