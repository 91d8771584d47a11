"""The window's "Delete client…" dialog in a vault joined to the practice server: the reason
is asked for (the deletion reaches the care team) and travels with the void to the other
workstations (issue 20, soft deletes with reason). pytest-qt, real vaults, the real server."""

from __future__ import annotations

from pathlib import Path

import psycopg
from PySide6.QtCore import Qt

from kapnotes.services import practice_review
from kapnotes.ui.dialogs.delete_client import DeleteClientDialog
from tests.practice.workstations import open_workstation

CLIENT = "KAP-3301"



def test_deleting_a_shared_client_asks_why_and_the_care_team_is_told(
        qtbot, server: str, tmp_path: Path) -> None:
    a = open_workstation(tmp_path, server, "thera", "therapist", CLIENT)
    b = open_workstation(tmp_path, server, "therb", "therapist", CLIENT)
    client_id, _course = a.new_client_with_course(CLIENT)
    a.sync()
    b.sync()
    b.integration_note(CLIENT, "Fictional: B's draft.")
    b.sync()

    dlg = DeleteClientDialog(a.services, client_id)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.reason_edit is not None and dlg.reason_edit.isVisible()
    qtbot.keyClicks(dlg.code_edit, CLIENT)
    assert not dlg.delete_button.isEnabled()  # the code alone is not enough here
    qtbot.keyClicks(dlg.reason_edit, "Created twice at intake")
    assert dlg.delete_button.isEnabled()
    dlg.grab().save(str(tmp_path / "delete-shared-client.png"))
    with qtbot.waitSignal(dlg.deleted, timeout=2000):
        qtbot.mouseClick(dlg.delete_button, Qt.MouseButton.LeftButton)
    assert a.client(CLIENT) is None
    a.sync()
    with psycopg.connect(server) as conn:
        [reason] = [r[0] for r in conn.execute(
            "SELECT payload->>'void_reason' FROM kap.change_log"
            " WHERE kind = 'client' AND payload ? 'voided'")]
    assert reason == "Created twice at intake"
    b.sync()
    [copy] = practice_review.queue(b.vault).conflicts
    assert copy.reason.endswith(f"by {a.login}: Created twice at intake")
