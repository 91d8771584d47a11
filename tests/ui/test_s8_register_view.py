"""The Schedule 8 register in the window (issue 19): Reports → Schedule 8 register…, pick a
register, add entries through the dialog with its validation messages, correct one (both
shown), and the dose entry's proposed register entry recorded with one click, which lifts the
sign dialog's register finding. Fictional data, real vault, real widgets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers.s8 import ESKETAMINE, choose_jurisdiction, dosing_session, esketamine_given
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow

from kapnotes.domain.jurisdiction_model import EntryKind
from kapnotes.ui.dialogs.s8_entry_dialog import S8EntryDialog
from kapnotes.ui.s8_register_actions import S8RegisterActions
from kapnotes.ui.s8_register_view import S8RegisterView
from kapnotes.ui.session_editor import SessionEditor

NOTE = {"arrival_state": "Settled", "observations": "Calm", "post_session_state": "Steady"}


@pytest.fixture
def view(qtbot: Any, services: Any, tmp_path: Path) -> S8RegisterView:
    choose_jurisdiction(tmp_path)
    services.vault.actor.clinician = "Dr Kim Sample"
    widget = S8RegisterView(services)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.choice.setCurrentIndex(widget.choice.findData(ESKETAMINE))
    return widget


def fill(qtbot: Any, dialog: S8EntryDialog, quantity: int, **fields: str) -> None:
    dialog.quantity.setValue(quantity)
    for name, text in fields.items():
        if name == "explanation":
            dialog.explanation.setPlainText(text)
        else:
            dialog.edits[name].clear()
            qtbot.keyClicks(dialog.edits[name], text)


def table_text(view: S8RegisterView) -> list[list[str]]:
    return [[view.table.item(r, c).text() for c in range(view.table.columnCount())]
            for r in range(view.table.rowCount())]


def test_receipts_and_a_refused_destruction_in_the_register_window(
        qtbot: Any, view: S8RegisterView) -> None:
    assert "New South Wales" in view.pack_label.text()
    assert view.empty_label.isVisible() and view.table.rowCount() == 0
    qtbot.mouseClick(view.buttons[EntryKind.RECEIPT], Qt.MouseButton.LeftButton)
    dialog = view.findChild(S8EntryDialog)
    fill(qtbot, dialog, 10, supplier="Harbour Pharmacy")
    dialog.save()
    assert dialog.isVisible()  # refused: the invoice is missing, the rest is kept
    assert dialog.error.text() == "Invoice: give the invoice or delivery number"
    fill(qtbot, dialog, 10, invoice="INV-9")
    dialog.save()
    assert not dialog.isVisible()
    assert view.balance_label.text() == "Balance: 10 device(s)"
    dialog = view.add_entry(EntryKind.DESTRUCTION)
    fill(qtbot, dialog, 2, explanation="Expired")
    dialog.save()
    assert "Witness: name the witness" in dialog.error.text()
    fill(qtbot, dialog, 2, witness="Ph Ana Example")
    dialog.save()
    rows = table_text(view)
    assert [r[1] for r in rows] == ["1 Receipt", "2 Destruction"]
    assert rows[1][4:7] == ["2", "8", "Dr Kim Sample"] and rows[1][7] == "Ph Ana Example"
    assert view.balance_label.text() == "Balance: 8 device(s)"


def test_a_stocktake_discrepancy_and_a_correction_are_both_shown(
        qtbot: Any, view: S8RegisterView, tmp_path: Path) -> None:
    dialog = view.add_entry(EntryKind.RECEIPT)
    fill(qtbot, dialog, 12, supplier="Harbour Pharmacy", invoice="INV-1")
    dialog.save()
    dialog = view.add_entry(EntryKind.STOCKTAKE)
    dialog.quantity.setValue(11)
    assert dialog.balance_note.text() == "Register balance: 12. Discrepancy -1: explain it below."
    dialog.save()
    assert "Explanation: the count (11) differs from the register balance (12)" \
        in dialog.error.text()
    fill(qtbot, dialog, 11, explanation="One device cracked; kept aside for destruction")
    dialog.save()
    view.table.selectRow(0)
    dialog = view.correct_selected()
    fill(qtbot, dialog, 10, explanation="Delivery was 10, not 12")
    dialog.save()
    rows = table_text(view)
    assert [r[1] for r in rows] == ["1 Receipt", "2 Stocktake", "3 Correction"]
    assert "[corrected by entry 3]" in rows[0][2] and "DISCREPANCY -1" in rows[1][2]
    assert rows[2][2].startswith("Corrects entry 1: should be 10 device(s)")
    flagged = view.table.item(1, 0).background().color().name()
    assert flagged == "#fde2e1"
    assert view.balance_label.text() == "Balance: 9 device(s)"
    view.grab().save(str(tmp_path / "s8-view.png"))
    written = view.save_pdf(tmp_path / "register.pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(written).pages).split())
    assert "Corrects entry 1" in text and "Balance at end of period 9" in text


def test_the_reports_menu_opens_the_register(qtbot: Any, services: Any, tmp_path: Path) -> None:
    choose_jurisdiction(tmp_path)
    window = QMainWindow()
    qtbot.addWidget(window)
    window.reports_menu = window.menuBar().addMenu("&Reports")  # as MainWindow builds it
    actions = S8RegisterActions(services, window)
    assert actions.action in window.reports_menu.actions()
    actions.action.trigger()
    assert actions.view is not None and actions.view.isVisible()
    assert actions.view.choice.count() == 5


def test_without_a_jurisdiction_the_view_says_how_to_choose_one(qtbot: Any,
                                                                services: Any) -> None:
    widget = S8RegisterView(services)
    qtbot.addWidget(widget)
    assert "no jurisdiction is chosen" in widget.pack_label.text().lower()
    assert not widget.buttons[EntryKind.RECEIPT].isEnabled()


def test_the_dose_shows_its_register_entry_and_one_click_records_it(
        qtbot: Any, services: Any, tmp_path: Path, clock: Any) -> None:
    choose_jurisdiction(tmp_path)
    services.vault.actor.clinician = "Dr Kim Sample"
    reg = services.s8.open_register(ESKETAMINE)
    from kapnotes.domain.s8_register import EntryDraft
    services.s8.add(reg.id, EntryDraft(EntryKind.RECEIPT, clock(), 6, "Dr Kim Sample",
                                       supplier="Harbour Pharmacy", invoice="INV-3"))
    session_id = dosing_session(services)
    esketamine_given(services, session_id)
    services.notes.save_fields(session_id, NOTE)
    editor = SessionEditor(services, session_id, signer_name="Dr Kim Sample")
    qtbot.addWidget(editor)
    editor.resize(1200, 900)
    editor.show()
    qtbot.waitExposed(editor)
    row = editor.dosing.panel.register_row
    assert row.isVisible()
    assert row.text.text() == ("Schedule 8 register: Draw 2 devices from Esketamine 28 mg nasal"
                               " spray device: 56 mg. Not recorded yet.")
    editor.request_sign()
    assert "not entered in the register" in editor.sign_dialog.blockers_label.text()
    editor.sign_dialog.reject()
    row.grab().save(str(tmp_path / "s8-row.png"))
    services.monitoring.update_record(session_id, {"dose_mg": 84})  # the proposal follows
    assert row.text.text().startswith("Schedule 8 register: Draw 3 devices")
    services.monitoring.update_record(session_id, {"dose_mg": 56})
    qtbot.mouseClick(row.record_button, Qt.MouseButton.LeftButton)
    assert row.text.text().startswith("Schedule 8 register: recorded (entry 2, 2 device(s); "
                                      "balance after it 4)")
    assert not row.record_button.isVisible()
    (entry,) = services.s8.administrations(session_id)
    assert (entry.client_code, entry.dose_mg) == ("KAP-801", 56)
    editor.request_sign()
    assert "not entered in the register" not in editor.sign_dialog.blockers_label.text()
    editor.sign_dialog.reject()
    # Corrected to 0 in the register window: the row offers the entry again, at once.
    services.s8.correct(entry.id, 0, "Entered against the wrong register", recorded_by="Dr K")
    assert row.text.text().endswith("Not recorded yet.") and row.record_button.isVisible()
