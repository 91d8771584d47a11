"""Intentions grid, theme tables, merge dialog and outcome chart: models and painting."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.ui.dialogs.theme_merge_dialog import ThemeMergeDialog
from kapnotes.ui.widgets.intentions_view import IntentionsView
from kapnotes.ui.widgets.outcome_chart import OutcomeChart
from kapnotes.ui.widgets.risk_badge import RiskBadge, risk_mark
from kapnotes.ui.widgets.themes_view import CourseThemesView, ThemeFrequencyView


@pytest.fixture
def course(services: object) -> tuple[int, int, dict[str, int]]:
    """A fictional course: preparation, three doses, integrations, PHQ-9 scores."""
    client = services.clients.create(Client(code="KAP-951", full_name="Quinn Example")).id
    course_id = services.courses.create(Course(client_id=client, protocol="custom",
                                               start_date=date(2026, 9, 28))).id

    def held(kind: SessionKind, day: date) -> int:
        return services.notes.create_session(
            course_id=course_id, kind=kind, starts_at=datetime.combine(day, datetime.min.time())
            .replace(hour=10)).id

    ids = {"prep": held(SessionKind.PREPARATION, date(2026, 10, 1))}
    services.notes.save_fields(ids["prep"], {"intentions": [
        "Be kinder to myself", "Reconnect with my sister", "Sleep through the night"]})
    intentions = services.intentions.active(course_id)
    for n, day in enumerate((date(2026, 10, 6), date(2026, 10, 20), date(2026, 11, 3)), 1):
        held(SessionKind.DOSING, day)
        sid = held(SessionKind.INTEGRATION, day.replace(day=day.day + 2))
        ids[f"int{n}"] = sid
        services.notes.save_fields(sid, {
            "intentions_review": [{"intention_id": i.id, "progress": min(10, 2 * n + k),
                                   "note": "fictional note" if k == 0 else ""}
                                  for k, i in enumerate(intentions)],
            "themes": [{"theme": "grief", "evidence": f"Evidence {n}"},
                       {"theme": "self-compassion" if n > 1 else "Self compassion",
                        "evidence": "Spoke gently"}],
        })
    services.intentions.revise(intentions[1].id, "Call my sister every week")
    for on, total in ((date(2026, 10, 2), 21), (date(2026, 10, 13), 13),
                      (date(2026, 10, 27), 8), (date(2026, 11, 10), 4), (date(2026, 11, 17), 12)):
        services.measures.enter(client_id=client, scale_id="phq9", taken_on=on, total=total)
    for on, total in ((date(2026, 10, 2), 15), (date(2026, 11, 10), 6)):
        services.measures.enter(client_id=client, scale_id="gad7", taken_on=on, total=total)
    return client, course_id, ids


def test_intentions_grid_shows_progress_revision_and_status(qtbot: object, services: object,
                                                            course: tuple) -> None:
    _, course_id, _ids = course
    view = IntentionsView(services, course_id)
    qtbot.addWidget(view)
    model = view.model
    assert model.rowCount() == 4  # three intentions + one revision
    texts = [model.index(r, 0).data() for r in range(4)]
    assert texts[1] == "Reconnect with my sister" and texts[2].strip() == "↳ Call my sister " \
                                                                          "every week"
    assert model.index(1, 1).data() == "Revised"
    first_session_col = 3  # Intention, Status, Set on, then sessions from the preparation
    assert model.index(0, first_session_col).data() == "set"
    assert model.index(0, first_session_col + 1).data() == "2 ✎"
    assert "fictional note" in model.index(0, first_session_col + 1).data(
        Qt.ItemDataRole.ToolTipRole)
    view.table.selectRow(0)
    qtbot.mouseClick(view.buttons["achieved"], Qt.MouseButton.LeftButton)
    assert model.index(0, 1).data() == "Achieved"


def test_theme_tables_and_merge_dialog(qtbot: object, services: object, course: tuple) -> None:
    _, course_id, _ids = course
    view = CourseThemesView(services, course_id)
    qtbot.addWidget(view)
    names = [view.model.index(r, 0).data() for r in range(view.model.rowCount())]
    assert names == ["grief", "Self compassion", "self-compassion"]
    assert view.model.index(0, 3).data() == 3  # mentions
    freq = ThemeFrequencyView(services)
    qtbot.addWidget(freq)
    assert freq.model.index(0, 0).data() == "grief"

    source = services.themes.find("Self compassion").id
    dialog = ThemeMergeDialog(services, [source])
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name_edit, "self-compassion")
    assert dialog.plan().startswith("Merge 1 theme into 'self-compassion'")
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    view.reload()
    names = [view.model.index(r, 0).data() for r in range(view.model.rowCount())]
    assert names == ["grief", "self-compassion"]
    assert view.model.index(1, 3).data() == 3  # every mention kept


def test_outcome_chart_paints_series_doses_and_lines(qtbot: object, services: object,
                                                    course: tuple) -> None:
    _, course_id, _ = course
    chart = OutcomeChart()
    qtbot.addWidget(chart)
    empty = chart.render_image(QSize(400, 200))
    chart.set_data(services.measures.course_outcomes(course_id))
    assert sorted(s.scale.short_name for s in chart.panels()) == ["GAD-7", "PHQ-9"]
    text = chart.describe()
    # 21 → … 4 (remission) → 12: one score of 10 or more after remission is a possible
    # relapse (relapse_phq9 needs a second 5-15 days later), shown as such.
    assert "possible relapse 17 Nov" in text and "remission" in text
    assert "PHQ-9: baseline 21 (2 Oct)" in text
    image = chart.render_image(QSize(800, 480))
    assert not image.isNull()
    background = image.pixelColor(1, 1)
    coloured = {image.pixelColor(x, y).name() for x in range(0, 800, 3)
                for y in range(0, 480, 3)} - {background.name()}
    assert len(coloured) > 20  # lines, points, text were drawn
    assert empty.pixelColor(200, 100) != QColor() and empty.size() == QSize(400, 200)


def test_risk_badge_and_session_mark(qtbot: object, services: object, course: tuple) -> None:
    client, course_id, ids = course
    badge = RiskBadge()
    qtbot.addWidget(badge)
    badge.set_flags(services.measures.risk_flags(client))
    assert badge.isHidden()
    answers = {str(i): 0 for i in range(1, 10)} | {"9": 1}
    services.measures.enter(client_id=client, scale_id="phq9", taken_on=date(2026, 11, 18),
                            session_id=ids["int3"], answers=answers)
    badge.set_flags(services.measures.risk_flags(client))
    assert not badge.isHidden() and "PHQ-9" in badge.text()
    marks = services.measures.risk_sessions(course_id)
    assert risk_mark(marks.get(ids["int3"], [])) == "⚠ risk"
    assert risk_mark(marks.get(ids["int1"], [])) == ""


def test_outcomes_tab_shows_scores_with_a_second_course_started_the_same_day(
        qtbot: object, services: object) -> None:
    """Issue 14: a discontinued course and a new one starting the same day both said "No
    outcome measures in this course yet"; the scores belong to the new course's tab."""
    from kapnotes.domain.models import CourseStatus
    from kapnotes.ui.client_view import ClientView

    client = services.clients.create(Client(code="KAP-707", full_name="Ines Fictive"))
    start = date(2026, 11, 2)
    mistaken = services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                              start_date=start)).id
    services.courses.set_status(mistaken, CourseStatus.DISCONTINUED, "Wrong protocol.")
    course = services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                            start_date=start)).id
    services.measures.enter(client_id=client.id, scale_id="phq9", taken_on=date(2026, 10, 30),
                            total=18)
    integration = services.notes.create_session(
        course_id=course, kind=SessionKind.INTEGRATION, starts_at=datetime(2026, 11, 3, 10))
    services.measures.enter(client_id=client.id, scale_id="phq9", taken_on=date(2026, 11, 3),
                            session_id=integration.id, total=9)
    view = ClientView(services)
    qtbot.addWidget(view)
    view.show()
    view.set_client(client.id, course_id=course)
    chart = view.sections.outcomes
    assert "No outcome measures" not in chart.describe()
    assert [p.total for p in chart.panels()[0].points] == [18, 9]
    assert view.sections.tabText(view.sections.indexOf(view.sections.outcomes_tab)) \
        == "Outcomes (1)"
    view.set_client(client.id, course_id=mistaken)
    assert "No outcome measures in this course yet" in view.sections.outcomes.describe()


def test_theme_frequency_view_follows_a_merge_by_itself(qtbot: object, services: object,
                                                        course: tuple) -> None:
    # The view subscribes to the themes service's change notifications (issue 17): whoever
    # hosts it, and whichever dialog or call renames or merges, it shows the result.
    freq = ThemeFrequencyView(services)
    qtbot.addWidget(freq)
    freq.show()
    names = lambda: [freq.model.index(r, 0).data()  # noqa: E731
                     for r in range(freq.model.rowCount())]
    assert "Self compassion" in names()
    dialog = ThemeMergeDialog(services, [services.themes.find("Self compassion").id])
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name_edit, "self-compassion")
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Self compassion" not in names(), timeout=1000)
    services.themes.rename(services.themes.find("grief").id, "loss")
    qtbot.waitUntil(lambda: "loss" in names(), timeout=1000)
    assert "grief" not in names() and "self-compassion" in names()
