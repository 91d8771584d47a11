"""Dosing-session monitoring: vitals ranges and thresholds, dose arithmetic, the monitoring clock,
signing blockers, and the contraindication screen."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapnotes.domain.discharge import discharge_problems
from kapnotes.domain.dose_rules import device_gap_findings, dose_hint
from kapnotes.domain.dosing import (
    check_dose_mg,
    dose_mg_per_kg,
    esketamine_device_count,
)
from kapnotes.domain.dosing_record import Medication, Route
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.monitoring import (
    PROMPT_END_BP,
    PROMPT_FORTY_MINUTE_DUE,
    PROMPT_FORTY_MINUTE_LATE,
    PROMPT_TWO_HOURS,
    AdverseEffect,
    AdverseEffectEntry,
    Intensity,
    MonitoringClock,
    MonitoringRecord,
    ReadingDue,
    SedationObservation,
    moaas_label,
    signing_blockers,
)
from kapnotes.domain.screening import (
    Answer,
    MedicineClass,
    Screen,
    ScreenAnswer,
    ScreenItem,
    WarningKind,
    medicine_classes,
    screening_warnings,
)
from kapnotes.domain.vitals import (
    VITALS_LIMITS,
    ReadingRole,
    Severity,
    UnusualValueError,
    VitalsReading,
    VitalsThresholds,
    assess,
)
from kapnotes.rules import builtin_rules

T0 = datetime(2026, 3, 2, 9, 0)  # first device


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def bp(role: ReadingRole, sys_: int = 120, dia: int = 80, minute: float = 0) -> VitalsReading:
    return VitalsReading(role=role, taken_at=at(minute), systolic=sys_, diastolic=dia)


# --- vitals ranges ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [
        ("systolic", 49, False), ("systolic", 50, True), ("systolic", 260, True),
        ("systolic", 261, False),
        ("diastolic", 29, False), ("diastolic", 30, True), ("diastolic", 160, True),
        ("diastolic", 161, False),
        ("heart_rate", 29, False), ("heart_rate", 30, True), ("heart_rate", 220, True),
        ("heart_rate", 221, False),
        ("spo2", 49, False), ("spo2", 50, True), ("spo2", 100, True), ("spo2", 101, False),
    ],
)
def test_vitals_range_edges(field: str, value: int, ok: bool) -> None:
    # Pair BP with a partner that keeps diastolic < systolic whatever the edge tested.
    values: dict[str, int] = {field: value}
    if field == "systolic":
        values["diastolic"] = 30
    elif field == "diastolic":
        values["systolic"] = 260
    if ok:
        reading = VitalsReading(role=ReadingRole.EXTRA, **values)
        assert getattr(reading, field) == value
    else:
        # Outside the usual range: refused until confirmed (a true extreme is recordable);
        # beyond the possible range (SpO2 101) refused outright.
        possible = VITALS_LIMITS[field][0] <= value <= VITALS_LIMITS[field][1]
        with pytest.raises(UnusualValueError if possible else ValidationError) as err:
            VitalsReading(role=ReadingRole.EXTRA, **values)
        assert err.value.field == field
        assert ("usual" if possible else "not possible") in err.value.reason
        assert str(value) in err.value.reason
        if possible:
            confirmed = VitalsReading(role=ReadingRole.EXTRA, confirmed_unusual=True, **values)
            assert confirmed.unusual_fields == (field,)


def test_range_message_names_range() -> None:
    with pytest.raises(ValidationError) as err:
        VitalsReading(role=ReadingRole.EXTRA, spo2=101, confirmed_unusual=True)
    assert str(err.value) == "spo2: SpO2 of 101 % is not possible (a reading is 0–100 %): check it"


@pytest.mark.parametrize(("field", "value"), [("systolic", 351), ("heart_rate", 9),
                                              ("diastolic", 251), ("heart_rate", 351)])
def test_impossible_values_are_refused_even_when_confirmed(field: str, value: int) -> None:
    values = {field: value, **({"diastolic": 100} if field == "systolic" else {}),
              **({"systolic": 300} if field == "diastolic" else {})}
    with pytest.raises(ValidationError, match="not possible") as err:
        VitalsReading(role=ReadingRole.EXTRA, confirmed_unusual=True, **values)
    assert err.value.field == field


@pytest.mark.parametrize(("sys_", "dia", "ok"), [(120, 119, True), (120, 120, False),
                                                 (100, 110, False)])
def test_diastolic_below_systolic(sys_: int, dia: int, ok: bool) -> None:
    if ok:
        VitalsReading(role=ReadingRole.PRE_DOSE, systolic=sys_, diastolic=dia)
    else:
        with pytest.raises(ValidationError) as err:
            VitalsReading(role=ReadingRole.PRE_DOSE, systolic=sys_, diastolic=dia)
        assert err.value.field == "diastolic"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({}, "vitals"),
        ({"systolic": 120}, "diastolic"),
        ({"diastolic": 80}, "systolic"),
        ({"heart_rate": 72.5}, "heart_rate"),
        ({"spo2": True}, "spo2"),
    ],
)
def test_reading_refused(values: dict, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        VitalsReading(role=ReadingRole.EXTRA, **values)
    assert err.value.field == field


def test_single_values_allowed() -> None:
    assert VitalsReading(role=ReadingRole.EXTRA, spo2=97).has_blood_pressure is False
    assert VitalsReading(role=ReadingRole.EXTRA, heart_rate=70).heart_rate == 70


def test_role_labels() -> None:
    assert ReadingRole.FORTY_MINUTES.label == "~40 minutes after dose"
    assert {r.label for r in ReadingRole} >= {"Pre-dose", "End of session", "Extra reading"}


# --- thresholds -------------------------------------------------------------------------------

def codes(reading: VitalsReading, before_dose: bool | None = None,
          thresholds: VitalsThresholds | None = None) -> list[str]:
    return [f.code for f in assess(reading, thresholds, before_dose)]


@pytest.mark.parametrize(
    ("sys_", "dia", "expected"),
    [
        (140, 90, []),
        (141, 90, ["bp_consider_delay"]),
        (140, 91, ["bp_consider_delay"]),
        (179, 109, ["bp_consider_delay"]),
        (180, 110, ["bp_alert", "bp_consider_delay"]),
        (181, 100, ["bp_alert", "bp_consider_delay"]),
        (170, 111, ["bp_alert", "bp_consider_delay"]),
    ],
)
def test_pre_dose_bp_edges(sys_: int, dia: int, expected: list[str]) -> None:
    assert codes(bp(ReadingRole.PRE_DOSE, sys_, dia)) == expected


@pytest.mark.parametrize(
    ("sys_", "dia", "expected"),
    [(150, 95, []), (179, 109, []), (180, 100, ["bp_alert"]), (170, 110, ["bp_alert"]),
     (180, 110, ["bp_alert"]), (181, 110, ["bp_alert"])],
)
def test_bp_after_dose_only_alert(sys_: int, dia: int, expected: list[str]) -> None:
    assert codes(bp(ReadingRole.FORTY_MINUTES, sys_, dia)) == expected
    assert codes(bp(ReadingRole.END_OF_SESSION, sys_, dia)) == expected


def test_before_dose_flag_overrides_role() -> None:
    assert codes(bp(ReadingRole.EXTRA, 150, 80), before_dose=True) == ["bp_consider_delay"]
    assert codes(bp(ReadingRole.PRE_DOSE, 150, 80), before_dose=False) == []


@pytest.mark.parametrize(("spo2", "alert"), [(91, True), (92, False), (100, False), (50, True)])
def test_spo2_edge(spo2: int, alert: bool) -> None:
    findings = assess(VitalsReading(role=ReadingRole.EXTRA, spo2=spo2))
    if alert:
        assert [(f.severity, f.message) for f in findings] == [
            (Severity.ALERT, f"SpO2 {spo2}% is below 92%.")
        ]
    else:
        assert findings == ()


def test_messages_and_severities() -> None:
    findings = assess(bp(ReadingRole.PRE_DOSE, 185, 95))
    assert [(f.severity, f.message) for f in findings] == [
        (Severity.ALERT, "Blood pressure 185/95 is at or above 180/110."),
        (Severity.CAUTION,
         "Pre-dose blood pressure 185/95 is above 140/90: consider delaying the dose."),
    ]


@pytest.mark.parametrize(("hr", "expected"), [
    (44, ["heart_rate_alert_low"]), (49, ["heart_rate_alert_low"]), (50, []), (119, []),
    (120, ["heart_rate_alert_high"]), (150, ["heart_rate_alert_high"])])
def test_heart_rate_alerts_by_default(hr: int, expected: list[str]) -> None:
    assert codes(VitalsReading(role=ReadingRole.EXTRA, heart_rate=hr)) == expected


@pytest.mark.parametrize(("hr", "expected"), [
    (100, []), (101, ["heart_rate_consider_delay"]), (50, []),
    (44, ["heart_rate_alert_low", "heart_rate_consider_delay"])])
def test_pre_dose_heart_rate_check(hr: int, expected: list[str]) -> None:
    assert codes(VitalsReading(role=ReadingRole.PRE_DOSE, heart_rate=hr)) == expected


@pytest.mark.parametrize(("hr", "expected"), [(52, ["heart_rate_low"]), (60, []),
                                              (106, ["heart_rate_high"])])
def test_practice_heart_rate_cautions_when_set(hr: int, expected: list[str]) -> None:
    reading = VitalsReading(role=ReadingRole.EXTRA, heart_rate=hr)
    assert codes(reading) == []  # within the alert limits: nothing by default
    limits = VitalsThresholds(caution_heart_rate_above=105, caution_heart_rate_below=55)
    assert codes(reading, thresholds=limits) == expected


def test_practice_thresholds() -> None:
    strict = VitalsThresholds(delay_systolic_above=130, delay_diastolic_above=85)
    assert codes(bp(ReadingRole.PRE_DOSE, 131, 80), thresholds=strict) == ["bp_consider_delay"]
    with pytest.raises(ValidationError):
        VitalsThresholds(delay_systolic_above=200)


# --- dose arithmetic --------------------------------------------------------------------------

@pytest.mark.parametrize(("dose", "weight", "per_kg"),
                         [(35, 70, 0.5), (50, 100, 0.5), (56, 80, 0.7), (20, 20, 1.0),
                          (1000, 300, 1000 / 300)])
def test_mg_per_kg(dose: float, weight: float, per_kg: float) -> None:
    assert dose_mg_per_kg(dose, weight) == pytest.approx(per_kg)


@pytest.mark.parametrize(("dose", "weight", "field"), [
    (35, 19.9, "weight_kg"), (35, 300.1, "weight_kg"), (0, 70, "dose_mg"),
    (-5, 70, "dose_mg"), (1000.5, 70, "dose_mg"), (35, float("nan"), "weight_kg"),
    ("35", 70, "dose_mg"),
])
def test_mg_per_kg_refused(dose: object, weight: object, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        dose_mg_per_kg(dose, weight)  # type: ignore[arg-type]
    assert err.value.field == field


def test_usual_iv_dose_comes_from_the_rules() -> None:
    rules = builtin_rules()
    assert dose_hint(rules, Medication.KETAMINE, Route.IV, 70).endswith("= 35 mg for 70 kg")
    assert dose_hint(rules, Medication.KETAMINE, Route.IV, 82.4).endswith(
        "= 41.2 mg for 82.4 kg")
    assert check_dose_mg(1000) == 1000


@given(weight=st.floats(20, 300), per_kg=st.floats(0.1, 3))
def test_mg_per_kg_round_trip(weight: float, per_kg: float) -> None:
    dose = weight * per_kg
    if 0 < dose <= 1000:
        assert dose_mg_per_kg(dose, weight) == pytest.approx(per_kg)


@pytest.mark.parametrize(("dose", "devices"), [(28, 1), (56, 2), (84, 3)])
def test_esketamine_devices(dose: int, devices: int) -> None:
    assert esketamine_device_count(dose) == devices


@pytest.mark.parametrize("dose", [0, 14, 42, 112, 56.0 + 0.5, True])
def test_esketamine_dose_must_be_28_56_84(dose: object) -> None:
    with pytest.raises(ValidationError) as err:
        esketamine_device_count(dose)  # type: ignore[arg-type]
    assert err.value.field == "dose_mg"


def device_time_warnings(dose: int, times: list[datetime]) -> tuple[str, ...]:
    return device_gap_findings(builtin_rules(), dose, times)


def test_device_times() -> None:
    assert device_time_warnings(84, [at(0), at(5), at(10)]) == ()
    assert device_time_warnings(56, [at(0), at(4.5)]) == (
        "Device 2 was given 4.5 min after device 1; at least 5 min is recommended.",
    )
    assert device_time_warnings(84, [at(0), at(6)]) == ("2 of 3 device times recorded.",)
    with pytest.raises(ValidationError) as err:
        device_time_warnings(28, [at(0), at(5)])
    assert err.value.field == "device_times"
    with pytest.raises(ValidationError):
        device_time_warnings(56, [at(5), at(0)])


# --- monitoring clock -------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("minute", "state", "prompts"),
    [
        (0, ReadingDue.NOT_YET, ()),
        (34.9, ReadingDue.NOT_YET, ()),
        (35, ReadingDue.DUE, (PROMPT_FORTY_MINUTE_DUE,)),
        (40, ReadingDue.DUE, (PROMPT_FORTY_MINUTE_DUE,)),
        (50, ReadingDue.DUE, (PROMPT_FORTY_MINUTE_DUE,)),
        (51, ReadingDue.LATE, (PROMPT_FORTY_MINUTE_LATE,)),
        (119.9, ReadingDue.LATE, (PROMPT_FORTY_MINUTE_LATE,)),
        (120, ReadingDue.LATE, (PROMPT_FORTY_MINUTE_LATE, PROMPT_TWO_HOURS, PROMPT_END_BP)),
    ],
)
def test_clock_without_forty_minute_reading(
    minute: float, state: ReadingDue, prompts: tuple[str, ...]
) -> None:
    clock = MonitoringClock(T0)
    readings = [bp(ReadingRole.PRE_DOSE, minute=-10)]
    assert clock.forty_minute_reading(at(minute), readings) is state
    assert clock.forty_minute_due(at(minute), readings) is (state in (ReadingDue.DUE,
                                                                      ReadingDue.LATE))
    assert clock.prompts(at(minute), readings) == prompts


def test_clock_after_readings_taken() -> None:
    clock = MonitoringClock(T0)
    readings = [bp(ReadingRole.PRE_DOSE, minute=-10), bp(ReadingRole.FORTY_MINUTES, minute=41)]
    assert clock.forty_minute_reading(at(45), readings) is ReadingDue.DONE
    assert clock.prompts(at(45), readings) == ()
    assert clock.prompts(at(125), readings) == (PROMPT_TWO_HOURS, PROMPT_END_BP)
    readings.append(bp(ReadingRole.END_OF_SESSION, minute=125))
    assert clock.prompts(at(130), readings) == (PROMPT_TWO_HOURS,)
    # A 40-minute SpO2 alone is not the 40-minute blood pressure.
    spo2_only = [VitalsReading(role=ReadingRole.FORTY_MINUTES, spo2=97)]
    assert clock.forty_minute_due(at(42), spo2_only)


def test_clock_minutes() -> None:
    clock = MonitoringClock(T0)
    assert clock.minutes_or_none(at(0)) == 0
    assert clock.minutes_or_none(at(39.99)) == 39
    assert clock.minutes_or_none(at(40)) == 40
    assert clock.minutes_or_none(at(-0.01)) is None  # unknown, not "-1" or "0"
    assert clock.two_hour_minimum_at == datetime(2026, 3, 2, 11, 0)
    assert not clock.two_hour_minimum_reached(at(119.99))
    assert clock.two_hour_minimum_reached(at(120))
    assert clock.minutes_to_two_hours(at(0)) == 120
    assert clock.minutes_to_two_hours(at(119.5)) == 1
    assert clock.minutes_to_two_hours(at(150)) == 0
    with pytest.raises(ValidationError) as err:
        clock.elapsed(at(-1))
    assert err.value.field == "now"


# --- observations -----------------------------------------------------------------------------

def test_moaas_labels() -> None:
    assert moaas_label(5).endswith("(alert)")
    assert moaas_label(0).endswith("(unresponsive)")
    for bad in (-1, 6, True):
        with pytest.raises(ValidationError) as err:
            moaas_label(bad)
        assert err.value.field == "moaas"


def test_sedation_and_adverse_effects() -> None:
    obs = SedationObservation(at(30), moaas=4, dissociation=Intensity.MODERATE, cadss_total=22)
    assert obs.moaas == 4
    with pytest.raises(ValidationError):
        SedationObservation(at(30), moaas=3, cadss_total=93)
    entry = AdverseEffectEntry(AdverseEffect.NAUSEA, Intensity.MILD)
    assert entry.effect.label == "Nausea"
    assert AdverseEffect.RAISED_BP.label == "Raised blood pressure"
    assert AdverseEffect.PERCEPTUAL_DISTURBANCE.label == "Perceptual disturbance"
    with pytest.raises(ValidationError) as err:
        AdverseEffectEntry(AdverseEffect.OTHER, Intensity.SEVERE)
    assert err.value.field == "note"
    with pytest.raises(ValidationError):
        AdverseEffectEntry(AdverseEffect.HEADACHE, Intensity.NONE)


# --- signing ----------------------------------------------------------------------------------

FULL = (
    bp(ReadingRole.PRE_DOSE, minute=-10),
    bp(ReadingRole.FORTY_MINUTES, minute=40),
    bp(ReadingRole.END_OF_SESSION, minute=125),
)


def blocker_codes(record: MonitoringRecord, now: datetime) -> list[str]:
    return [b.code for b in signing_blockers(record, now)]


def test_complete_record_has_no_blockers() -> None:
    record = MonitoringRecord(first_device_at=T0, ended_at=at(125), readings=FULL)
    assert signing_blockers(record, at(200)) == ()


@pytest.mark.parametrize(("end", "blocked"), [(119, True), (119.99, True), (120, False)])
def test_two_hour_edge(end: float, blocked: bool) -> None:
    record = MonitoringRecord(first_device_at=T0, ended_at=at(end), readings=FULL)
    assert blocker_codes(record, at(300)) == (["monitoring_under_2_hours"] if blocked else [])


def test_without_end_time_now_counts() -> None:
    record = MonitoringRecord(first_device_at=T0, readings=FULL)
    assert blocker_codes(record, at(90)) == ["monitoring_under_2_hours"]
    assert signing_blockers(record, at(90))[0].message == (
        "Monitoring lasted 90 minutes, less than the 2-hour minimum."
    )
    assert blocker_codes(record, at(121)) == []


@pytest.mark.parametrize(
    ("missing", "code"),
    [(0, "missing_pre_dose_bp"), (1, "missing_40_minute_bp"), (2, "missing_end_bp")],
)
def test_each_missing_bp_blocks(missing: int, code: str) -> None:
    readings = tuple(r for i, r in enumerate(FULL) if i != missing)
    record = MonitoringRecord(first_device_at=T0, ended_at=at(130), readings=readings)
    assert blocker_codes(record, at(130)) == [code]


def test_everything_missing() -> None:
    assert blocker_codes(MonitoringRecord(), at(0)) == [
        "no_first_device_time", "missing_pre_dose_bp", "missing_40_minute_bp", "missing_end_bp",
    ]


def test_record_validation() -> None:
    with pytest.raises(ValidationError) as err:
        MonitoringRecord(first_device_at=T0, ended_at=at(-5))
    assert err.value.field == "ended_at"
    with pytest.raises(ValidationError):
        MonitoringRecord(ready_to_leave_minutes=-1)


# --- screening --------------------------------------------------------------------------------

TODAY = date(2026, 6, 1)
ALL_NO = tuple(ScreenAnswer(item, Answer.NO) for item in ScreenItem)


def test_screen_labels_cover_domain_list() -> None:
    assert [i.label for i in ScreenItem] == [
        "Uncontrolled hypertension",
        "History of psychosis",
        "Bipolar affective disorder",
        "Active substance use disorder (especially dissociatives)",
        "Aneurysmal vascular disease",
        "Recent myocardial infarction",
        "History of intracerebral haemorrhage",
        "Pregnancy",
    ]


def test_no_screen() -> None:
    warnings = screening_warnings(None, TODAY)
    assert [w.kind for w in warnings] == [WarningKind.NO_SCREEN]


@pytest.mark.parametrize(("age", "stale"), [(0, False), (89, False), (90, False), (91, True)])
def test_screen_age_limit(age: int, stale: bool) -> None:
    screen = Screen(TODAY - timedelta(days=age), ALL_NO)
    warnings = screening_warnings(screen, TODAY)
    assert [w.kind for w in warnings] == ([WarningKind.OUT_OF_DATE] if stale else [])
    if stale:
        assert warnings[0].message == (
            "Contraindication screen is 91 days old (limit 90): review it."
        )


def test_custom_age_limit_and_future_date() -> None:
    screen = Screen(TODAY - timedelta(days=31), ALL_NO)
    assert screening_warnings(screen, TODAY, max_age_days=30)[0].kind is WarningKind.OUT_OF_DATE
    future = Screen(TODAY + timedelta(days=1), ALL_NO)
    assert "after today" in screening_warnings(future, TODAY)[0].message


def test_yes_unknown_and_unanswered_items_warn() -> None:
    answers = (
        ScreenAnswer(ScreenItem.UNCONTROLLED_HYPERTENSION, Answer.YES, "BP 165/100 at GP"),
        ScreenAnswer(ScreenItem.PREGNANCY, Answer.UNKNOWN),
        *(ScreenAnswer(i, Answer.NO) for i in ScreenItem
          if i not in (ScreenItem.UNCONTROLLED_HYPERTENSION, ScreenItem.PREGNANCY,
                       ScreenItem.BIPOLAR_DISORDER)),
    )
    warnings = screening_warnings(Screen(TODAY, answers), TODAY)
    assert [(w.kind, w.subject) for w in warnings] == [
        (WarningKind.CONTRAINDICATION, "uncontrolled_hypertension"),
        (WarningKind.NOT_KNOWN, "bipolar_disorder"),
        (WarningKind.NOT_KNOWN, "pregnancy"),
    ]
    assert warnings[0].message == "Uncontrolled hypertension: yes (BP 165/100 at GP)."
    assert warnings[2].message == "Pregnancy: not known; find out before dosing."


def test_duplicate_answers_refused() -> None:
    with pytest.raises(ValidationError) as err:
        Screen(TODAY, (ScreenAnswer(ScreenItem.PREGNANCY, Answer.NO),
                       ScreenAnswer(ScreenItem.PREGNANCY, Answer.YES)))
    assert err.value.field == "answers"


def test_medicines_flagged_in_screen() -> None:
    screen = Screen(TODAY, ALL_NO, medicines=("Sertraline 100 mg", "Diazepam 5mg prn"))
    warnings = screening_warnings(screen, TODAY)
    assert [(w.kind, w.message) for w in warnings] == [
        (WarningKind.MEDICINE, "Concomitant medicine Diazepam 5mg prn: benzodiazepine."),
    ]


@pytest.mark.parametrize(
    ("name", "classes"),
    [
        ("diazepam", {MedicineClass.BENZODIAZEPINE}),
        ("LORAZEPAM 1 mg", {MedicineClass.BENZODIAZEPINE}),
        ("alprazolam", {MedicineClass.BENZODIAZEPINE}),
        ("Clonazepam", {MedicineClass.BENZODIAZEPINE}),
        ("temazepam nocte", {MedicineClass.BENZODIAZEPINE}),
        ("oxazepam", {MedicineClass.BENZODIAZEPINE}),
        ("lormetazepam", {MedicineClass.BENZODIAZEPINE}),  # by suffix
        ("Xanax", {MedicineClass.BENZODIAZEPINE}),
        ("zolpidem", {MedicineClass.SEDATIVE_HYPNOTIC}),
        ("Zopiclone 7.5mg", {MedicineClass.SEDATIVE_HYPNOTIC}),
        ("Stilnox CR", {MedicineClass.SEDATIVE_HYPNOTIC}),
        ("methylphenidate", {MedicineClass.PSYCHOSTIMULANT}),
        ("dexamfetamine", {MedicineClass.PSYCHOSTIMULANT}),
        ("dexamphetamine", {MedicineClass.PSYCHOSTIMULANT}),
        ("Lisdexamfetamine 50 mg", {MedicineClass.PSYCHOSTIMULANT}),
        ("modafinil", {MedicineClass.PSYCHOSTIMULANT}),
        ("Vyvanse", {MedicineClass.PSYCHOSTIMULANT}),
        ("phenelzine", {MedicineClass.MAOI}),
        ("tranylcypromine", {MedicineClass.MAOI}),
        ("Moclobemide 300mg", {MedicineClass.MAOI}),
        ("selegiline patch", {MedicineClass.MAOI}),
        ("oxycodone", {MedicineClass.OPIOID}),
        ("Oxycodone/naloxone", {MedicineClass.OPIOID}),
        ("morphine", {MedicineClass.OPIOID}),
        ("paracetamol-codeine", {MedicineClass.OPIOID}),
        ("tramadol SR", {MedicineClass.OPIOID}),
        ("tapentadol", {MedicineClass.OPIOID}),
        ("buprenorphine", {MedicineClass.OPIOID}),
        ("methadone", {MedicineClass.OPIOID}),
        ("FENTANYL patch", {MedicineClass.OPIOID}),
        ("hydromorphone", {MedicineClass.OPIOID}),
        ("MS Contin", {MedicineClass.OPIOID}),
        ("Endone", {MedicineClass.OPIOID}),
        ("sertraline", set()),
        ("codeinex", set()),  # whole words only
        ("", set()),
    ],
)
def test_medicine_class_matching(name: str, classes: set[MedicineClass]) -> None:
    assert set(medicine_classes(name)) == classes


def test_medicine_in_two_classes() -> None:
    assert medicine_classes("diazepam and oxycodone") == (
        MedicineClass.BENZODIAZEPINE, MedicineClass.OPIOID,
    )


# --- a first device time ahead of `now` ---------------------------------------------------------

def test_a_first_device_ahead_of_now_leaves_the_monitoring_time_unknown() -> None:
    device = datetime(2026, 11, 20, 9, 7)
    now = device - timedelta(minutes=7)
    clock = MonitoringClock(device)
    assert not clock.started(now) and clock.started(device)
    assert clock.forty_minute_reading(now) is ReadingDue.NOT_YET
    assert clock.prompts(now) == ()
    record = MonitoringRecord(first_device_at=device)
    codes = [b.code for b in signing_blockers(record, now)]
    assert "first_device_after_now" in codes and "monitoring_under_2_hours" not in codes
    found = discharge_problems(record, VitalsThresholds(), now)
    assert found[0].code == "first_device_after_now"
    assert "09:07" in found[0].message and "unknown" in found[0].message
    # From the device time on, minutes count as before.
    later = [b.code for b in signing_blockers(record, device + timedelta(minutes=3))]
    assert "monitoring_under_2_hours" in later and "first_device_after_now" not in later
