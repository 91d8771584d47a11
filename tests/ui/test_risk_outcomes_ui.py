"""Risk and outcomes where the window shows them: the measure dialog flags MADRS item 10, says
a total leaves the suicide item unasked and records before/after the dose; the client header
shows the same suicide-risk banner for any scale; the outcome chart names the baseline."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from PySide6.QtCore import QDate, Qt

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.ui.client_view import ClientView
from kapnotes.ui.dialogs.measure_dialog import MeasureDialog
from kapnotes.ui.widgets.outcome_chart import OutcomeChart

TODAY = date(2026, 11, 20)  # the fake clock's today
CALM_PHQ = {str(i): 0 for i in range(1, 10)}


@pytest.fixture
def client_id(services: object) -> int:
    return services.clients.create(Client(code="KAP-851", full_name="Sam Placeholder")).id


def test_madrs_item_10_of_6_reads_normal_but_raises_the_suicide_banner(
        qtbot: object, services: object, client_id: int) -> None:
    dlg = MeasureDialog(services, client_id, scale_id="madrs")
    qtbot.addWidget(dlg)
    dlg.show()
    for item_id in map(str, range(1, 10)):
        qtbot.keyClicks(dlg.item_boxes[item_id], "0")
    qtbot.keyClicks(dlg.item_boxes["10"], "6")
    assert dlg.total_label.text() == "Total: 6 / 60" and dlg.band_label.text() == "Normal"
    assert dlg.risk_badge.isVisible()
    assert dlg.risk_badge.text().startswith("⚠ SUICIDE RISK — review now")
    assert "item 10 = 6" in dlg.risk_badge.text()
    with qtbot.waitSignal(dlg.saved, timeout=1000) as sig:
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert services.measures.get(sig.args[0]).risk is True


def test_total_only_phq9_says_the_suicide_item_is_not_asked(qtbot: object, services: object,
                                                            client_id: int) -> None:
    dlg = MeasureDialog(services, client_id, scale_id="phq9")
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.mouseClick(dlg.total_radio, Qt.MouseButton.LeftButton)
    dlg.total_spin.setValue(14)
    assert "Suicide risk item not asked (total only)" in dlg.status_label.text()


def test_on_a_dosing_day_the_dialog_asks_before_or_after_the_dose(qtbot: object,
                                                                  services: object,
                                                                  client_id: int) -> None:
    course = services.courses.create(Course(client_id=client_id, protocol="custom",
                                            start_date=date(2026, 11, 1))).id
    services.notes.create_session(course_id=course, kind=SessionKind.DOSING,
                                  starts_at=datetime.combine(date(2026, 11, 10), time(10, 0)))
    dlg = MeasureDialog(services, client_id, scale_id="phq9")
    qtbot.addWidget(dlg)
    dlg.show()
    assert not dlg.timing_hint.isVisible()  # today is not a dosing day
    dlg.date_edit.setDate(QDate(2026, 11, 10))
    assert dlg.timing_hint.isVisible() and "before or after" in dlg.timing_hint.text()
    dlg.timing_combo.setCurrentIndex(dlg.timing_combo.findData("before_dose"))
    qtbot.mouseClick(dlg.total_radio, Qt.MouseButton.LeftButton)
    dlg.total_spin.setValue(20)
    with qtbot.waitSignal(dlg.saved, timeout=1000) as sig:
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    stored = services.measures.get(sig.args[0])
    assert (stored.taken_on, stored.dose_timing) == (date(2026, 11, 10), "before_dose")
    # The outcome chart says which score is the baseline, and that it was pre-dose.
    services.measures.enter(client_id=client_id, scale_id="phq9", taken_on=date(2026, 11, 10),
                            total=5, dose_timing="after_dose")
    chart = OutcomeChart()
    qtbot.addWidget(chart)
    chart.set_data(services.measures.course_outcomes(course))
    assert "baseline 20 (10 Nov, pre-dose)" in chart.describe()


def test_client_header_shows_one_suicide_banner_for_madrs_and_phq9(qtbot: object,
                                                                   services: object,
                                                                   client_id: int,
                                                                   tmp_path: object) -> None:
    view = ClientView(services)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    services.measures.enter(client_id=client_id, scale_id="phq9", taken_on=TODAY, total=12)
    view.set_client(client_id)
    badge = view.header.risk_badge
    assert badge.isVisible() and "PHQ-9" in badge.text()
    assert "suicide risk item not asked" in badge.text()
    assert "SUICIDE RISK" not in badge.text()  # nothing was flagged; it was not asked
    services.measures.enter(client_id=client_id, scale_id="madrs", taken_on=TODAY,
                            answers={**{str(i): 0 for i in range(1, 10)}, "10": 4})
    view.refresh()
    text = badge.text()
    assert text.startswith("⚠ SUICIDE RISK — review now")
    assert "MADRS" in text and "item 10 = 4" in text
    qtbot.wait(50)  # let the layout give the banner its lines
    assert badge.height() >= badge.heightForWidth(badge.width())  # every line shows
    view.grab().save(str(tmp_path / "header.png"))


def test_twelve_then_twenty_four_is_flagged_in_the_course_view(qtbot: object, services: object,
                                                               client_id: int) -> None:
    course = services.courses.create(Course(client_id=client_id, protocol="custom",
                                            start_date=date(2026, 10, 1))).id
    services.notes.create_session(course_id=course, kind=SessionKind.DOSING,
                                  starts_at=datetime.combine(date(2026, 10, 10), time(10, 0)))
    services.measures.enter(client_id=client_id, scale_id="phq9", taken_on=date(2026, 10, 8),
                            total=12)
    services.measures.enter(client_id=client_id, scale_id="phq9", taken_on=date(2026, 10, 24),
                            total=24)
    view = ClientView(services)
    qtbot.addWidget(view)
    view.show()
    view.set_client(client_id, course_id=course)
    tabs = view.sections
    index = tabs.indexOf(tabs.outcomes_tab)
    assert tabs.tabText(index) == "Outcomes (1) ⚠"
    assert tabs.tabToolTip(index) == "Worse or relapse: PHQ-9"
    assert "⚠ worse (reliable) 24 Oct" in tabs.outcomes.describe()
    assert "baseline 12 (8 Oct)" in tabs.outcomes.describe()


def test_the_header_banner_is_as_tall_as_its_lines_after_a_narrow_start(
        qtbot: object, services: object, client_id: int) -> None:
    """Seen on a real X server: the two-line suicide banner took 190 px of a 768-px screen,
    because a height fitted to a narrow first layout stayed when the page was widened."""
    services.measures.enter(client_id=client_id, scale_id="phq9", taken_on=TODAY,
                            answers={**CALM_PHQ, "9": 1})
    view = ClientView(services)
    qtbot.addWidget(view)
    view.set_client(client_id)  # as the window does: the page is filled before it shows
    view.resize(1200, 700)
    view.show()
    qtbot.wait(50)
    badge = view.header.risk_badge
    assert badge.isVisible() and badge.text().count("\n") == 1  # two lines
    line = badge.fontMetrics().lineSpacing()
    assert badge.height() <= 2 * line + 24  # two lines and the padding, not 190 px
    assert badge.height() >= 2 * line  # and every line still shows
