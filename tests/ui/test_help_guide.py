"""Help: a built-in guide (F1) and What's This? (Shift+F1) on the monitoring record."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QWhatsThis

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.storage.backups import backup_dir_for
from kapnotes.ui.dialogs.guide import GuideDialog
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.monitoring_panel import MonitoringPanel
from kapnotes.ui.workspace import Workspace


def test_help_has_a_guide_with_keys_data_backup_and_supervision(qtbot, services,
                                                                 settings) -> None:
    window = MainWindow(services.vault, settings=settings)
    qtbot.addWidget(window)
    Workspace(window, services, signer_name="Dr Example")
    items = [a.objectName() for a in window.help_menu.actions() if not a.isSeparator()]
    assert items == ["guide", "whats_this", "about"]
    assert window.guide_action.shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)
    assert window.whats_this_action.shortcut() == QKeySequence("Shift+F1")
    window.guide_action.trigger()
    guide = window.findChild(GuideDialog)
    assert guide is not None and guide.isVisible()
    text = guide.text()
    for heading in ("Keyboard shortcuts", "Where your data lives", "Backing up and restoring",
                    "Exporting for a supervisor"):
        assert heading in text
    # The shortcut table is read from the window's own actions, plus the page keys.
    for keys, what in (("Ctrl+L", "Lock"), ("Ctrl+Shift+F", "Search"), ("Ctrl+Shift+S", "Sign"),
                       ("Alt+Left", "back to its client")):
        assert keys in text and what in text
    assert str(services.vault.path) in text
    assert str(backup_dir_for(services.vault.path)) in text
    assert "File → Export supervision packet" in text and "De-identify" in text


def test_whats_this_explains_the_monitoring_record(qtbot, services, settings) -> None:
    client = services.clients.create(Client(code="KAP-720", full_name="Lee Example"))
    course = services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                            start_date=date(2026, 11, 2)))
    dose = services.notes.create_session(course_id=course.id, kind=SessionKind.DOSING,
                                         starts_at=datetime(2026, 11, 20, 9, 0))
    panel = MonitoringPanel(services, dose.id)
    qtbot.addWidget(panel)
    assert "Monitoring record" in panel.whatsThis()
    assert "40 minutes" in panel.vitals.whatsThis() and "Ctrl+Shift+V" in panel.vitals.whatsThis()
    assert "2 hours" in panel.discharge_button.whatsThis()
    assert all("140/90" in box.whatsThis() for box in panel.checks.values())

    window = MainWindow(services.vault, settings=settings)
    qtbot.addWidget(window)
    window.whats_this_action.trigger()
    assert QWhatsThis.inWhatsThisMode()
    QWhatsThis.leaveWhatsThisMode()
