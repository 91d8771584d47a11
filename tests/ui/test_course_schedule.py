"""Generated schedules as the therapist sees them (issue 14, "Misleading"): no preparation
missed before the course existed, counts that never pass the plan, dosing booked for its
monitoring, and slots moved off the practice's closed days with the move shown."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt

from kapnotes import policy
from kapnotes.domain.dates import schedule_date, short_date
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.domain.schedule import generate_plan
from kapnotes.services import exports
from kapnotes.services.settings_service import SettingsService
from kapnotes.ui.client_view import ClientView
from kapnotes.ui.dialogs.course_dialog import CourseDialog
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.widgets.timeline import TimelineModel
from kapnotes.ui.workspace import Workspace

LEFT = Qt.MouseButton.LeftButton
THU_3_DEC = datetime(2026, 12, 3, 9, 0)


@pytest.fixture
def policy_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "policy.json"
    monkeypatch.setenv(policy.POLICY_ENV, str(path))
    return path


def new_client(services) -> Client:
    return services.clients.create(Client(code="KAP-140", full_name="Noor Fictive"))


def create_in_dialog(qtbot, services, client: Client, protocol: str,
                     start: date) -> tuple[CourseDialog, int]:
    dlg = CourseDialog(services, client.id)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.protocol_combo.setCurrentIndex(dlg.protocol_combo.findData(protocol))
    dlg.start_edit.setDate(QDate(start.year, start.month, start.day))
    with qtbot.waitSignal(dlg.saved, timeout=2000) as sig:
        qtbot.mouseClick(dlg.save_button, LEFT)
    return dlg, int(sig.args[0])


def timeline_view(qtbot, services, client: Client) -> ClientView:
    view = ClientView(services)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    view.set_client(client.id)
    return view


def column(view: ClientView, col: int) -> list[str]:
    m = view.timeline_view.timeline_model
    return [m.data(m.index(r, col)) for r in range(m.rowCount())]


def test_a_new_course_starting_today_has_no_missed_preparation(qtbot, services, clock):
    """The preparation a week before the first dose was "✗ Missed" on the day the course was
    created; it is planned for today instead, and the timeline says why."""
    clock.now = THU_3_DEC
    client = new_client(services)
    create_in_dialog(qtbot, services, client, "kap_sublingual_im", clock.now.date())
    view = timeline_view(qtbot, services, client)
    statuses = column(view, TimelineModel.STATUS)
    assert "✗ Missed" not in statuses and "Overdue" not in " ".join(statuses)
    assert column(view, TimelineModel.KIND)[0] == "◇ Preparation"
    assert column(view, TimelineModel.DATE)[0].startswith("Today")
    assert "Before the course was created" in column(view, TimelineModel.DETAIL)[0]


def test_generated_plans_move_off_christmas_and_new_year(qtbot, services, clock,
                                                        tmp_path: Path):
    clock.now = THU_3_DEC
    client = new_client(services)
    dlg, course_id = create_in_dialog(qtbot, services, client, "esketamine",
                                      clock.now.date())
    preview = dlg.preview_label.text()
    assert "Moved to open days: preparation" in preview  # to today, see the test above
    assert preview.count("integration") >= 2 and preview.count("(practice closed that day)") == 2
    days = [e.state.effective_date for e in services.courses.timeline(course_id).entries]
    assert date(2026, 12, 25) not in days and date(2027, 1, 1) not in days
    view = timeline_view(qtbot, services, client)
    details = column(view, TimelineModel.DETAIL)
    assert sum("Practice closed that day" in d for d in details) == 2
    doses = [e.state.effective_date for e in services.courses.timeline(course_id).entries
             if e.slot.kind is SessionKind.DOSING]
    assert doses == sorted(set(doses))  # still one dose a day at most, in order
    # The course PDF says so too, with the date the plan first gave.
    clock.now = datetime(2027, 1, 5, 9, 0)
    job = exports.build_course_report(services, client.id, exports.options_for(services))
    text = " ".join(" ".join(p.extract_text().split()) for p in
                    PdfReader(str(exports.render_to_file(job, tmp_path / "c.pdf"))).pages)
    assert text.count("Moved from") == 3  # the preparation and two integrations
    assert "closed that day" in text


def test_practice_policy_sets_working_weekdays_and_closed_days(qtbot, services, clock, settings,
                                                               policy_file: Path):
    clock.now = THU_3_DEC
    policy_file.write_text(json.dumps({"version": 1, "settings": {
        "working_weekdays": {"value": ["mon", "tue", "wed", "thu", "fri"], "fixed": True},
        "closed_days": {"value": ["12-24", "12-25", "12-26", "2026-12-31", "01-01"]},
    }}), encoding="utf-8")
    opening = SettingsService(services.vault).opening_days()
    assert opening.weekdays == frozenset(range(5))
    from kapnotes.ui.dialogs.settings_dialog import SettingsDialog

    shown = SettingsDialog(SettingsService(services.vault), settings)
    qtbot.addWidget(shown)
    assert "New course plans: open Mon, Tue, Wed, Thu, Fri; closed 1 Jan, 24 Dec, 25 Dec" \
        in shown.policy_label.text()
    client = new_client(services)
    _dlg, course_id = create_in_dialog(qtbot, services, client, "esketamine",
                                       clock.now.date())
    entries = services.courses.timeline(course_id).entries
    closed = {date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 31),
              date(2027, 1, 1)}
    for e in entries:
        assert e.state.effective_date.weekday() < 5 and e.state.effective_date not in closed
    moved = [e.slot for e in entries if e.slot.moved]
    assert {s.change_reason for s in moved} >= {"Not a working day of the practice",
                                                 "Practice closed that day"}
    doses = [e.state.effective_date for e in entries if e.slot.kind is SessionKind.DOSING]
    assert len(doses) == 16 and doses == sorted(set(doses))


def test_a_broken_opening_days_entry_is_reported_and_ignored(services, policy_file: Path):
    policy_file.write_text(json.dumps({"version": 1, "settings": {
        "working_weekdays": {"value": ["mon", "someday"]},
        "closed_days": {"value": ["12-25", "31-12"]},
    }}), encoding="utf-8")
    loaded = policy.load_policy(policy_file)
    assert loaded.get("working_weekdays") is None and loaded.get("closed_days") is None
    problems = " ".join(loaded.problems)
    assert "'someday' is not a weekday" in problems and "'31-12' is not MM-DD" in problems
    opening = SettingsService(services.vault).opening_days()
    assert opening.weekdays == frozenset(range(7)) and (12, 25) in opening.annual


def _kap_with_sessions_to_today(services, clock) -> tuple[Client, Course]:
    """Fri 20 Nov 2026: weekly KAP from 6 Nov, everything up to today's dose held."""
    clock.now = datetime(2026, 10, 20, 9, 0)  # the course was entered in October
    client = new_client(services)
    course = services.courses.create(Course(client_id=client.id,
                                            protocol="kap_sublingual_im",
                                            start_date=date(2026, 11, 6),
                                            maintenance_interval_weeks=1))
    clock.now = datetime(2026, 11, 20, 9, 0)
    for e in services.courses.timeline(course.id).entries:
        if e.slot.planned_date <= clock.now.date():
            services.notes.create_session(
                course_id=course.id, kind=e.slot.kind, slot_id=e.slot.id,
                starts_at=datetime.combine(e.slot.planned_date, datetime.min.time()))
    return client, course


def test_starting_tomorrows_integration_today_never_counts_past_the_plan(
        qtbot, services, clock, settings, tmp_path: Path):
    client, course = _kap_with_sessions_to_today(services, clock)
    window = MainWindow(services.vault, settings=settings)
    qtbot.addWidget(window)
    ws = Workspace(window, services, signer_name="Dr Test Clinician")
    ws.open_client(client.id)
    tomorrow = next(e.slot for e in services.courses.timeline(course.id).entries
                    if e.slot.planned_date == date(2026, 11, 21))
    session_id = ws.start_from_slot(course.id, tomorrow.id, "integration")
    assert services.notes.session(session_id).starts_at.date() == date(2026, 11, 20)
    ws.open_client(client.id)
    text = ws.client_view.adherence_label.text()
    assert "All sessions done 7 of 7 planned to date" in text
    assert "Doses done 3 of 3 planned to date" in text
    job = exports.build_course_report(services, client.id, exports.options_for(services),
                                      course_id=course.id)
    pdf = exports.render_to_file(job, tmp_path / "course.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
    assert "7 of 7 planned sessions to date held" in text
    # The per-kind table: kind, planned to date, done, missed, …
    assert re.search(r"Integration\s+3\s+3\s+0\s", text), text[:3000]


def test_a_new_dosing_note_is_booked_for_its_monitoring(qtbot, services, clock, settings):
    """Dosing notes defaulted to 60 minutes although monitoring lasts at least 2 hours."""
    _client, course = _kap_with_sessions_to_today(services, clock)
    window = MainWindow(services.vault, settings=settings)
    qtbot.addWidget(window)
    ws = Workspace(window, services, signer_name="Dr Test Clinician")
    dosing = ws.new_session(course.id, "dosing")
    assert services.notes.session(dosing).duration_min == 120
    assert ws.editor.details.duration_spin.value() == 120
    talk = ws.new_session(course.id, "integration")
    assert services.notes.session(talk).duration_min == 60


def test_a_slot_off_the_working_weekdays_is_moved_and_says_so_in_window_and_pdf(
        qtbot, services, clock, policy_file: Path, tmp_path: Path):
    """A practice open Monday to Thursday: the generated Friday slots move, and the preview,
    the client's timeline and the course PDF each say from which day and why."""
    clock.now = datetime(2026, 11, 2, 9, 0)  # Mon 2 Nov 2026, far from the holidays
    policy_file.write_text(json.dumps({"version": 1, "settings": {
        "working_weekdays": {"value": ["mon", "tue", "wed", "thu"], "fixed": True}}}),
        encoding="utf-8")
    client = new_client(services)
    unfitted = generate_plan("esketamine", date(2026, 11, 2))
    fridays = [s for s in unfitted if s.planned_date.weekday() == 4]
    assert fridays  # the protocol's own dates fall on Fridays: something must move
    dlg, course_id = create_in_dialog(qtbot, services, client, "esketamine",
                                      date(2026, 11, 2))
    assert "(not a working day of the practice)" in dlg.preview_label.text()
    assert f"{schedule_date(fridays[0].planned_date)} →" in dlg.preview_label.text()

    entries = services.courses.timeline(course_id).entries
    assert all(e.state.effective_date.weekday() < 4 for e in entries)
    moved = [e.slot for e in entries if e.slot.change_reason == "Not a working day of the "
             "practice"]
    assert {s.original_date for s in moved} == {s.planned_date for s in fridays}

    view = timeline_view(qtbot, services, client)
    details = column(view, TimelineModel.DETAIL)
    assert sum("Not a working day of the practice" in d for d in details) == len(fridays)
    assert any(f"From {short_date(fridays[0].planned_date)}" in d for d in details)

    job = exports.build_course_report(services, client.id, exports.options_for(services))
    text = " ".join(" ".join(p.extract_text().split()) for p in
                    PdfReader(str(exports.render_to_file(job, tmp_path / "c.pdf"))).pages)
    assert (f"Moved from {schedule_date(fridays[0].planned_date)}: Not a working day of the "
            "practice") in text
    assert text.count("Not a working day of the practice") == len(fridays)
