"""The measure dialog: PHQ-9 entered item by item with the keyboard shows total, band, risk."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.ui.dialogs.measure_dialog import MeasureDialog


@pytest.fixture
def client_id(services: object) -> int:
    return services.clients.create(Client(code="KAP-801", full_name="Ari Example")).id


def test_phq9_by_keyboard_shows_total_band_and_risk_then_saves(qtbot: object, services: object,
                                                               client_id: int) -> None:
    course = services.courses.create(Course(client_id=client_id, protocol="custom",
                                            start_date=date(2026, 11, 1))).id
    sid = services.notes.create_session(course_id=course, kind=SessionKind.INTEGRATION,
                                        starts_at=datetime(2026, 11, 19, 10, 0)).id
    dlg = MeasureDialog(services, client_id, scale_id="phq9", session_id=sid)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.session_combo.currentData() == sid
    assert dlg.total_radio.isEnabled()
    for item_id, digit in zip("12345678", "21102100", strict=True):
        box = dlg.item_boxes[item_id]
        box.setFocus()
        qtbot.keyClicks(box, digit)  # a combo jumps to the entry starting with the digit
    assert "1 item unanswered: 9" in dlg.status_label.text()
    assert not dlg.risk_badge.isVisible()
    assert dlg.total_label.text() == "Total so far: 7"

    qtbot.keyClicks(dlg.item_boxes["9"], "1")
    assert dlg.total_label.text() == "Total: 8 / 27"
    assert dlg.band_label.text() == "Mild"
    assert dlg.risk_badge.isVisible()
    assert "Self-harm thoughts" in dlg.risk_badge.text()

    with qtbot.waitSignal(dlg.saved, timeout=1000) as sig:
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    stored = services.measures.get(sig.args[0])
    assert (stored.total, stored.band, stored.risk, stored.session_id) == (8, "Mild", True, sid)
    assert stored.taken_on == date(2026, 11, 19)  # the linked session's day, not today
    assert [f.scale_name for f in services.measures.risk_flags(client_id)] == ["PHQ-9"]


def test_item_9_alone_shows_the_risk_before_the_rest_is_answered(qtbot: object, services: object,
                                                                 client_id: int) -> None:
    dlg = MeasureDialog(services, client_id, scale_id="phq9")
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.keyClicks(dlg.item_boxes["9"], "2")
    assert dlg.risk_badge.isVisible()


def test_missing_item_is_named_and_nothing_saved(qtbot: object, services: object,
                                                 client_id: int) -> None:
    dlg = MeasureDialog(services, client_id, scale_id="gad7")
    qtbot.addWidget(dlg)
    dlg.show()
    for item_id in "123456":
        qtbot.keyClicks(dlg.item_boxes[item_id], "1")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert "item 7" in dlg.error_label.text()
    assert dlg.focusWidget() is dlg.item_boxes["7"]
    assert services.measures.for_client(client_id) == []


def test_total_only_where_allowed(qtbot: object, services: object, client_id: int) -> None:
    dlg = MeasureDialog(services, client_id, scale_id="madrs")
    qtbot.addWidget(dlg)
    dlg.total_radio.setChecked(True)
    dlg.total_spin.setValue(22)
    assert dlg.band_label.text() == "Moderate"
    dlg.save()
    [m] = services.measures.for_client(client_id)
    assert (m.total, m.total_only) == (22, True)
    dlg2 = MeasureDialog(services, client_id, scale_id="meq30")
    qtbot.addWidget(dlg2)
    assert not dlg2.total_radio.isEnabled()


def test_cssrs_skip_logic_and_high_risk(qtbot: object, services: object, client_id: int) -> None:
    dlg = MeasureDialog(services, client_id, scale_id="cssrs_screen")
    qtbot.addWidget(dlg)
    assert not dlg.item_boxes["q3"].isEnabled()  # only asked after a yes to q2
    for item_id, key in (("q1", "Y"), ("q2", "Y")):
        qtbot.keyClicks(dlg.item_boxes[item_id], key)
    assert dlg.item_boxes["q3"].isEnabled()
    for item_id, key in (("q3", "Y"), ("q4", "Y"), ("q5", "N"), ("q6", "N")):
        qtbot.keyClicks(dlg.item_boxes[item_id], key)
    assert dlg.band_label.text().startswith("High risk")
    assert dlg.risk_badge.isVisibleTo(dlg)
    dlg.save()
    assert services.measures.for_client(client_id)[0].risk_level == "high"


def test_a_broken_practice_scale_file_is_named_where_scales_are_picked(
        qtbot: object, services: object, client_id: int, tmp_path) -> None:
    folder = tmp_path / "scales"  # the practice's scale folder (KAPNOTES_DATA_DIR is tmp_path)
    folder.mkdir()
    (folder / "mood_check.json").write_text("{ not json", encoding="utf-8")
    dlg = MeasureDialog(services, client_id)  # the scale files are read now, when first needed
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.skipped_label.isVisible()
    assert dlg.skipped_label.text().startswith(
        "Practice scale file left out — mood_check.json: is not valid JSON")
    assert dlg.scale_combo.findData("phq9") >= 0  # the built-in scales are all still offered


def test_no_note_about_scale_files_when_all_loaded(qtbot: object, services: object,
                                                   client_id: int) -> None:
    dlg = MeasureDialog(services, client_id)
    qtbot.addWidget(dlg)
    dlg.show()
    assert not dlg.skipped_label.isVisible()
