"""A deletion's reason is written by a colleague on another workstation (or pushed by hand):
where the window shows it (the start page after an open note's record went, the band over a
note kept open, the conflict copy's heading) it is plain text, never rendered as markup
that could restyle, hide or add to what the window says (issue 20). Real widgets (offscreen),
real vaults, the real server; fictional data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kapnotes.storage.sync_outbox import record_conflict_copy
from kapnotes.ui.dialogs.practice_conflicts import ConflictsDialog
from kapnotes.ui.practice_removed import RemovedNotice
from tests.practice.test_practice_window_removed_note import CLIENT, _open_colleagues_note

MARKUP = '<b style="font-size:40pt">URGENT</b> <a href="https://example.invalid">call now</a>'


def test_a_reason_with_markup_is_shown_as_typed(qtbot: Any, server: str,
                                                tmp_path: Path) -> None:
    a, b, window = _open_colleagues_note(qtbot, server, tmp_path)
    client = a.client(CLIENT)
    assert client is not None and client.id is not None
    a.services.clients.delete(client.id, typed_code=CLIENT, why=MARKUP)
    a.sync()
    window.sync_now()
    assert window.workspace.editor is None
    body = window.main.empty_state.body_label
    assert MARKUP in body.text()
    assert body.textFormat() == Qt.TextFormat.PlainText
    QApplication.processEvents()
    window.main.grab().save(str(tmp_path / "markup-reason.png"))

    band = RemovedNotice(f"deleted by a colleague: {MARKUP}", lambda: None)
    assert band.label.textFormat() == Qt.TextFormat.PlainText

    with b.vault.transaction():
        record_conflict_copy(b.vault, "note", CLIENT, "0f0e0d0c-0000-4000-8000-000000000001",
                             None, '{"fields": {}}', 1, "2026-11-20T09:00:00Z",
                             reason=f"Draft note of {CLIENT} deleted by x: {MARKUP}")
    dialog = ConflictsDialog(b.vault)
    qtbot.addWidget(dialog)
    dialog.list.setCurrentRow(0)
    assert MARKUP in dialog.conflict_heading.text()
    assert dialog.conflict_heading.textFormat() == Qt.TextFormat.PlainText
    window.close()
