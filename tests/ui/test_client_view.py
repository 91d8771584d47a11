"""The client page: header, course timeline statuses, slot actions and the signals it emits."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from kapnotes.domain.models import Client, Course, CourseStatus, SessionKind
from kapnotes.storage import audit
from kapnotes.ui.client_view import ClientView
from kapnotes.ui.widgets.timeline import TimelineModel

LEFT = Qt.MouseButton.LeftButton

# Today (FakeClock) is Fri 20 Nov 2026. A weekly KAP course with its first dose on Fri 6 Nov:
# prep 30 Oct, dose 6 Nov, int 7 Nov, dose 13 Nov, int 14 Nov, dose 20 Nov, int 21 Nov, ...
START = date(2026, 11, 6)


def make_view(qtbot, services) -> ClientView:
    view = ClientView(services)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    return view


def kap_client(services, **extra):
    client = services.clients.create(Client(code="KAP-001", full_name="Ada Example",
                                            preferred_name="Ada", **extra))
    course = services.courses.create(Course(client_id=client.id,
                                            protocol="kap_sublingual_im",
                                            start_date=START, prescriber="Dr Jo Placeholder",
                                            maintenance_interval_weeks=1))
    return client, course


def hold(services, course, day: date, kind: SessionKind, *, link: bool = True) -> int:
    slot = next(e.slot for e in services.courses.timeline(course.id).entries
                if e.slot.planned_date == day and e.slot.kind is kind)
    session = services.notes.create_session(
        course_id=course.id, kind=kind, starts_at=datetime.combine(day, datetime.min.time()),
        slot_id=slot.id if link else None)
    return int(session.id)


def column(view: ClientView, col: int) -> list[str]:
    m = view.timeline_view.timeline_model
    return [m.data(m.index(r, col)) for r in range(m.rowCount())]


def test_empty_until_a_client_is_chosen(qtbot, services):
    view = make_view(qtbot, services)
    assert view.stack.currentIndex() == 0
    assert "New client (Ctrl+Shift+N)" in view.empty_label.text()


def test_header_shows_name_code_age_and_medicine_flags(qtbot, services):
    client, _ = kap_client(services, date_of_birth=date(1981, 3, 7),
                           medicines=("Sertraline", "Diazepam 5 mg"))
    view = make_view(qtbot, services)
    view.set_client(client.id)
    assert view.header.name_label.text() == "Ada"
    meta = view.header.meta_label.text()
    assert "KAP-001" in meta and "Ada Example" in meta and "45 y" in meta
    flags = view.header.flags_label.text()
    assert "Diazepam 5 mg (benzodiazepine)" in flags and "Sertraline" not in flags
    assert not view.header.archived_badge.isVisible()


def test_archive_and_unarchive_from_the_header(qtbot, services):
    client, _ = kap_client(services)
    view = make_view(qtbot, services)
    view.set_client(client.id)
    with qtbot.waitSignal(view.client_changed, timeout=1000):
        qtbot.mouseClick(view.archive_button, LEFT)
    assert services.clients.get(client.id).archived
    assert view.header.archived_badge.isVisible()
    assert view.archive_button.text() == "Un-archive"
    qtbot.mouseClick(view.archive_button, LEFT)
    assert not services.clients.get(client.id).archived
    assert view.archive_button.text() == "Archive"


def test_timeline_rows_and_statuses_follow_the_clock(qtbot, services, clock):
    client, course = kap_client(services)
    hold(services, course, date(2026, 10, 30), SessionKind.PREPARATION)
    hold(services, course, START, SessionKind.DOSING)
    view = make_view(qtbot, services)
    view.set_client(client.id)
    m = view.timeline_view.timeline_model
    assert m.rowCount() == 13  # 1 preparation + 6 doses + 6 integrations
    status = column(view, TimelineModel.STATUS)
    assert status[:7] == ["✓ Done", "✓ Done", "✗ Missed", "✗ Missed", "✗ Missed",
                          "Upcoming", "Upcoming"]
    assert column(view, TimelineModel.KIND)[:3] == ["◇ Preparation", "◆ Dosing",
                                                     "○ Integration"]
    assert column(view, TimelineModel.PHASE)[1] == "Dose 1 · Course week 1"
    assert column(view, TimelineModel.DETAIL)[1] == "Held 6 Nov"
    assert column(view, TimelineModel.DATE)[5] == "Today 20 Nov"
    assert m.data(m.index(2, TimelineModel.STATUS), Qt.ItemDataRole.ForegroundRole) is not None
    assert "Doses done 1 of 3 planned to date, 1 missed" in view.adherence_label.text()
    # The first slot still expected is selected, so Enter starts today's dose.
    assert view.timeline_view.current_entry().slot.planned_date == date(2026, 11, 20)

    clock.now = datetime(2026, 11, 15, 9, 0)  # a day after the 14 Nov integration
    view.refresh()
    assert column(view, TimelineModel.STATUS)[4] == "! Overdue"


def test_enter_starts_a_session_from_the_slot_or_opens_the_held_one(qtbot, services):
    client, course = kap_client(services)
    held_id = hold(services, course, START, SessionKind.DOSING)
    view = make_view(qtbot, services)
    view.set_client(client.id)
    tv = view.timeline_view
    today_slot = tv.current_entry().slot
    with qtbot.waitSignal(view.start_session_requested, timeout=1000) as sig:
        qtbot.keyClick(tv, Qt.Key.Key_Return)
    assert sig.args == [course.id, today_slot.id, "dosing"]
    tv.select_row(1)
    assert view.start_button.text() == "Open session"
    assert not view.move_button.isEnabled()
    with qtbot.waitSignal(view.session_requested, timeout=1000) as sig:
        qtbot.mouseClick(view.start_button, LEFT)
    assert sig.args == [held_id]
    menu = tv.context_actions(tv.current_entry())
    assert [a.text() for a in menu.actions() if a.text()] == ["Open session", "Move…", "Skip…"]


def test_move_and_skip_through_the_page_need_a_reason(qtbot, services):
    client, _ = kap_client(services)
    view = make_view(qtbot, services)
    view.set_client(client.id)
    view.timeline_view.select_row(7)  # dose 4, Fri 27 Nov
    dlg = view.move_slot()
    assert dlg.isVisible() and not dlg.ok_button.isEnabled()
    qtbot.keyClicks(dlg.reason_edit, "Client travelling")
    dlg.date_edit.setDate(date(2026, 11, 30))
    qtbot.mouseClick(dlg.ok_button, LEFT)
    row = next(r for r in range(13) if column(view, TimelineModel.DETAIL)[r].startswith("From"))
    assert column(view, TimelineModel.STATUS)[row] == "→ Moved"
    assert column(view, TimelineModel.DETAIL)[row] == "From 27 Nov: Client travelling"
    assert column(view, TimelineModel.DATE)[row] == "30 Nov 2026"

    view.timeline_view.select_row(12)
    dlg = view.skip_slot()
    assert not dlg.ok_button.isEnabled()
    qtbot.keyClicks(dlg.reason_edit, "End of course brought forward")
    qtbot.mouseClick(dlg.ok_button, LEFT)
    assert column(view, TimelineModel.STATUS)[12] == "– Skipped"
    assert column(view, TimelineModel.DETAIL)[12] == "End of course brought forward"


def test_sessions_list_and_new_session(qtbot, services):
    client, course = kap_client(services)
    dose = hold(services, course, START, SessionKind.DOSING)
    view = make_view(qtbot, services)
    view.set_client(client.id)
    assert view.sessions_list.session_ids() == [dose]
    assert view.sessions_list.topLevelItem(0).text(2) == "✎ Draft"
    with qtbot.waitSignal(view.session_requested, timeout=1000) as sig:
        view.sessions_list.itemActivated.emit(view.sessions_list.topLevelItem(0), 0)
    assert sig.args == [dose]
    kinds = [a.text() for a in view.new_session_menu.actions()]
    assert kinds == ["Preparation", "Dosing", "Integration"]
    with qtbot.waitSignal(view.new_session_requested, timeout=1000) as sig:
        view.new_session_menu.actions()[2].trigger()
    assert sig.args == [course.id, "integration"]
    assert view.new_session_action.shortcut().toString() == "Ctrl+N"


def test_new_course_through_the_page_and_course_selector(qtbot, services):
    client, first = kap_client(services)
    services.courses.set_status(first.id, CourseStatus.COMPLETED)
    view = make_view(qtbot, services)
    view.set_client(client.id)
    dlg = view.new_course()
    dlg.protocol_combo.setCurrentIndex(dlg.protocol_combo.findData("iv_ketamine"))
    with qtbot.waitSignal(view.client_changed, timeout=1000):
        qtbot.mouseClick(dlg.save_button, LEFT)
    assert view.course_combo.count() == 2
    new_id = view.course_id
    assert new_id != first.id  # the new, active course is shown
    assert services.courses.get(new_id).protocol == "iv_ketamine"
    assert view.timeline_view.timeline_model.rowCount() == 13  # 1 + 6 infusions + 6
    view.course_combo.setCurrentIndex(view.course_combo.findData(first.id))
    assert view.course_status.text().startswith("Status: Completed")


def test_client_without_course_says_so(qtbot, services):
    client = services.clients.create(Client(code="KAP-002", full_name="Bram Fictional"))
    view = make_view(qtbot, services)
    view.set_client(client.id)
    assert view.no_course_label.isVisible() and not view.timeline_view.isVisible()
    assert not view.new_session_button.isEnabled()


def test_delete_from_the_page(qtbot, services):
    client, _ = kap_client(services)
    view = make_view(qtbot, services)
    view.set_client(client.id)
    dlg = view.delete_client()
    qtbot.keyClicks(dlg.code_edit, "KAP-001")
    with qtbot.waitSignal(view.client_deleted, timeout=1000) as sig:
        qtbot.mouseClick(dlg.delete_button, LEFT)
    assert sig.args == [client.id]
    assert view.stack.currentIndex() == 0 and view.client_id is None
    assert services.clients.list(include_archived=True) == []
    assert [e.event for e in audit.entries(services.vault)][-1] == "client.delete"


def test_edit_from_the_page_refreshes_header(qtbot, services):
    client, _ = kap_client(services)
    view = make_view(qtbot, services)
    view.set_client(client.id)
    dlg = view.edit_client()
    dlg.preferred_name_edit.setText("Addie")
    with qtbot.waitSignal(view.client_changed, timeout=1000):
        qtbot.mouseClick(dlg.save_button, LEFT)
    assert view.header.name_label.text() == "Addie"


def test_other_issues_can_add_sections(qtbot, services):
    client, _ = kap_client(services)
    view = make_view(qtbot, services)
    view.set_client(client.id)
    box = view.add_section("Intentions", QLabel("placeholder"))
    assert box.title() == "Intentions" and box.isVisible()


def test_course_not_started_yet_says_nothing_is_due(qtbot, services):
    client = services.clients.create(Client(code="KAP-003", full_name="Cleo Testperson"))
    services.courses.create(Course(client_id=client.id, protocol="iv_ketamine",
                                   start_date=date(2026, 12, 7)))
    view = make_view(qtbot, services)
    view.set_client(client.id)
    assert view.adherence_label.text().startswith("Doses: none due yet.")
    assert view.sessions_list.session_ids() == []
    assert view.sessions_list.topLevelItem(0).text(0) == "No sessions yet"
