"""Settings dialog: practice-fixed values read-only and marked, user values saved, bad input
refused with the field named and nothing saved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from kapnotes import policy
from kapnotes.domain.errors import ValidationError
from kapnotes.policy import Source
from kapnotes.services.clinician import clinician_name
from kapnotes.services.settings_service import SettingsService
from kapnotes.storage.backups import RetentionPolicy
from kapnotes.ui.dialogs.settings_dialog import FIXED_NOTE, SettingsDialog


@pytest.fixture
def policy_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "policy.json"
    monkeypatch.setenv(policy.POLICY_ENV, str(path))
    return path


def write_policy(path: Path, settings: dict[str, object]) -> None:
    path.write_text(json.dumps({"version": 1, "settings": settings}), encoding="utf-8")


@pytest.fixture
def dialog_for(qtbot, open_vault, settings: QSettings, policy_file: Path):
    def make() -> SettingsDialog:
        dlg = SettingsDialog(SettingsService(open_vault), settings)
        qtbot.addWidget(dlg)
        return dlg

    return make


def test_practice_fixed_values_are_read_only_with_the_note(dialog_for, policy_file: Path,
                                                          open_vault) -> None:
    write_policy(policy_file, {
        "idle_lock_minutes": {"value": 3, "fixed": True},
        "practice_name": {"value": "Harbour Lane Therapy", "fixed": True},
        "screen_max_age_days": {"value": 45},
        "default_vault_folder": {"value": "/srv/kapnotes", "fixed": True},
    })
    dlg = dialog_for()
    assert dlg.idle_spin.value() == 3 and dlg.idle_spin.isReadOnly()
    assert dlg.practice_name_edit.text() == "Harbour Lane Therapy"
    assert dlg.practice_name_edit.isReadOnly()
    assert [n.text() for n in dlg.notes["idle_lock_minutes"]] == [FIXED_NOTE]
    assert "Set by your practice" in dlg.notes["practice_name"][0].text()
    assert dlg.screen_age_spin.value() == 45 and not dlg.screen_age_spin.isReadOnly()
    assert dlg.notes["screen_max_age_days"][0].text() == "Practice default"
    assert dlg.notes["backup_retention"][0].text() == ""
    assert str(policy_file) in dlg.policy_label.text()
    assert "/srv/kapnotes (set by your practice)" in dlg.policy_label.text()
    # Even if a read-only field were changed, it is not sent to be saved.
    dlg.idle_spin.setValue(30)
    assert "idle_lock_minutes" not in dlg.changes()
    assert dlg.save()
    assert SettingsService(open_vault).idle_lock_minutes() == 3


def test_user_values_are_saved(qtbot, dialog_for, open_vault, settings: QSettings) -> None:
    dlg = dialog_for()
    dlg.practice_name_edit.setText("Seaview Clinic")
    dlg.idle_spin.setValue(12)
    dlg.threshold_spins["alert_spo2_below"].setValue(94)
    dlg.screen_age_spin.setValue(60)
    dlg.daily_spin.setValue(10)
    qtbot.keyClicks(dlg.clinician_edit, "Dr. Imani Example")
    with qtbot.waitSignal(dlg.saved, timeout=1000):
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    service = SettingsService(open_vault)
    assert service.practice_name() == "Seaview Clinic"
    assert service.idle_lock_minutes() == 12
    assert service.vitals_thresholds().alert_spo2_below == 94
    assert service.vitals_thresholds().alert_systolic_above == 180
    assert service.screen_max_age_days() == 60
    assert service.backup_retention() == RetentionPolicy(daily=10, weekly=4)
    assert service.effective("idle_lock_minutes").source is Source.USER
    assert clinician_name(open_vault) == "Dr. Imani Example"


def test_untouched_practice_default_keeps_following_the_policy(dialog_for, policy_file: Path,
                                                               open_vault) -> None:
    write_policy(policy_file, {"screen_max_age_days": {"value": 45}})
    dlg = dialog_for()
    dlg.practice_name_edit.setText("Seaview Clinic")
    assert dlg.save()
    service = SettingsService(open_vault)
    assert service.effective("screen_max_age_days").source is Source.PRACTICE_DEFAULT


@pytest.mark.parametrize(("edit", "named"), [
    (lambda d: d.logo_edit.setText("/nowhere/logo.png"), "Practice logo"),
    (lambda d: d.threshold_spins["alert_systolic_above"].setValue(130),
     "Pre-dose caution: systolic above"),
    (lambda d: (d.daily_spin.setValue(0), d.weekly_spin.setValue(0)), "Backup retention"),
])
def test_invalid_input_is_refused_naming_the_field(dialog_for, open_vault, settings: QSettings,
                                                   edit, named: str) -> None:
    dlg = dialog_for()
    dlg.practice_name_edit.setText("Seaview Clinic")
    dlg.clinician_edit.setText("Dr. Imani Example")
    edit(dlg)
    assert not dlg.save()
    assert not dlg.error_label.isHidden()
    assert named in dlg.error_label.text()
    service = SettingsService(open_vault)
    assert service.practice_name() == ""  # nothing saved, not even the valid changes
    assert clinician_name(open_vault) == ""  # nor the name


def test_settings_menu_opens_the_dialog_and_changes_apply_at_once(qtbot, services,
                                                                  settings: QSettings) -> None:
    from helpers.recording import RecordingPrompter
    from PySide6.QtGui import QKeySequence

    from kapnotes.ui.main_window import MainWindow
    from kapnotes.ui.settings_menu import SettingsMenu
    from kapnotes.window_run import follow_settings, install_lock, start_workspace

    window = MainWindow(services.vault, settings=settings)
    qtbot.addWidget(window)
    workspace = start_workspace(window, RecordingPrompter())
    lock = install_lock(window, workspace.flush)
    menu = SettingsMenu(window)
    follow_settings(window, workspace, lock)  # through the services' change notification
    assert menu.action in window.edit_menu.actions()
    assert QKeySequence("Ctrl+,") in menu.action.shortcuts()
    menu.action.trigger()
    dlg = menu.dialog
    assert dlg is not None and dlg.isVisible()
    dlg.idle_spin.setValue(9)
    dlg.clinician_edit.setText("Dr. Imani Example")
    assert dlg.save()
    assert lock.idle is not None and lock.idle.minutes == 9
    assert workspace.signer_name == "Dr. Imani Example"
    assert services.vault.actor.clinician == "Dr. Imani Example"
    lock.idle.stop()


def _course_pdf(services, tmp_path: Path) -> Path:
    """Export a fictional client's course summary the way the window does."""
    from datetime import date

    from kapnotes.domain.models import Client, Course
    from kapnotes.services import exports

    client = services.clients.create(Client(code="KAP-314", full_name="Pia Inventa",
                                            date_of_birth=date(1984, 2, 3)))
    services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                   start_date=date(2026, 11, 2)))
    job = exports.build_course_report(services, client.id, exports.options_for(services))
    return exports.render_to_file(job, tmp_path / "course.pdf")


def _header_line(pdf: Path) -> str:
    from pypdf import PdfReader

    return PdfReader(str(pdf)).pages[0].extract_text().splitlines()[0]


def _page_images(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages[0].images)


def test_practice_name_and_logo_from_settings_reach_the_pdf_header(
        qtbot, dialog_for, services, tmp_path: Path) -> None:
    """Issue 14: Settings stored `practice.name`, the export read `practice_name`: every PDF
    said "KAP Notes practice" and had no logo."""
    from PySide6.QtGui import QColor, QImage

    logo = tmp_path / "logo.png"
    image = QImage(120, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("#2E6B5E"))
    assert image.save(str(logo))
    dlg = dialog_for()
    qtbot.keyClicks(dlg.practice_name_edit, "Seaview Clinic")
    dlg.logo_edit.setText(str(logo))
    assert dlg.save()
    pdf = _course_pdf(services, tmp_path)
    assert _header_line(pdf).startswith("Seaview Clinic")
    assert _page_images(pdf) == 1


def test_practice_name_fixed_by_policy_wins_in_the_pdf(dialog_for, services, policy_file: Path,
                                                       tmp_path: Path) -> None:
    SettingsService(services.vault).set_practice_name("Seaview Clinic")
    write_policy(policy_file, {"practice_name": {"value": "Harbour Lane Therapy",
                                                 "fixed": True}})
    dlg = dialog_for()
    assert dlg.practice_name_edit.text() == "Harbour Lane Therapy"
    pdf = _course_pdf(services, tmp_path)
    assert _header_line(pdf).startswith("Harbour Lane Therapy")
    assert _page_images(pdf) == 0  # no logo set: none drawn, nothing broken


def test_a_logo_file_that_is_not_an_image_is_left_out_not_fatal(services,
                                                                 tmp_path: Path) -> None:
    fake = tmp_path / "logo.png"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really a picture" * 10)
    SettingsService(services.vault).set_practice_logo(fake)
    pdf = _course_pdf(services, tmp_path)
    assert _page_images(pdf) == 0 and _header_line(pdf).startswith("KAP Notes practice")


def test_the_idle_lock_stays_within_the_built_in_limit_and_says_so(qtbot, dialog_for,
                                                                    open_vault) -> None:
    dlg = dialog_for()
    dlg.idle_spin.selectAll()
    qtbot.keyClicks(dlg.idle_spin, "99")
    assert dlg.idle_spin.value() <= 30  # 99 cannot be typed
    assert dlg.idle_limit_label.text() == "1–30 min, built-in limit"
    assert dlg.idle_limit_label.toolTip() == ("1–30 minutes (the built-in limit; a practice "
                                              "policy can set another)")
    with pytest.raises(ValidationError, match="1–30 minutes"):
        SettingsService(open_vault).set_idle_lock_minutes(99)
    assert SettingsService(open_vault).idle_lock_minutes() == 5


def test_the_practice_policy_sets_the_idle_lock_limit(qtbot, dialog_for, open_vault,
                                                      policy_file: Path) -> None:
    service = SettingsService(open_vault)
    service.set_idle_lock_minutes(25)
    write_policy(policy_file, {"idle_lock_max_minutes": {"value": 15}})
    assert service.idle_lock_minutes() == 15  # a value above a lowered limit is not used
    dlg = dialog_for()
    assert dlg.idle_spin.maximum() == 15 and dlg.idle_spin.value() == 15
    assert dlg.idle_limit_label.text() == "1–15 min, practice limit"
    dlg.idle_spin.setValue(10)
    assert dlg.save()
    assert service.idle_lock_minutes() == 10


def test_the_rules_in_force_are_shown_with_the_practice_tightening(dialog_for,
                                                                   policy_file: Path) -> None:
    write_policy(policy_file, {"clinical_rules": {"value": {
        "ketamine_iv_dose_override": {"override_above": 0.8}, "spo2_low": {"below": 94}}}})
    dlg = dialog_for()
    table = dlg.rules_view.table
    rows = [[table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())]
    iv = next(r for r in rows if r[0] == "IV ketamine dose needs a written reason")
    assert iv[1:4] == ["0.8 mg/kg", "Needs a reason", "Your practice (tightened)"]
    assert "Fava" in iv[4]  # the named source
    warn = next(r for r in rows if r[0] == "IV ketamine dose above the usual range")
    assert warn[1:4] == ["0.75 mg/kg", "Warns", "Built in"]
    assert "2 thresholds tightened by your practice" in dlg.rules_view.summary.text()
    # The vitals thresholds can be made stricter than the rules in force, never looser.
    spo2 = dlg.threshold_spins["alert_spo2_below"]
    assert (spo2.value(), spo2.minimum()) == (94, 94)
    assert dlg.threshold_spins["alert_systolic_above"].maximum() == 180


def test_a_loosening_policy_is_named_and_the_shipped_rule_stays(dialog_for,
                                                                policy_file: Path) -> None:
    write_policy(policy_file, {"clinical_rules": {"value": {
        "ketamine_iv_dose_override": {"override_above": 3}}}})
    dlg = dialog_for()
    assert "would loosen rule 'ketamine_iv_dose_override'" in dlg.policy_label.text()
    table = dlg.rules_view.table
    iv = next(r for r in range(table.rowCount())
              if table.item(r, 0).text() == "IV ketamine dose needs a written reason")
    assert table.item(iv, 1).text() == "1 mg/kg" and table.item(iv, 3).text() == "Built in"



def _rows(dlg: SettingsDialog) -> list[list[str]]:
    table = dlg.rules_view.table
    return [[table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def test_every_rule_of_every_rule_file_is_shown_in_settings(dialog_for) -> None:
    """Issue 13 "Done when": Settings shows the rules in force, all of them (dosing, vitals,
    monitoring, outcomes), each threshold on its own row."""
    from kapnotes.rules import current_rules

    titles = {r[0].split(" (")[0] for r in _rows(dialog_for())}
    in_force = current_rules()
    assert {rule.topic for rule in in_force.rules.values()} >= {
        "dosing", "vitals", "monitoring", "outcomes"}
    for rule in in_force.rules.values():
        assert rule.title.split(" (")[0] in titles, rule.id
    rows = _rows(dialog_for())
    assert sum(len(rule.thresholds) or 1 for rule in in_force.rules.values()) == len(rows)


def test_all_vitals_thresholds_are_settable_tighter_only_and_shown_as_in_force(
        qtbot, dialog_for, open_vault, policy_file: Path) -> None:
    """The pre-dose low heart-rate limit and the discharge limits were reachable only through
    the policy file; now each has its field, bounded by its rule, and the table shows it."""
    write_policy(policy_file, {"vitals_thresholds": {"value": {"discharge_spo2_min": 96}}})
    dlg = dialog_for()
    spins = dlg.threshold_spins
    assert {"delay_heart_rate_below", "discharge_systolic_max", "discharge_diastolic_max",
            "discharge_spo2_min", "discharge_heart_rate_max",
            "discharge_heart_rate_min"} <= set(spins)
    assert spins["discharge_systolic_max"].maximum() == 160  # cannot be loosened
    assert spins["discharge_heart_rate_min"].minimum() == 50
    assert spins["delay_heart_rate_below"].minimum() == 50
    assert spins["discharge_spo2_min"].value() == 96
    spo2 = next(r for r in _rows(dlg) if r[0].startswith("Vitals back within discharge")
                and "spo2" in r[0].lower())
    assert spo2[1] == "96%" and spo2[3] == "Your practice (tightened)"
    spins["discharge_systolic_max"].selectAll()
    qtbot.keyClicks(spins["discharge_systolic_max"], "150")
    spins["delay_heart_rate_below"].setValue(55)
    assert dlg.save()
    saved = SettingsService(open_vault).vitals_thresholds()
    assert (saved.discharge_systolic_max, saved.delay_heart_rate_below) == (150, 55)
    again = dialog_for()
    systolic = next(r for r in _rows(again) if r[0].startswith("Vitals back within discharge")
                    and "systolic" in r[0].lower())
    assert systolic[1] == "150 mmHg" and systolic[3] == "These settings (tightened)"
    assert "tightened in these settings" in again.rules_view.summary.text()


def test_a_discharge_heart_rate_range_upside_down_is_refused_naming_it(dialog_for,
                                                                       open_vault) -> None:
    dlg = dialog_for()
    dlg.threshold_spins["discharge_heart_rate_max"].setValue(80)
    dlg.threshold_spins["discharge_heart_rate_min"].setValue(60)
    assert dlg.save()
    dlg = dialog_for()
    dlg.threshold_spins["discharge_heart_rate_min"].setValue(60)
    dlg.threshold_spins["discharge_heart_rate_max"].setValue(55)
    assert dlg.threshold_spins["discharge_heart_rate_max"].value() == 55
    assert not dlg.save()
    assert "Discharge: heart rate at least" in dlg.error_label.text()
    assert SettingsService(open_vault).vitals_thresholds().discharge_heart_rate_max == 80


def test_each_rule_source_can_be_read_whole_in_the_table(qtbot, dialog_for) -> None:
    """Seen on a real X server: the Source column was squeezed to "KAP Notes conservat…", so
    whether a value is a publication's or the product's own could not be read."""
    from PySide6.QtCore import QRect

    dlg = dialog_for()
    dlg.show()
    qtbot.waitExposed(dlg)
    table = dlg.rules_view.table
    own = next(r for r in range(table.rowCount())
               if table.item(r, 0).text() == "IV ketamine dose above the usual range")
    source = table.item(own, 4)
    assert source.text().startswith("KAP Notes conservative choice, needs clinical sign-off")
    limits = next(r for r in range(table.rowCount())
                  if table.item(r, 0).text().startswith("Vitals back within discharge"))
    assert "seed protocol's" in table.item(limits, 4).text()  # the detail says whose value
    for column in (0, 4):  # the rule and its source wrap within their cells
        item = table.item(own, column)
        width = table.columnWidth(column) - 8
        needed = table.fontMetrics().boundingRect(
            QRect(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), item.text()).height()
        assert table.rowHeight(own) >= needed, column
