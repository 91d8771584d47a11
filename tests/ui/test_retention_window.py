"""Reports → Records past their retention date…: the pack's rule with its source, the clients
past their date, and deletion through the one client deletion dialog (code typed, tombstone)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from helpers.s8 import choose_jurisdiction
from PySide6.QtWidgets import QMainWindow

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.storage import audit
from kapnotes.ui.retention_view import RetentionActions


def _client_with_session(services: Any, code: str, born: date, seen: datetime) -> int:
    cid = services.clients.create(Client(code=code, full_name="Fictional Person",
                                         date_of_birth=born)).id
    course = services.courses.create(Course(client_id=cid, protocol="custom",
                                            start_date=seen.date()),
                                     custom_day_offsets=[0]).id
    services.notes.create_session(course_id=course, kind=SessionKind.PREPARATION,
                                  starts_at=seen)
    return cid


def test_the_view_lists_records_past_their_date_and_deletes_with_the_code(
        qtbot: Any, services: Any, clock: Any, tmp_path: Path) -> None:
    choose_jurisdiction(tmp_path, "AU-ACT")
    clock.now = datetime(2026, 11, 20, 9, 0)
    old = _client_with_session(services, "KAP-951", date(1970, 1, 1), datetime(2016, 5, 2, 9))
    _client_with_session(services, "KAP-952", date(2010, 1, 1), datetime(2017, 5, 2, 9))
    window = QMainWindow()
    qtbot.addWidget(window)
    window.reports_menu = window.menuBar().addMenu("&Reports")  # as MainWindow builds it
    actions = RetentionActions(services, window)
    assert [a.objectName() for a in window.reports_menu.actions()] == ["retention"]
    actions.action.trigger()
    view = actions.dialog
    assert "Health Records (Privacy and Access) Act 1997 (ACT)" in view.rule_label.text()
    assert view.table.rowCount() == 1  # the minor (until 2035) is not listed
    assert [view.table.item(0, c).text() for c in range(4)] == [
        "KAP-951", "2 May 2016", "2 May 2023", "adult"]
    view.grab().save("/tmp/i19c_retention.png")
    view.table.selectRow(0)
    dialog = view.delete_selected()
    assert not dialog.delete_button.isEnabled()
    dialog.code_edit.setText("KAP-951")
    dialog.delete_button.click()
    assert view.table.rowCount() == 0
    assert old not in {c.id for c in services.clients.list(include_archived=True)}
    entry = [e for e in audit.entries(services.vault) if e.event == "client.delete"][-1]
    assert "tombstone: KAP-951" in entry.detail and "retention: kept until 2 May 2023" \
        in entry.detail
