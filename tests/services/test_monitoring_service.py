"""Dosing monitoring through the services over a real vault: storage round trips, range
refusals, threshold findings, the clock's prompts, signing rules, screening acknowledgement,
course views and practice settings. All data is fictional."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from helpers import dosing
from helpers.course_alerts import alerts_note_by_note

from kapnotes.domain.dosing_record import Medication, Route
from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.domain.monitoring import (
    PROMPT_END_BP,
    PROMPT_FORTY_MINUTE_DUE,
    PROMPT_FORTY_MINUTE_LATE,
    PROMPT_TWO_HOURS,
    AdverseEffect,
    Intensity,
)
from kapnotes.domain.screening import Answer, Screen, ScreenAnswer, ScreenItem, WarningKind
from kapnotes.domain.vitals import ReadingRole, VitalsThresholds
from kapnotes.services.clock import aware
from kapnotes.storage import audit, settings

START = datetime(2026, 11, 20, 9, 0)
REQUIRED_NOTE = {"arrival_state": "Settled, slept well", "observations": "Calm throughout",
                 "post_session_state": "Oriented, steady"}


@pytest.fixture
def client_id(services: object) -> int:
    return services.clients.create(Client(code="KAP-401", full_name="Robin Example")).id


@pytest.fixture
def course_id(services: object, client_id: int) -> int:
    return services.courses.create(Course(client_id=client_id, protocol="kap_sublingual_im",
                                          start_date=date(2026, 11, 2))).id


@pytest.fixture
def dose_id(services: object, course_id: int) -> int:
    return services.notes.create_session(course_id=course_id, kind=SessionKind.DOSING,
                                         starts_at=START).id


def bp(sys_: int, dia: int, hr: int = 72, spo2: int = 98) -> dict[str, int]:
    return {"systolic": sys_, "diastolic": dia, "heart_rate": hr, "spo2": spo2}


def ready_to_dose(services: object, dose_id: int, at: datetime = START) -> None:
    """A screen on record and a pre-dose blood pressure 10 minutes before `at`."""
    dosing.ready_to_dose(services, dose_id, at, by="Dr Kim")


# -- record round trips ------------------------------------------------------------------------
def test_the_record_round_trips(services: object, dose_id: int) -> None:
    m = services.monitoring
    assert m.details(dose_id).medication is None  # nothing stored yet, nothing invented
    m.update_record(dose_id, {"medication": "ketamine", "route": "iv", "dose_mg": "35",
                              "weight_kg": 70, "lot_number": " LOT-77A ",
                              "monitoring_clinician": "Dr Kim Sample", "setting": "Room 2",
                              "fasting_food": True, "fasting_liquids": False,
                              "screen_reviewed": True, "predose_vitals_ok": True,
                              "respiratory_depression": False, "interventions": "Water\nBlanket",
                              "ended_at": START + timedelta(minutes=130, seconds=20),
                              "ready_to_leave_minutes": "95", "discharge_vitals_ok": True,
                              "escort": "Partner", "no_driving_advised": True},
                    # nothing monitored: discharging needs a named clinician's reason
                    reason="Record written up from the paper chart", by="Dr Kim Sample")
    d = m.details(dose_id)
    assert (d.medication, d.route, d.dose_mg, d.weight_kg) == (Medication.KETAMINE, Route.IV,
                                                               35.0, 70.0)
    assert (d.lot_number, d.setting, d.interventions) == ("LOT-77A", "Room 2", "Water\nBlanket")
    assert (d.fasting_food, d.fasting_liquids, d.screen_reviewed) == (True, False, True)
    assert d.ended_at == aware(START + timedelta(minutes=130))
    assert (d.ready_to_leave_minutes, d.escort, d.no_driving_advised) == (95, "Partner", True)
    assert d.predose_vitals_ok is True and d.respiratory_depression is False
    assert m.mg_per_kg(dose_id) == pytest.approx(0.5)
    m.update_record(dose_id, {"fasting_liquids": None})
    assert m.details(dose_id).fasting_liquids is None and m.details(dose_id).dose_mg == 35.0


@pytest.mark.parametrize(("changes", "field"), [
    ({"dose_mg": 0}, "dose_mg"),
    ({"dose_mg": 1000.5}, "dose_mg"),
    ({"dose_mg": "lots"}, "dose_mg"),
    ({"weight_kg": 19.9}, "weight_kg"),
    ({"weight_kg": 301}, "weight_kg"),
    ({"medication": "esketamine", "dose_mg": 50}, "dose_mg"),
    ({"route": "oral-ish"}, "route"),
    ({"ready_to_leave_minutes": 1441}, "ready_to_leave_minutes"),
    ({"fasting_food": "yes"}, "fasting_food"),
    ({"colour": "blue"}, "colour"),
])
def test_bad_record_values_are_refused_by_name_and_nothing_changes(
    services: object, dose_id: int, changes: dict, field: str
) -> None:
    services.monitoring.update_record(dose_id, {"lot_number": "KEEP"})
    with pytest.raises(ValidationError) as err:
        services.monitoring.update_record(dose_id, {"lot_number": "CHANGED", **changes})
    assert err.value.field == field
    assert services.monitoring.details(dose_id).lot_number == "KEEP"


def test_only_dosing_sessions_have_a_record(services: object, course_id: int) -> None:
    prep = services.notes.create_session(course_id=course_id, kind=SessionKind.PREPARATION,
                                         starts_at=START)
    with pytest.raises(ValidationError, match="dosing"):
        services.monitoring.add_reading(prep.id, ReadingRole.EXTRA, {"heart_rate": 70})


@pytest.mark.parametrize(("dose", "weight", "mg_per_kg", "usual"), [
    (35, 70, 0.5, 35.0), (40, 80, 0.5, 40.0), (30, 60.5, 0.4959, 30.25), (20, 20, 1.0, 10.0),
    (150, 300, 0.5, 150.0),
])
def test_mg_per_kg_arithmetic(services: object, dose_id: int, dose: float, weight: float,
                              mg_per_kg: float, usual: float) -> None:
    services.monitoring.update_record(dose_id, {"medication": "ketamine", "route": "im",
                                                "dose_mg": dose, "weight_kg": weight})
    assert services.monitoring.mg_per_kg(dose_id) == pytest.approx(mg_per_kg, abs=1e-4)
    hint = services.monitoring.doses.hint(services.monitoring.details(dose_id))
    assert hint == f"Usual IM ketamine starting dose: 0.5 mg/kg = {usual:g} mg for {weight:g} kg"


def test_devices_set_the_clock_and_warn_about_gaps_and_count(services: object,
                                                             dose_id: int) -> None:
    m = services.monitoring
    m.update_record(dose_id, {"medication": "esketamine", "route": "intranasal", "dose_mg": 56})
    assert m.first_device_at(dose_id) is None
    ready_to_dose(services, dose_id)
    assert m.add_device(dose_id, at=START) == ("1 of 2 device times recorded.",)
    warnings = m.add_device(dose_id, at=START + timedelta(minutes=3))
    assert warnings and "3 min after device 1" in warnings[0]
    with pytest.raises(ValidationError) as err:
        m.add_device(dose_id, at=START + timedelta(minutes=10))
    assert err.value.field == "device_times"
    assert [d.given_at for d in m.devices(dose_id)] == [aware(START),
                                                        aware(START + timedelta(minutes=3))]
    assert m.first_device_at(dose_id) == aware(START)


# -- vitals: ranges and thresholds -------------------------------------------------------------
@pytest.mark.parametrize(("values", "field"), [
    ({"systolic": 49, "diastolic": 40}, "systolic"),
    ({"systolic": 261, "diastolic": 100}, "systolic"),
    ({"systolic": 120, "diastolic": 29}, "diastolic"),
    ({"systolic": 200, "diastolic": 161}, "diastolic"),
    ({"heart_rate": 29}, "heart_rate"),
    ({"heart_rate": 221}, "heart_rate"),
    ({"spo2": 49}, "spo2"),
    ({"spo2": 101}, "spo2"),
    ({"spo2": "9x"}, "spo2"),
    ({"heart_rate": 72.5}, "heart_rate"),
    ({"systolic": 120}, "diastolic"),
    ({"systolic": 80, "diastolic": 80}, "diastolic"),
    ({}, "vitals"),
    ({"temperature": 37}, "temperature"),
])
def test_implausible_values_are_refused_naming_the_field_and_nothing_is_stored(
    services: object, dose_id: int, values: dict, field: str
) -> None:
    with pytest.raises(ValidationError) as err:
        services.monitoring.add_reading(dose_id, ReadingRole.EXTRA, values)
    assert err.value.field == field
    assert services.monitoring.readings(dose_id) == []


@pytest.mark.parametrize("values", [
    {"systolic": 50, "diastolic": 30}, {"systolic": 260, "diastolic": 159},
    {"heart_rate": 30}, {"heart_rate": 220}, {"spo2": 50}, {"spo2": 100}, {"spo2": " 95 "},
])
def test_range_edges_are_accepted(services: object, dose_id: int, values: dict) -> None:
    stored = services.monitoring.add_reading(dose_id, ReadingRole.EXTRA, values)
    assert [r.id for r in services.monitoring.readings(dose_id)] == [stored.id]


@pytest.mark.parametrize(("role", "values", "codes"), [
    (ReadingRole.PRE_DOSE, bp(140, 90), []),
    (ReadingRole.PRE_DOSE, bp(141, 90), ["bp_consider_delay"]),
    (ReadingRole.PRE_DOSE, bp(140, 91), ["bp_consider_delay"]),
    (ReadingRole.FORTY_MINUTES, bp(170, 100), []),
    (ReadingRole.FORTY_MINUTES, bp(179, 109), []),
    (ReadingRole.FORTY_MINUTES, bp(180, 110), ["bp_alert"]),
    (ReadingRole.FORTY_MINUTES, bp(181, 100), ["bp_alert"]),
    (ReadingRole.END_OF_SESSION, bp(150, 111), ["bp_alert"]),
    (ReadingRole.PRE_DOSE, bp(185, 115), ["bp_alert", "bp_consider_delay"]),
    (ReadingRole.EXTRA, bp(120, 80, spo2=92), []),
    (ReadingRole.EXTRA, bp(120, 80, spo2=91), ["spo2_low"]),
    (ReadingRole.EXTRA, {"spo2": 85}, ["spo2_low"]),
    (ReadingRole.EXTRA, {"heart_rate": 200}, ["heart_rate_alert_high"]),
    (ReadingRole.EXTRA, {"heart_rate": 44}, ["heart_rate_alert_low"]),
    (ReadingRole.EXTRA, {"heart_rate": 150}, ["heart_rate_alert_high"]),
    (ReadingRole.EXTRA, {"heart_rate": 119}, []),
    (ReadingRole.PRE_DOSE, bp(128, 82, hr=104), ["heart_rate_consider_delay"]),
])
def test_threshold_findings(services: object, dose_id: int, role: ReadingRole, values: dict,
                            codes: list[str]) -> None:
    ready_to_dose(services, dose_id, at=START - timedelta(minutes=30))
    services.monitoring.add_device(dose_id, at=START)
    minute = {ReadingRole.PRE_DOSE: -5, ReadingRole.FORTY_MINUTES: 40,
              ReadingRole.END_OF_SESSION: 120, ReadingRole.EXTRA: 10}[role]
    stored = services.monitoring.add_reading(dose_id, role, values,
                                             at=START + timedelta(minutes=minute))
    assert [f.code for f in stored.findings] == codes
    again = next(r for r in services.monitoring.readings(dose_id) if r.id == stored.id)
    assert [f.code for f in again.findings] == codes


def test_the_banner_lists_alerts_first_with_time_and_role(services: object,
                                                          dose_id: int) -> None:
    m = services.monitoring
    dosing.screen_client(services, dose_id, START.date(), by="Dr Kim")
    m.add_reading(dose_id, "pre_dose", bp(150, 95), at=START)
    m.add_device(dose_id, at=START + timedelta(minutes=5))
    m.add_reading(dose_id, "forty_minutes", bp(185, 115), at=START + timedelta(minutes=45))
    banner = m.banner(dose_id)
    assert banner[0].startswith("ALERT (09:45, ~40 minutes after dose): Blood pressure 185/115")
    assert banner[1].startswith("Caution (09:00, Pre-dose): Pre-dose blood pressure 150/95")


def test_practice_thresholds_change_the_findings(services: object, dose_id: int) -> None:
    m = services.monitoring
    m.add_reading(dose_id, "extra", bp(170, 100, hr=105, spo2=93))
    assert m.readings(dose_id)[0].findings == ()
    m.settings.set_thresholds(VitalsThresholds(alert_systolic_above=160, alert_spo2_below=94,
                                               caution_heart_rate_above=100))
    assert [f.code for f in m.readings(dose_id)[0].findings] == [
        "bp_alert", "spo2_low", "heart_rate_high"]
    assert m.thresholds().alert_systolic_above == 160
    # A damaged setting falls back to the defaults rather than silencing alerts.
    settings.set_json(m.vault, "monitoring.thresholds", {"delay_systolic_above": 999})
    assert m.thresholds() == VitalsThresholds()


def test_screen_age_limit_is_a_practice_setting(services: object, client_id: int,
                                                dose_id: int, clock: object) -> None:
    m = services.monitoring
    assert m.settings.screen_max_age_days() == 90
    m.save_screen(client_id, dosing.clean_screen(clock.now.date() - timedelta(days=60)),
                  screened_by="Dr Kim Sample")
    assert m.screening_warnings_for(dose_id) == ()
    m.settings.set_screen_max_age_days(30)
    kinds = [w.kind for w in m.screening_warnings_for(dose_id)]
    assert kinds == [WarningKind.OUT_OF_DATE]
    with pytest.raises(ValidationError):
        m.settings.set_screen_max_age_days(-1)


# -- clock and prompts -------------------------------------------------------------------------
def test_prompts_follow_the_clock(services: object, dose_id: int, clock: object) -> None:
    m = services.monitoring
    assert m.prompts(dose_id) == ()
    assert m.suggested_role(dose_id) is ReadingRole.PRE_DOSE
    dosing.screen_client(services, dose_id, START.date(), by="Dr Kim")
    m.add_reading(dose_id, "pre_dose", bp(128, 82))
    m.add_device(dose_id)
    clock.advance(minutes=34)
    assert m.prompts(dose_id) == ()
    assert m.suggested_role(dose_id) is ReadingRole.EXTRA
    clock.advance(minutes=3)
    assert m.prompts(dose_id) == (PROMPT_FORTY_MINUTE_DUE,)
    assert m.clock_status(dose_id).text == (
        "Minute 37 since first device — 40-minute BP due in 3 min")
    assert m.suggested_role(dose_id) is ReadingRole.FORTY_MINUTES
    clock.advance(minutes=14)
    assert m.prompts(dose_id) == (PROMPT_FORTY_MINUTE_LATE,)
    assert "overdue" in m.clock_status(dose_id).text
    m.add_reading(dose_id, m.suggested_role(dose_id), bp(135, 85))
    assert m.prompts(dose_id) == ()
    assert m.clock_status(dose_id).text.endswith("2-hour minimum in 69 min")
    clock.advance(minutes=68, seconds=59)
    assert m.prompts(dose_id) == ()
    clock.advance(seconds=1)
    assert m.prompts(dose_id) == (PROMPT_TWO_HOURS, PROMPT_END_BP)
    assert m.suggested_role(dose_id) is ReadingRole.END_OF_SESSION
    m.add_reading(dose_id, "end_of_session", bp(124, 80))
    assert m.prompts(dose_id) == (PROMPT_TWO_HOURS,)
    assert m.clock_status(dose_id).text == "Minute 120 since first device — 2-hour minimum reached"


# -- signing -----------------------------------------------------------------------------------
def full_monitoring(services: object, dose_id: int, clock: object) -> None:
    m = services.monitoring
    dosing.screen_client(services, dose_id, START.date(), by="Dr Kim")
    m.add_reading(dose_id, "pre_dose", bp(128, 82))
    m.add_device(dose_id)
    clock.advance(minutes=40)
    m.add_reading(dose_id, "forty_minutes", bp(138, 88))
    clock.advance(minutes=85)
    m.add_reading(dose_id, "end_of_session", bp(124, 80))
    m.add_observation(dose_id, moaas=5)
    m.update_record(dose_id, {"ended_at": clock.now})
    services.notes.save_fields(dose_id, REQUIRED_NOTE)


def test_a_complete_record_signs_without_a_reason(services: object, dose_id: int,
                                                  clock: object) -> None:
    full_monitoring(services, dose_id, clock)
    assert services.notes.sign_blockers(dose_id) == []
    signed = services.notes.sign(dose_id, signer="Dr Kim Sample")
    assert signed.signed and signed.sign_reason == ""


def test_signing_early_or_without_bp_needs_a_reason_that_is_kept(
    services: object, dose_id: int, clock: object
) -> None:
    m = services.monitoring
    services.notes.save_fields(dose_id, REQUIRED_NOTE)
    assert services.notes.sign_blockers(dose_id)[0].startswith("Time of the first device")
    dosing.screen_client(services, dose_id, START.date(), by="Dr Kim")
    m.add_reading(dose_id, "pre_dose", bp(128, 82))
    m.add_device(dose_id)
    clock.advance(minutes=90)
    blockers = services.notes.sign_blockers(dose_id)
    assert blockers == ["Monitoring lasted 90 minutes, less than the 2-hour minimum.",
                        "~40-minute blood pressure is not recorded.",
                        "End-of-session blood pressure is not recorded.",
                        "Sedation is not assessed: no MOAA/S observation."]
    with pytest.raises(ValidationError, match="2-hour minimum"):
        services.notes.sign(dose_id, signer="Dr Kim Sample", reason="   ")
    assert not services.notes.session(dose_id).signed
    reason = "Client left against advice at 90 minutes with escort; BP cuff failed at 40 min."
    signed = services.notes.sign(dose_id, signer="Dr Kim Sample", reason=reason)
    assert signed.sign_reason == reason


def test_other_session_kinds_are_not_held_to_the_dosing_rules(services: object,
                                                              course_id: int) -> None:
    prep = services.notes.create_session(course_id=course_id, kind=SessionKind.PREPARATION,
                                         starts_at=START)
    assert services.notes.sign_blockers(prep.id) == []


def test_a_signed_record_is_locked_in_the_service_and_the_vault(
    services: object, dose_id: int, clock: object
) -> None:
    full_monitoring(services, dose_id, clock)
    services.notes.sign(dose_id, signer="Dr Kim Sample")
    m = services.monitoring
    with pytest.raises(ConflictError):
        m.add_reading(dose_id, "extra", {"heart_rate": 70})
    with pytest.raises(ConflictError):
        m.update_record(dose_id, {"escort": "changed"})
    with pytest.raises(ConflictError):
        m.set_adverse_effect(dose_id, "nausea", "mild")
    for sql in ("UPDATE vitals_readings SET heart_rate = 99",
                "DELETE FROM vitals_readings",
                "UPDATE monitoring_records SET escort = 'x'",
                "DELETE FROM device_times"):
        with pytest.raises(ConflictError, match="signed note is locked"):
            m.vault.execute(sql)
    assert len(m.readings(dose_id)) == 3


def test_deleting_a_client_removes_even_signed_monitoring(
    services: object, client_id: int, dose_id: int, clock: object
) -> None:
    full_monitoring(services, dose_id, clock)
    services.monitoring.add_observation(dose_id, moaas=4)
    services.notes.sign(dose_id, signer="Dr Kim Sample")
    services.clients.delete(client_id, typed_code="KAP-401")
    for table in ("vitals_readings", "device_times", "monitoring_records",
                  "sedation_observations", "screens"):
        assert services.monitoring.vault.query_one(f"SELECT count(*) FROM {table}")[0] == 0


# -- observations and adverse effects ----------------------------------------------------------
def test_observations_and_adverse_effects_round_trip(services: object, dose_id: int,
                                                     clock: object) -> None:
    m = services.monitoring
    m.add_observation(dose_id, moaas=3, dissociation="moderate", cadss_total=31,
                      note="Eyes closed, responds to voice")
    clock.advance(minutes=30)
    m.add_observation(dose_id, moaas=5)
    obs = [o.observation for o in m.observations(dose_id)]
    assert [(o.moaas, o.dissociation, o.cadss_total) for o in obs] == [
        (3, Intensity.MODERATE, 31), (5, Intensity.NONE, None)]
    assert obs[1].observed_at - obs[0].observed_at == timedelta(minutes=30)
    with pytest.raises(ValidationError) as err:
        m.add_observation(dose_id, moaas=6)
    assert err.value.field == "moaas"

    m.set_adverse_effect(dose_id, AdverseEffect.NAUSEA, "mild")
    m.set_adverse_effect(dose_id, "nausea", Intensity.MODERATE, note="Settled with ginger")
    m.set_adverse_effect(dose_id, "dizziness", "severe", serious=True)
    with pytest.raises(ValidationError) as err:
        m.set_adverse_effect(dose_id, "other", "mild")
    assert err.value.field == "note"
    effects = [e.entry for e in m.adverse_effects(dose_id)]
    assert [(e.effect, e.severity, e.note, e.serious) for e in effects] == [
        (AdverseEffect.NAUSEA, Intensity.MODERATE, "Settled with ginger", False),
        (AdverseEffect.DIZZINESS, Intensity.SEVERE, "", True)]
    m.set_adverse_effect(dose_id, "dizziness", None)
    assert [e.entry.effect for e in m.adverse_effects(dose_id)] == [AdverseEffect.NAUSEA]


# -- screening ---------------------------------------------------------------------------------
def test_screen_round_trip_and_history(services: object, client_id: int, clock: object) -> None:
    m = services.monitoring
    first = m.save_screen(client_id, Screen(date(2026, 9, 1), (
        ScreenAnswer(ScreenItem.PREGNANCY, Answer.NO),
        ScreenAnswer(ScreenItem.BIPOLAR_DISORDER, Answer.YES, " Bipolar II, stable on lithium "),
    ), medicines=("Diazepam 5 mg nocte", " ")), screened_by="Dr Kim Sample")
    second = m.save_screen(client_id, dosing.clean_screen(date(2026, 11, 1)), screened_by="Dr Lee")
    assert m.screening.latest(client_id) == second
    assert [s.id for s in m.screening.history(client_id)] == [second.id, first.id]
    old = m.screening.history(client_id)[1]
    bipolar = old.screen.answer_for(ScreenItem.BIPOLAR_DISORDER)
    assert bipolar.note == "Bipolar II, stable on lithium"
    assert old.screen.medicines == ("Diazepam 5 mg nocte",)
    assert old.screened_by == "Dr Kim Sample"


def test_warnings_must_be_acknowledged_and_the_acknowledgement_is_recorded(
    services: object, client_id: int, dose_id: int, clock: object
) -> None:
    m = services.monitoring
    assert [w.kind for w in m.screening_warnings_for(dose_id)] == [WarningKind.NO_SCREEN]
    answers = [ScreenAnswer(i, Answer.NO) for i in ScreenItem if i is not ScreenItem.PREGNANCY]
    answers.append(ScreenAnswer(ScreenItem.PREGNANCY, Answer.UNKNOWN, "test pending"))
    m.save_screen(client_id, Screen(clock.now.date() - timedelta(days=91), tuple(answers),
                                    medicines=("oxycodone 5 mg prn",)), screened_by="Dr Lee")
    warnings = [w.message for w in m.screening_warnings_for(dose_id)]
    assert len(warnings) == 3 and "91 days old" in warnings[0]
    assert m.needs_acknowledgement(dose_id)
    ack = m.acknowledge(dose_id, by="Dr Kim Sample")
    assert ack.warnings == tuple(warnings) and ack.acknowledged_at == clock.now
    assert not m.needs_acknowledgement(dose_id)
    assert m.screening.acknowledgements(dose_id) == [ack]
    entry = audit.entries(m.vault, record_type="session")[-1]
    assert (entry.event, entry.detail) == ("screening.acknowledge", "3 warnings")
    assert "oxycodone" not in entry.detail and "pending" not in entry.detail
    # A new warning (screen changed) needs acknowledging again.
    answers[-1] = ScreenAnswer(ScreenItem.PREGNANCY, Answer.YES)
    m.save_screen(client_id, Screen(clock.now.date(), tuple(answers)), screened_by="Dr Lee")
    assert m.needs_acknowledgement(dose_id)
    with pytest.raises(ValidationError):
        m.acknowledge(dose_id, by=" ")


# -- course views ------------------------------------------------------------------------------
def test_course_alerts_and_vitals_series(services: object, course_id: int,
                                        clock: object) -> None:
    m = services.monitoring
    calm, eventful, prep = (
        services.notes.create_session(course_id=course_id, kind=kind,
                                      starts_at=START + timedelta(days=n))
        for n, kind in enumerate((SessionKind.DOSING, SessionKind.DOSING,
                                  SessionKind.PREPARATION)))
    dosing.screen_client(services, calm.id, START.date(), by="Dr Kim")
    for sid, bps in ((calm.id, (bp(150, 95), bp(130, 85))),
                     (eventful.id, (bp(130, 85), bp(185, 115, spo2=90)))):
        first = START + timedelta(days=1 if sid == eventful.id else 0)
        m.add_reading(sid, "pre_dose", bps[0], at=first - timedelta(minutes=10))
        m.add_device(sid, at=first)
        m.add_reading(sid, "forty_minutes", bps[1], at=first + timedelta(minutes=41))
    m.set_adverse_effect(eventful.id, "vomiting", "moderate")
    m.update_record(eventful.id, {"respiratory_depression": True})
    alerts = m.course_monitoring(course_id).alerts
    assert alerts == alerts_note_by_note(services, course_id)
    assert m.course_alerts(course_id) == alerts  # the page's narrow read
    assert list(alerts) == [eventful.id]  # a pre-dose caution alone does not mark a session
    assert alerts[eventful.id] == ["Blood pressure 185/115 is at or above 180/110.",
                                   "SpO2 90% is below 92%.", "Respiratory depression.",
                                   "Adverse effect: Vomiting (moderate)."]
    series = m.course_monitoring(course_id).series()
    assert [s.session_id for s in series] == [calm.id, eventful.id]
    assert [(p.minute, p.systolic, p.spo2) for p in series[1].points] == [
        (-10.0, 130, 98), (41.0, 185, 90)]
    assert prep.id not in alerts


def test_the_pages_alerts_read_keeps_every_reading_at_an_alert_limit(
        services: object, course_id: int) -> None:
    """`course_alerts` reads only the readings that could alert (`alert_screens`): readings at
    each limit, one short of it, before and after the dose, under the default thresholds and
    tightened ones, give the alerts each note's own findings give."""
    m = services.monitoring
    values = [bp(180, 80), bp(179, 109), bp(150, 110), bp(120, 80, hr=120), bp(120, 80, hr=119),
              bp(120, 80, hr=49), bp(120, 80, hr=50), bp(120, 80, spo2=91),
              bp(120, 80, spo2=92), {"heart_rate": 130}, {"spo2": 88}, bp(165, 95, spo2=94),
              bp(120, 80)]
    for n, reading in enumerate(values):
        sid = services.notes.create_session(course_id=course_id, kind=SessionKind.DOSING,
                                            starts_at=START + timedelta(days=n)).id
        first = START + timedelta(days=n, minutes=15)
        m.add_reading(sid, "pre_dose", reading, at=first - timedelta(minutes=10))
        m.add_device(sid, at=first, reason="No screen on record: checked by hand.",
                     by="Dr Kim")
        m.add_reading(sid, "extra", reading, at=first + timedelta(minutes=20))
    for thresholds in (VitalsThresholds(), VitalsThresholds(
            alert_systolic_above=160, alert_diastolic_above=95, alert_spo2_below=95,
            alert_heart_rate_above=110, alert_heart_rate_below=55)):
        m.settings.set_thresholds(thresholds)
        expected = alerts_note_by_note(services, course_id)
        assert m.course_alerts(course_id) == expected == m.course_monitoring(course_id).alerts
        assert 0 < len(expected) < len(values)  # some alert, some do not
