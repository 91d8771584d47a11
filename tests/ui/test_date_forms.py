"""One human date form everywhere: every text the window shows over a demo vault, and every
PDF's text, is scanned for the stray forms a user met before (DD/MM/YYYY, "3 12 2026",
"2026-11-26 07:00", "Thu 03 Dec"). ISO belongs in files and JSON only."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QWidget,
)
from test_client_view import START, column, hold, kap_client
from test_workspace import make_workspace

from kapnotes.domain import dates
from kapnotes.domain.models import SessionKind
from kapnotes.services import exports
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.widgets.course_sessions import DATE
from kapnotes.ui.widgets.date_editor import DateEditor
from kapnotes.ui.widgets.timeline import TimelineModel
from kapnotes.ui.workspace import Workspace

STRAY = {
    "numeric day/month/year": re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"),
    "numbers with spaces": re.compile(r"\b\d{1,2} \d{1,2} \d{4}\b"),
    "ISO date": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "zero-padded day": re.compile(
        r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) 0\d\b|\b0\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|"
        r"Oct|Nov|Dec)\b"),
}
TODAY = datetime(2026, 12, 3, 9, 0)


def stray_forms(texts: list[str]) -> list[tuple[str, str]]:
    found = []
    for text in texts:
        for name, pattern in STRAY.items():
            if pattern.search(text):
                found.append((name, text))
    return found


def _model_texts(view: QAbstractItemView) -> list[str]:
    model = view.model()
    if model is None:
        return []
    out: list[str] = []
    for section in range(model.columnCount()):
        out.append(str(model.headerData(section, Qt.Orientation.Horizontal) or ""))

    def walk(parent: QModelIndex) -> None:
        for row in range(model.rowCount(parent)):
            for col in range(model.columnCount(parent)):
                index = model.index(row, col, parent)
                out.append(str(model.data(index) or ""))
                out.append(str(model.data(index, Qt.ItemDataRole.ToolTipRole) or ""))
                if col == 0:
                    walk(index)

    walk(QModelIndex())
    return out


def window_texts(root: QWidget) -> list[str]:
    """What a person can read in `root` and its children: labels, fields, buttons, lists."""
    texts: list[str] = []
    for w in [root, *root.findChildren(QWidget)]:
        if isinstance(w, QLabel | QAbstractButton):
            texts.append(w.text())
        elif isinstance(w, QLineEdit):
            texts += [w.text(), w.placeholderText()]
        elif isinstance(w, QAbstractSpinBox):
            texts.append(w.text())
        elif isinstance(w, QComboBox):
            texts += [w.itemText(i) for i in range(w.count())]
        elif isinstance(w, QAbstractItemView):
            texts += _model_texts(w)
        texts.append(w.toolTip())
    return [t for t in texts if t]


def page_texts(window: QWidget) -> list[str]:
    """`window_texts(window)` once the page just left is gone: the app's event loop deletes a
    closed note's editor (kapnotes/ui/workspace.py, deleteLater) before anything else is read,
    but this test runs no loop, so without this every editor opened so far stayed a child of
    the window and each scan read all of them again (~20,000 widgets by the last session).
    Each editor is still read while it is open: the texts read are the same."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return window_texts(window)


@pytest.fixture
def demo_services(open_demo):
    """Services over this test's copy of the demo built on TODAY, and its clients' ids."""
    return open_demo(TODAY)


@pytest.fixture
def demo(qtbot, demo_services, settings):
    services, ids = demo_services
    window = MainWindow(services.vault, settings=settings)
    qtbot.addWidget(window)
    ws = Workspace(window, services, signer_name="Dr Demo Clinician")
    window.resize(1366, 768)
    window.show()
    return window, ws, ids


@pytest.mark.slow  # every session of the demo opened in the window: under xdist it starts first
def test_the_window_shows_no_stray_date_form(qtbot, demo_services, demo) -> None:
    services, _ids = demo_services
    window, ws, ids = demo
    texts = window_texts(window)
    seen_sessions = 0
    for client_id in ids:
        ws.open_client(client_id)
        sections = ws.client_view.sections
        for tab in range(sections.count()):  # tabs fill when first shown
            sections.setCurrentIndex(tab)
            texts += page_texts(window)
        for course in services.courses.for_client(client_id):
            for session in services.notes.sessions_for_course(int(course.id or 0)):
                ws.open_session(int(session.id or 0))
                texts += page_texts(window)
                seen_sessions += 1
        ws.open_client(client_id)
        texts += window_texts(ws.client_view.sections.open_measure())
    texts += window_texts(window.open_audit_log())  # audit times too, in UTC
    assert seen_sessions > 10
    assert any(re.search(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} 2026\b", t)
               for t in texts), "the schedule shows its weekdays"
    assert stray_forms(texts) == []


def test_every_pdf_shows_no_stray_date_form(demo_services) -> None:
    services, ids = demo_services  # the PDFs read the vault only: no window needed
    options = exports.options_for(services, deidentified=False)
    audited = exports.options_for(services, deidentified=False, include_audit=True)
    jobs = [exports.build_course_report(services, ids[0], audited),
            exports.build_packet_report(services, ids[:3], options)]
    first = services.courses.for_client(ids[1])[0]
    jobs += [exports.build_session_report(services, int(s.id or 0), options)
             for s in services.notes.sessions_for_course(int(first.id or 0))[:4]]
    from kapnotes.export.pdf import render_pdf

    for job in jobs:
        reader = PdfReader(io.BytesIO(render_pdf(job.report)))
        lines = [line for page in reader.pages for line in page.extract_text().splitlines()]
        assert any("Dec 2026" in line for line in lines)
        assert stray_forms(lines) == [], job.kind


def test_a_note_date_field_reads_and_takes_the_human_form(qtbot) -> None:
    from kapnotes.domain.template_fields import FieldType, TemplateField

    editor = DateEditor(TemplateField(id="d", type=FieldType.DATE, label="Review date"))
    qtbot.addWidget(editor)
    editor.set_value("2026-12-03")
    assert editor.edit.text() == "3 Dec 2026"
    editor.edit.setText("")
    qtbot.keyClicks(editor.edit, "7 Mar 2027")
    assert editor.get_value() == "2027-03-07"  # stored as ISO, as before


def test_the_order_of_day_and_month_follows_the_locale(monkeypatch) -> None:
    monkeypatch.setenv("LC_TIME", "en_US.UTF-8")
    assert dates.human_date(date(2026, 12, 3), weekday=True) == "Thu, Dec 3, 2026"
    assert dates.parse_date("12/03/2026") == date(2026, 12, 3)
    monkeypatch.setenv("LC_TIME", "en_AU.UTF-8")
    assert dates.human_date(date(2026, 12, 3), weekday=True) == "Thu 3 Dec 2026"
    assert dates.parse_date("03/12/2026") == date(2026, 12, 3)
    assert dates.human_datetime(datetime(2026, 11, 26, 7, 0)) == "26 Nov 2026, 07:00"
    # The answer is kept per locale (asked for every date a page shows), never stale.
    monkeypatch.setenv("LC_TIME", "en_US.UTF-8")
    assert dates.human_date(date(2026, 12, 3)) == "Dec 3, 2026"
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")  # LC_ALL wins over LC_TIME
    assert dates.human_date(date(2026, 12, 3)) == "3 Dec 2026"


def test_an_export_reads_the_order_once_and_a_pin_still_wins(monkeypatch) -> None:
    # One build (kapnotes/services/exports.py) keeps the order in force when it began,
    # rather than reading the locale from the environment for each of its ~600 dates.
    monkeypatch.setenv("LC_TIME", "en_US.UTF-8")
    with dates.order_held():
        monkeypatch.setenv("LC_TIME", "en_AU.UTF-8")
        assert dates.human_date(date(2026, 12, 3)) == "Dec 3, 2026"
        dates.pin_month_first(False)
        try:
            assert dates.human_date(date(2026, 12, 3)) == "3 Dec 2026"
        finally:
            dates.pin_month_first(None)
    assert dates.human_date(date(2026, 12, 3)) == "3 Dec 2026"


def test_the_client_page_follows_the_locale_at_each_refresh(
        qtbot, services, settings, monkeypatch) -> None:
    # A refresh holds one order for its ~400 dates (kapnotes/ui/client_view.py): the order
    # in force when it begins, so a page refreshed after the locale changed follows it.
    client, course = kap_client(services)
    hold(services, course, START, SessionKind.DOSING)
    _window, ws = make_workspace(qtbot, services, settings)
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    ws.open_client(client.id)
    view = ws.client_view
    assert view.sessions_list.topLevelItem(0).text(DATE) == "Nov 6, 2026, 00:00"
    assert "Nov 6, 2026" in column(view, TimelineModel.DATE)
    monkeypatch.setenv("LC_ALL", "en_AU.UTF-8")
    view.refresh()
    assert view.sessions_list.topLevelItem(0).text(DATE) == "6 Nov 2026, 00:00"
    assert "6 Nov 2026" in column(view, TimelineModel.DATE)
