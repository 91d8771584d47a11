"""File → Audit log…: entries newest first, filter by event, read-only, the chain verified —
and an entry altered behind the app's back (triggers dropped, key in hand) is named."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from kapnotes.domain.errors import ConflictError
from kapnotes.storage import audit, lifecycle
from kapnotes.storage.vault import connect_keyed
from kapnotes.ui.dialogs.audit_log import AuditLogDialog
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.models.audit_model import AuditLogModel


def add_entries(vault) -> None:
    vault.actor.clinician = "Dr Fictional"
    audit.record(vault, "client.archive", record_type="client", record_id=7)
    audit.record(vault, "session.sign", record_type="session", record_id=12)
    audit.record(vault, "session.addendum", record_type="session", record_id=12)
    audit.record(vault, "session.sign", record_type="session", record_id=13)


def texts(dialog: AuditLogDialog, column: int) -> list[str]:
    model = dialog.table.model()
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_entries_newest_first_with_a_filter_and_an_intact_chain(qtbot, open_vault) -> None:
    add_entries(open_vault)
    dialog = AuditLogDialog(open_vault)
    qtbot.addWidget(dialog)
    events = texts(dialog, AuditLogModel.EVENT)
    assert events == ["Note signed", "Addendum added", "Note signed", "Client archived",
                      "Vault created", "Audit log keyed (HMAC from here on)"]
    ids = [int(n) for n in texts(dialog, AuditLogModel.NUMBER)]
    assert ids == sorted(ids, reverse=True)
    assert texts(dialog, AuditLogModel.RECORD)[0] == "session 13"
    assert texts(dialog, AuditLogModel.CLINICIAN)[0] == "Dr Fictional"
    assert texts(dialog, AuditLogModel.WHEN)[0].endswith(" UTC")
    assert dialog.chain_label.text().startswith("✓ Chain intact")
    assert "6 entries" in dialog.chain_label.text()

    dialog.set_event_filter("session.sign")
    assert texts(dialog, AuditLogModel.RECORD) == ["session 13", "session 12"]
    assert dialog.count_label.text() == "2 of 6 entries"
    dialog.set_event_filter(None)
    assert len(texts(dialog, AuditLogModel.EVENT)) == 6

    # Read-only: no cell can be edited, and the table never starts an editor.
    index = dialog.table.model().index(0, AuditLogModel.DETAIL)
    assert not dialog.table.model().flags(index) & Qt.ItemFlag.ItemIsEditable
    assert dialog.table.editTriggers() == dialog.table.EditTrigger.NoEditTriggers


def test_the_database_refuses_to_change_an_entry(open_vault) -> None:
    add_entries(open_vault)
    with pytest.raises(ConflictError, match="append-only"):
        open_vault.execute("UPDATE audit_log SET detail = 'edited' WHERE id = 2")
    with pytest.raises(ConflictError, match="append-only"):
        open_vault.execute("DELETE FROM audit_log WHERE id = 2")


def test_an_altered_entry_is_reported(qtbot, open_vault, passphrase) -> None:
    add_entries(open_vault)
    target = audit.entries(open_vault)[2]
    # Someone with the key drops the trigger and edits the log directly.
    conn = connect_keyed(open_vault.path,
                         lifecycle.data_key_for(open_vault.path, passphrase=passphrase))
    try:
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("UPDATE audit_log SET os_user = 'someone-else' WHERE id = ?", (target.id,))
        conn.commit()
    finally:
        conn.close()

    dialog = AuditLogDialog(open_vault)
    qtbot.addWidget(dialog)
    assert dialog.altered_id == target.id
    assert dialog.chain_label.text().startswith(f"Entry {target.id} has been altered")
    row = texts(dialog, AuditLogModel.NUMBER).index(f"{target.id} (altered)")
    brush = dialog.table.model().index(row, 0).data(Qt.ItemDataRole.ForegroundRole)
    assert brush is not None and brush.color().name() == "#c62828"


def test_the_file_menu_opens_it(qtbot, open_vault, settings) -> None:
    window = MainWindow(open_vault, settings=settings)
    qtbot.addWidget(window)
    window.audit_log_action.trigger()
    dialogs = window.findChildren(AuditLogDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    assert texts(dialogs[0], AuditLogModel.EVENT) == ["Vault created",
                                                      "Audit log keyed (HMAC from here on)"]


def test_events_once_left_raw_are_in_words_in_the_table_and_filter(qtbot, open_vault) -> None:
    open_vault.actor.clinician = "Dr Fictional"
    audit.record(open_vault, "consent_recorded", record_type="client", record_id=3,
                 detail="template=kap_informed v1")
    audit.record(open_vault, "session.edit", record_type="session", record_id=5,
                 detail="fields: record.dose")
    audit.record(open_vault, "s8.entry.administration", record_type="s8_register",
                 record_id=1, detail="administration 1 device; change -1")
    audit.record(open_vault, "practice.join", record_type="practice", record_id="dr_fictional")
    dialog = AuditLogDialog(open_vault)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)

    model = dialog.table.model()
    shown = [model.index(r, AuditLogModel.EVENT).data() for r in range(4)]
    assert shown == ["Joined the practice server", "Schedule 8 register entry: administration",
                     "Draft note edited", "Consent recorded"]
    # The recorded name stays one hover away, for whoever reads the log against a report.
    tip = model.index(0, AuditLogModel.EVENT).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "Joined the practice server\nRecorded as practice.join"
    combo = [dialog.filter_combo.itemText(i) for i in range(dialog.filter_combo.count())]
    assert {"Consent recorded", "Draft note edited", "Joined the practice server",
            "Schedule 8 register entry: administration"} <= set(combo)
    assert not {"consent_recorded", "session.edit", "practice.join"} & set(combo)

    dialog.set_event_filter("session.edit")
    assert dialog.filter_combo.currentText() == "Draft note edited"
    assert [model.index(r, AuditLogModel.RECORD).data()
            for r in range(model.rowCount())] == ["session 5"]
