"""One draft signed on two workstations apart, and an addendum written on one of them to its
own signing before it synced (issue 20, found by the fault harness). The server took the
addendum for its note (the other signing); the vault kept it on its own note, which goes out
under a new UUID: the vault and the server differed for good. Now the addendum is on both
signings, on every workstation and on the server. Real vaults, real server."""

from __future__ import annotations

from pathlib import Path

from tests.practice import fault_checks
from tests.practice.workstations import open_workstation

CLIENT = "KAP-2302"
ADDENDUM = "Fictional addendum: phoned the client the next day."



def test_an_addendum_of_a_note_signed_on_two_workstations_apart_is_on_both_signings(
        server: str, tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    prescriber = open_workstation(tmp_path, server, "presc", "prescriber", CLIENT)
    therapist.new_client_with_course(CLIENT)
    draft = therapist.integration_note(CLIENT, "Fictional draft.")
    assert therapist.sync().error == ""
    assert prescriber.sync().error == ""
    [theirs] = prescriber.sessions(CLIENT)
    prescriber.services.notes.sign(theirs.id, signer="presc", reason="test")
    assert prescriber.sync().error == ""      # the prescriber's signing is the server's

    therapist.services.notes.sign(draft, signer="ther", reason="test")
    therapist.services.notes.add_addendum(draft, ADDENDUM, author="ther")
    for ws in (therapist, prescriber, therapist, prescriber):
        report = ws.sync()
        assert (report.error, report.refused) == ("", 0)

    for ws in (therapist, prescriber):
        assert fault_checks.same_rows(ws, server) == []  # type: ignore[arg-type]
        notes = ws.sessions(CLIENT)
        assert len(notes) == 2 and all(n.signed for n in notes)
        for note in notes:
            texts = [a.text for a in ws.services.notes.note(note.id).addenda]
            assert texts == [ADDENDUM], ws.name
        assert ws.status().pending == 0
