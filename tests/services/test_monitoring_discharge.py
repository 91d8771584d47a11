"""Issue 13, "Monitoring and discharge", through the services over a real vault: heart-rate
thresholds, discharge readiness at signing and on the clock, reading roles that fit their
time, the inclusive alert bound, confirmed extreme readings, the aware clock across a
daylight-saving change, corrections/strikes/backdating, and the screen + pre-dose vitals gate
before the dose. All data is fictional."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.domain.screening import Answer, Screen, ScreenAnswer, ScreenItem
from kapnotes.domain.vitals import UnusualValueError, VitalsThresholds
from kapnotes.services.clock import aware
from kapnotes.services.dose_checks import OverrideNeeded
from kapnotes.services.monitoring_views import ClockLevel
from kapnotes.storage import audit

START = datetime(2026, 11, 20, 9, 0)
NOTE = {"arrival_state": "Settled", "observations": "Calm", "post_session_state": "Steady"}


@pytest.fixture
def dose_id(services: object) -> int:
    client = services.clients.create(Client(code="KAP-513", full_name="Sam Fictional")).id
    course = services.courses.create(Course(client_id=client, protocol="kap_sublingual_im",
                                            start_date=date(2026, 11, 2))).id
    return services.notes.create_session(course_id=course, kind=SessionKind.DOSING,
                                         starts_at=START).id


def vitals(sys_: int, dia: int, hr: int = 72, spo2: int = 98) -> dict[str, int]:
    return {"systolic": sys_, "diastolic": dia, "heart_rate": hr, "spo2": spo2}


def screen(services: object, dose_id: int) -> None:
    client = services.notes.client_id_of(dose_id)
    services.monitoring.save_screen(
        client, Screen(START.date(), tuple(ScreenAnswer(i, Answer.NO) for i in ScreenItem)),
        screened_by="Dr Kim Sample")


def dosed(services: object, dose_id: int, at: datetime = START) -> None:
    """Screened, pre-dose vitals 10 minutes before, first device at `at`."""
    screen(services, dose_id)
    services.monitoring.add_reading(dose_id, "pre_dose", vitals(128, 82),
                                    at=at - timedelta(minutes=10))
    services.monitoring.add_device(dose_id, at=at)


# -- heart rate ------------------------------------------------------------------------------
@pytest.mark.parametrize(("hr", "code"), [(44, "heart_rate_alert_low"),
                                          (150, "heart_rate_alert_high")])
def test_heart_rates_of_44_and_150_alert(services: object, dose_id: int, hr: int,
                                         code: str) -> None:
    dosed(services, dose_id)
    stored = services.monitoring.add_reading(dose_id, "extra", {"heart_rate": hr},
                                             at=START + timedelta(minutes=20))
    assert [f.code for f in stored.findings] == [code]
    assert any(f"Heart rate {hr}/min" in line for line in services.monitoring.banner(dose_id))


def test_pre_dose_heart_rate_is_checked(services: object, dose_id: int) -> None:
    stored = services.monitoring.add_reading(dose_id, "pre_dose", vitals(128, 82, hr=108))
    assert [f.code for f in stored.findings] == ["heart_rate_consider_delay"]
    assert "consider delaying" in stored.findings[0].message


def test_a_practice_may_tighten_the_heart_rate_alert_but_not_loosen_it(
        services: object, dose_id: int) -> None:
    m = services.monitoring
    m.settings.set_thresholds(VitalsThresholds(alert_heart_rate_above=110))
    dosed(services, dose_id)
    stored = m.add_reading(dose_id, "extra", {"heart_rate": 112},
                           at=START + timedelta(minutes=15))
    assert [f.code for f in stored.findings] == ["heart_rate_alert_high"]
    with pytest.raises(ValidationError, match="heart_rate_alert"):
        m.settings.set_thresholds(VitalsThresholds(alert_heart_rate_above=140,
                                                   delay_heart_rate_above=100))


def test_a_practice_policy_tightens_heart_rate_and_discharge_limits_never_loosens(
        services: object, dose_id: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        clock: object) -> None:
    import json

    from kapnotes import policy

    path = tmp_path / "policy.json"
    monkeypatch.setenv(policy.POLICY_ENV, str(path))
    path.write_text(json.dumps({"version": 1, "settings": {"clinical_rules": {"value": {
        "heart_rate_alert": {"at_or_above": 110},
        "discharge_limits": {"spo2_min": 96}}}}}), encoding="utf-8")
    m = services.monitoring
    dosed(services, dose_id)
    stored = m.add_reading(dose_id, "extra", {"heart_rate": 112},
                           at=START + timedelta(minutes=15))
    assert [f.code for f in stored.findings] == ["heart_rate_alert_high"]
    m.add_reading(dose_id, "forty_minutes", vitals(130, 84), at=START + timedelta(minutes=40))
    m.add_observation(dose_id, moaas=5, at=START + timedelta(minutes=110))
    m.add_reading(dose_id, "end_of_session", vitals(130, 84, spo2=95),
                  at=START + timedelta(minutes=121))
    clock.now = START + timedelta(minutes=122)
    assert [p.code for p in m.discharge_problems(dose_id)] == ["outside_discharge_limits_spo2"]
    path.write_text(json.dumps({"version": 1, "settings": {"clinical_rules": {"value": {
        "heart_rate_alert": {"at_or_above": 150}}}}}), encoding="utf-8")
    (problem,) = policy.current_policy().problems
    assert "would loosen rule 'heart_rate_alert'" in problem
    assert m.thresholds().alert_heart_rate_above == 120


# -- discharge readiness -----------------------------------------------------------------------
def test_a_note_ending_at_200_over_120_spo2_90_with_respiratory_depression_needs_an_override(
        services: object, dose_id: int, clock: object) -> None:
    m = services.monitoring
    dosed(services, dose_id)
    m.add_reading(dose_id, "forty_minutes", vitals(150, 95), at=START + timedelta(minutes=40))
    m.add_observation(dose_id, moaas=5, at=START + timedelta(minutes=100))
    m.add_reading(dose_id, "end_of_session", vitals(200, 120, spo2=90),
                  at=START + timedelta(minutes=125))
    m.update_record(dose_id, {"respiratory_depression": True})
    services.notes.save_fields(dose_id, NOTE)
    clock.now = START + timedelta(minutes=130)
    # Signing is held: the end readings and the respiratory depression need a reason.
    blockers = services.notes.sign_blockers(dose_id)
    assert any(b.startswith("Unresolved alert: Blood pressure 200/120") for b in blockers)
    assert any(b.startswith("Unresolved alert: SpO2 90%") for b in blockers)
    assert "Respiratory depression was recorded: a clinician must review before discharge." \
        in blockers
    with pytest.raises(ValidationError, match="Unresolved alert"):
        services.notes.sign(dose_id, signer="Dr Kim Sample")
    # So is the discharge itself: refused without a named clinician's written reason.
    with pytest.raises(OverrideNeeded) as err:
        m.update_record(dose_id, {"ended_at": clock.now})
    assert {f.rule_id for f in err.value.findings} == {"discharge_no_open_alert",
                                                       "discharge_sedation_resolved"}
    assert m.details(dose_id).ended_at is None
    with pytest.raises(ValidationError, match="Clinician giving the reason"):
        m.update_record(dose_id, {"ended_at": clock.now}, reason="Transferred by ambulance")
    m.update_record(dose_id, {"ended_at": clock.now},
                    reason="Transferred to emergency care with paramedics", by="Dr Kim Sample")
    kept = [o for o in m.doses.overrides(dose_id) if o.rule_id.startswith("discharge_")]
    assert len(kept) == 3 and {o.given_by for o in kept} == {"Dr Kim Sample"}
    status = m.clock_status(dose_id)
    assert status.level == ClockLevel.LATE and "before discharge criteria" in status.text
    assert m.discharge_overridden(dose_id)
    # The override answers those criteria at signing; it is not asked for twice.
    assert services.notes.sign_blockers(dose_id) == []
    assert services.notes.sign(dose_id, signer="Dr Kim Sample").signed


def test_discharged_now_at_minute_1_with_open_alerts_is_not_a_green_end(
        services: object, dose_id: int, clock: object) -> None:
    m = services.monitoring
    dosed(services, dose_id)
    clock.now = START + timedelta(minutes=1)
    m.add_reading(dose_id, "extra", vitals(190, 112))
    with pytest.raises(OverrideNeeded, match="Monitoring lasted 1 minutes"):
        m.update_record(dose_id, {"ended_at": clock.now})
    assert m.clock_status(dose_id).level != ClockLevel.DONE
    m.update_record(dose_id, {"ended_at": clock.now}, reason="Client left against advice",
                    by="Dr Kim Sample")
    status = m.clock_status(dose_id)
    assert status.level != ClockLevel.DONE and status.level == ClockLevel.LATE
    assert status.text.startswith("Discharged at minute 1 before discharge criteria were met")
    codes = [p.code for p in m.discharge_problems(dose_id)]
    assert codes[:2] == ["monitoring_under_minimum", "unresolved_alert_blood_pressure"]


def test_a_client_who_is_ready_ends_green(services: object, dose_id: int, clock: object) -> None:
    m = services.monitoring
    dosed(services, dose_id)
    m.add_reading(dose_id, "forty_minutes", vitals(185, 112), at=START + timedelta(minutes=40))
    m.add_observation(dose_id, moaas=3, at=START + timedelta(minutes=45))
    m.add_observation(dose_id, moaas=5, at=START + timedelta(minutes=110))
    m.add_reading(dose_id, "end_of_session", vitals(150, 92), at=START + timedelta(minutes=120))
    m.update_record(dose_id, {"ended_at": START + timedelta(minutes=122)})
    clock.now = START + timedelta(minutes=125)
    assert m.discharge_problems(dose_id) == ()  # the 40-minute alert resolved later
    assert m.clock_status(dose_id).level == ClockLevel.DONE


@pytest.mark.parametrize(("end", "moaas", "code"), [
    (vitals(165, 90), 5, "outside_discharge_limits_blood_pressure"),
    (vitals(150, 90, spo2=93), 5, "outside_discharge_limits_spo2"),
    (vitals(150, 90, hr=104), 5, "outside_discharge_limits_heart_rate"),
    (vitals(150, 90), 4, "sedation_not_resolved"),
])
def test_each_discharge_limit_is_checked(services: object, dose_id: int, clock: object,
                                         end: dict, moaas: int, code: str) -> None:
    m = services.monitoring
    dosed(services, dose_id)
    m.add_reading(dose_id, "forty_minutes", vitals(140, 90), at=START + timedelta(minutes=40))
    m.add_observation(dose_id, moaas=moaas, at=START + timedelta(minutes=115))
    m.add_reading(dose_id, "end_of_session", end, at=START + timedelta(minutes=121))
    clock.now = START + timedelta(minutes=122)
    assert [p.code for p in m.discharge_problems(dose_id)] == [code]


# -- reading roles fit their time --------------------------------------------------------------
def test_a_40_minute_reading_at_minute_0_is_refused_with_its_window(
        services: object, dose_id: int, clock: object) -> None:
    m = services.monitoring
    dosed(services, dose_id)
    with pytest.raises(ValidationError) as err:
        m.add_reading(dose_id, "forty_minutes", vitals(130, 85), at=START)
    assert err.value.field == "role"
    assert "minutes 30–60" in err.value.reason and "minute 0" in err.value.reason
    assert [r.reading.role.value for r in m.readings(dose_id)] == ["pre_dose"]
    m.add_reading(dose_id, "forty_minutes", vitals(130, 85), at=START + timedelta(minutes=38))
    with pytest.raises(ValidationError, match="minute 60 or later"):
        m.add_reading(dose_id, "end_of_session", vitals(130, 85),
                      at=START + timedelta(minutes=45))
    with pytest.raises(ValidationError, match="before the first device"):
        m.add_reading(dose_id, "pre_dose", vitals(130, 85), at=START + timedelta(minutes=5))


# -- inclusive alert, confirmed extremes ---------------------------------------------------------
def test_180_over_110_exactly_alerts(services: object, dose_id: int) -> None:
    dosed(services, dose_id)
    stored = services.monitoring.add_reading(dose_id, "forty_minutes", vitals(180, 110),
                                             at=START + timedelta(minutes=40))
    assert [(f.code, f.message) for f in stored.findings] == [
        ("bp_alert", "Blood pressure 180/110 is at or above 180/110.")]


@pytest.mark.parametrize(("values", "field"), [(vitals(272, 140), "systolic"),
                                               ({"spo2": 45}, "spo2")])
def test_a_true_extreme_reading_is_recorded_after_a_confirmation(
        services: object, dose_id: int, values: dict, field: str) -> None:
    m = services.monitoring
    dosed(services, dose_id)
    at = START + timedelta(minutes=20)
    with pytest.raises(UnusualValueError) as err:
        m.add_reading(dose_id, "extra", values, at=at)
    assert err.value.field == field and "confirm" in err.value.reason
    assert len(m.readings(dose_id)) == 1  # nothing stored before the confirmation
    stored = m.add_reading(dose_id, "extra", values, at=at, confirm_unusual=True)
    again = next(r for r in m.readings(dose_id) if r.id == stored.id)
    assert getattr(again.reading, field) == values[field]
    assert again.reading.confirmed_unusual and again.findings[0].severity.value == "alert"
    entry = audit.entries(m.vault, record_type="session")[-1]
    assert entry.event == "vitals.confirm_unusual" and str(values[field]) not in entry.detail


def test_an_impossible_value_is_refused_even_when_confirmed(services: object,
                                                            dose_id: int) -> None:
    with pytest.raises(ValidationError, match="not possible"):
        services.monitoring.add_reading(dose_id, "pre_dose", {"systolic": 400,
                                                              "diastolic": 90},
                                        confirm_unusual=True)


# -- the aware clock ---------------------------------------------------------------------------
def test_one_real_hour_across_the_daylight_saving_start_counts_60_minutes(
        services: object, clock: object, sydney: None) -> None:
    client = services.clients.create(Client(code="KAP-514", full_name="Alex Fictional")).id
    course = services.courses.create(Course(client_id=client, protocol="kap_sublingual_im",
                                            start_date=date(2026, 9, 28))).id
    night = datetime(2026, 10, 4, 1, 0)
    sid = services.notes.create_session(course_id=course, kind=SessionKind.DOSING,
                                        starts_at=night).id
    clock.now = night
    m = services.monitoring
    screen(services, sid)
    m.add_reading(sid, "pre_dose", vitals(128, 82), at=datetime(2026, 10, 4, 1, 20))
    m.add_device(sid, at=datetime(2026, 10, 4, 1, 30))  # wall clock, +10:00
    clock.now = datetime(2026, 10, 4, 3, 30)  # wall clock, +11:00: one real hour later
    assert m.clock_status(sid).minute == 60
    assert m.clock_status(sid).text.startswith("Minute 60 since first device")
    stored = m.add_reading(sid, "forty_minutes", vitals(130, 84),
                           at=datetime(2026, 10, 4, 3, 10))  # minute 40, not 100
    assert stored.reading.taken_at - m.first_device_at(sid) == timedelta(minutes=40)


# -- corrections, strikes, backdating -----------------------------------------------------------
def test_a_mistyped_reading_is_corrected_with_the_original_kept_and_audited(
        services: object, dose_id: int) -> None:
    m = services.monitoring
    dosed(services, dose_id)
    typo = m.add_reading(dose_id, "forty_minutes", vitals(218, 88),
                         at=START + timedelta(minutes=40))
    fixed = m.correct_reading(dose_id, typo.id, vitals(128, 88), reason="typed 218 for 128")
    current = m.readings(dose_id)
    assert [r.id for r in current] == [current[0].id, fixed.id]
    assert fixed.reading.taken_at == typo.reading.taken_at and fixed.corrects_id == typo.id
    assert fixed.findings == () and m.banner(dose_id) == []
    history = {r.id: r for r in m.readings(dose_id, with_struck=True)}
    assert history[typo.id].struck and history[typo.id].reading.systolic == 218
    assert history[typo.id].change_reason == "Corrected: typed 218 for 128"
    entry = audit.entries(m.vault, record_type="session")[-1]
    assert (entry.event, entry.detail) == ("vitals.correct", f"reading {typo.id} → {fixed.id}")
    with pytest.raises(ValidationError, match="Reason for the correction"):
        m.correct_reading(dose_id, fixed.id, vitals(129, 88), reason="  ")


def test_a_reading_is_struck_not_deleted_and_only_in_a_draft(
        services: object, dose_id: int, clock: object) -> None:
    m = services.monitoring
    dosed(services, dose_id)
    wrong = m.add_reading(dose_id, "extra", {"heart_rate": 150},
                          at=START + timedelta(minutes=10))
    m.strike_reading(dose_id, wrong.id, reason="entered on the wrong client")
    assert wrong.id not in [r.id for r in m.readings(dose_id)]
    assert [r.id for r in m.readings(dose_id, with_struck=True) if r.struck] == [wrong.id]
    assert audit.entries(m.vault, record_type="session")[-1].event == "vitals.strike"
    with pytest.raises(ValidationError):
        m.strike_reading(dose_id, wrong.id, reason="again")
    services.notes.save_fields(dose_id, NOTE)
    services.notes.sign(dose_id, signer="Dr Kim Sample", reason="Short fictional session.")
    first = m.readings(dose_id)[0]
    with pytest.raises(ConflictError):
        m.strike_reading(dose_id, first.id, reason="after signing")
    with pytest.raises(ConflictError):
        m.correct_reading(dose_id, first.id, vitals(120, 80), reason="after signing")


def test_a_reading_written_up_afterwards_keeps_its_real_time(
        services: object, dose_id: int, clock: object) -> None:
    m = services.monitoring
    dosed(services, dose_id)
    clock.now = START + timedelta(minutes=150)  # writing up after the session
    late = m.add_reading(dose_id, "forty_minutes", vitals(134, 86),
                         at=START + timedelta(minutes=42))
    assert late.reading.taken_at == aware(START + timedelta(minutes=42))
    stored = next(r for r in m.readings(dose_id) if r.id == late.id)
    assert stored.entered_at == aware(clock.now)
    with pytest.raises(ValidationError) as err:
        m.add_reading(dose_id, "extra", {"heart_rate": 70}, at=START + timedelta(days=3))
    assert err.value.field == "taken_at"


# -- screen and pre-dose vitals before the dose ----------------------------------------------------
def test_a_never_screened_client_cannot_be_dosed_with_one_click(services: object,
                                                                dose_id: int) -> None:
    m = services.monitoring
    m.acknowledge(dose_id, by="Dr Kim Sample")  # the one click on "No screen recorded"
    with pytest.raises(ValidationError) as err:
        m.add_device(dose_id, at=START)
    assert err.value.field == "dose"
    assert "No contraindication screen" in err.value.reason
    assert "No pre-dose blood pressure" in err.value.reason
    assert m.devices(dose_id) == []
    screen(services, dose_id)
    with pytest.raises(ValidationError, match="pre-dose blood pressure"):
        m.add_device(dose_id, at=START)
    m.add_reading(dose_id, "pre_dose", vitals(128, 82), at=START - timedelta(minutes=5))
    assert m.dose_gate(dose_id) == []
    m.add_device(dose_id, at=START)
    assert len(m.devices(dose_id)) == 1


def test_dosing_without_them_needs_a_named_clinician_and_a_reason_that_is_kept(
        services: object, dose_id: int) -> None:
    m = services.monitoring
    with pytest.raises(ValidationError, match="Clinician giving the reason"):
        m.add_device(dose_id, at=START, reason="Screened on paper at the GP")
    assert m.devices(dose_id) == []
    m.add_device(dose_id, at=START, reason="Screened on paper at the GP", by="Dr Kim Sample")
    (override,) = m.doses.overrides(dose_id)
    assert override.rule_id == "dose_needs_screen_and_predose_bp"
    assert (override.reason, override.given_by) == ("Screened on paper at the GP",
                                                    "Dr Kim Sample")
    assert "No contraindication screen" in override.message
    entry = audit.entries(m.vault, record_type="session")[-1]
    assert entry.event == "rule.override" and "paper" not in entry.detail


# -- the session PDF -------------------------------------------------------------------------------
def test_the_session_pdf_shows_corrections_confirmed_extremes_and_discharge_blockers(
        services: object, dose_id: int, clock: object, tmp_path: Path) -> None:
    import io

    from pypdf import PdfReader

    from kapnotes.services import exports

    m = services.monitoring
    m.add_device(dose_id, at=START, reason="Screened on the paper chart", by="Dr Kim Sample")
    typo = m.add_reading(dose_id, "forty_minutes", vitals(218, 88),
                         at=START + timedelta(minutes=40))
    m.correct_reading(dose_id, typo.id, vitals(128, 88), reason="typed 218 for 128")
    m.add_reading(dose_id, "extra", {"spo2": 45}, at=START + timedelta(minutes=50),
                  confirm_unusual=True)
    m.update_record(dose_id, {"ended_at": START + timedelta(minutes=60)},
                    reason="Left early with an escort", by="Dr Kim Sample")
    clock.now = START + timedelta(minutes=70)
    job = exports.build_session_report(services, dose_id,
                                       exports.options_for(services, deidentified=False))
    path = exports.export_pdf(services, job, tmp_path / "note.pdf")
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(
        io.BytesIO(path.read_bytes())).pages).split())
    assert "Corrects an earlier entry (original kept in the record)." in text
    assert "Unusual value confirmed by the clinician." in text
    assert "Written reason: Screened on the paper chart" in text
    assert "Unresolved alert: SpO2 45%" in text  # overridden at discharge, shown with why
    assert "Written reason: Left early with an escort" in text
    assert "218/88" not in text  # the struck original is not counted as a reading
