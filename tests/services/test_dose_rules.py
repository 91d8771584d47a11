"""Dose and weight through the services over a real vault (issue 13, "Dose and weight"):
mg/kg bounds per route, weight on the client record in kg or lb, the no-weight signing blocker,
infusion start/end and boosters, one dose a day and the minimum interval, esketamine by IV, and
the hint that fits the drug and route. All data is fictional."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from helpers import dosing

from kapnotes import policy
from kapnotes.domain.clinical_rules import Severity
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.services.clock import aware
from kapnotes.services.dose_checks import OverrideNeeded
from kapnotes.storage import audit

START = datetime(2026, 11, 20, 9, 0)
NOTE = {"arrival_state": "Settled", "observations": "Calm", "post_session_state": "Steady"}


@pytest.fixture
def client_id(services: object) -> int:
    return services.clients.create(Client(code="KAP-513", full_name="Sam Fictional")).id


@pytest.fixture
def course_id(services: object, client_id: int) -> int:
    return services.courses.create(Course(client_id=client_id, protocol="kap_sublingual_im",
                                          start_date=date(2026, 11, 2))).id


def dosing_session(services: object, course_id: int, starts_at: datetime = START) -> int:
    return services.notes.create_session(course_id=course_id, kind=SessionKind.DOSING,
                                         starts_at=starts_at).id


def ready_to_dose(services: object, session_id: int, at: datetime) -> None:
    """A screen on the client's record and a pre-dose BP: what a dose needs first."""
    dosing.ready_to_dose(services, session_id, at, minutes_before=5)


@pytest.fixture
def dose_id(services: object, course_id: int) -> int:
    return dosing_session(services, course_id)


# -- mg/kg bounds --------------------------------------------------------------------------------
def test_350_mg_iv_for_70_kg_needs_a_reason_that_is_kept_shown_and_audited(
        services: object, dose_id: int) -> None:
    m = services.monitoring
    m.update_record(dose_id, {"medication": "ketamine", "route": "iv", "weight_kg": 70})
    with pytest.raises(OverrideNeeded) as err:
        m.update_record(dose_id, {"dose_mg": 350})
    assert err.value.field == "dose_mg"
    assert "5 mg/kg IV is above 1 mg/kg" in err.value.reason
    assert m.details(dose_id).dose_mg is None  # nothing stored without a reason
    m.update_record(dose_id, {"dose_mg": 350}, reason="Prescriber's written order, checked twice",
                    by="Dr Kim Sample")
    assert m.details(dose_id).dose_mg == 350
    (override,) = m.doses.overrides(dose_id)
    assert (override.rule_id, override.given_by) == ("ketamine_iv_dose_override", "Dr Kim Sample")
    assert override.reason == "Prescriber's written order, checked twice"
    assert "5 mg/kg" in override.message
    logged = [e for e in audit.entries(services.vault) if e.event == "rule.override"]
    assert [e.detail for e in logged] == ["rule ketamine_iv_dose_override"]
    assert "Prescriber" not in json.dumps([e.detail for e in logged])  # no reason text
    # The same dose again does not ask twice; a different excess does.
    m.update_record(dose_id, {"dose_mg": 350})
    with pytest.raises(OverrideNeeded, match=re.escape("4.29 mg/kg")):
        m.update_record(dose_id, {"dose_mg": 300})


def test_iv_and_im_doses_warn_above_the_usual_range(services: object, dose_id: int) -> None:
    m = services.monitoring
    m.update_record(dose_id, {"medication": "ketamine", "route": "iv", "weight_kg": 70,
                              "dose_mg": 35})
    assert m.dose_findings(dose_id) == ()
    m.update_record(dose_id, {"dose_mg": 60})  # 0.86 mg/kg: stored, with a warning
    (warn,) = m.dose_findings(dose_id)
    assert warn.severity is Severity.WARN and "0.86 mg/kg IV is above 0.75" in warn.message
    m.update_record(dose_id, {"route": "im", "dose_mg": 80})  # 1.14 mg/kg IM
    (warn,) = m.dose_findings(dose_id)
    assert warn.rule_id == "ketamine_im_dose_warn"
    with pytest.raises(OverrideNeeded, match=re.escape("1.71 mg/kg IM is above 1.5 mg/kg")):
        m.update_record(dose_id, {"dose_mg": 120})


def test_a_practice_policy_tightens_the_iv_bound(services: object, dose_id: int,
                                                  tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"version": 1, "settings": {"clinical_rules": {"value": {
        "ketamine_iv_dose_override": {"override_above": 0.8}}}}}), encoding="utf-8")
    monkeypatch.setenv(policy.POLICY_ENV, str(path))
    m = services.monitoring
    m.update_record(dose_id, {"medication": "ketamine", "route": "iv", "weight_kg": 70})
    with pytest.raises(OverrideNeeded, match=re.escape("0.86 mg/kg IV is above 0.8 mg/kg")):
        m.update_record(dose_id, {"dose_mg": 60})


# -- weight --------------------------------------------------------------------------------------
def test_weight_in_pounds_is_converted_and_kept_on_the_client_record(
        services: object, course_id: int, client_id: int, dose_id: int) -> None:
    m = services.monitoring
    details, warning = m.set_weight(dose_id, "154", "lb")
    assert details.weight_kg == pytest.approx(69.9) and warning == ""
    (weight,) = m.doses.weights(client_id)
    assert (weight.measured_on, weight.entered_value, weight.entered_unit) == (
        START.date(), 154.0, "lb")
    assert weight.shown() == "69.9 kg (154 lb)"
    with pytest.raises(ValidationError, match="kg or lb"):
        m.set_weight(dose_id, "70", "stone")
    # A week later "154" typed as kg: stored as typed, but flagged as a change of over 10 %.
    later = dosing_session(services, course_id, START + timedelta(days=7))
    details, warning = m.set_weight(later, "154", "kg")
    assert details.weight_kg == 154
    assert "differs from the last recorded 69.9 kg (20 Nov 2026)" in warning
    assert "kg or lb" in warning
    assert [w.weight_kg for w in m.doses.weights(client_id)] == [69.9, 154]


def test_an_iv_dose_with_no_weight_blocks_signing(services: object, dose_id: int) -> None:
    m, notes = services.monitoring, services.notes
    notes.save_fields(dose_id, NOTE)
    m.update_record(dose_id, {"medication": "ketamine", "route": "iv", "dose_mg": 35})
    assert m.mg_per_kg(dose_id) is None
    (refusal,) = notes.sign_refusals(dose_id)
    assert "no weight is recorded" in refusal
    with pytest.raises(ValidationError, match="no weight is recorded"):
        notes.sign(dose_id, signer="Dr Kim Sample", reason="Any reason at all")
    assert not notes.session(dose_id).signed
    m.set_weight(dose_id, "70", "kg")
    assert notes.sign_refusals(dose_id) == []
    notes.sign(dose_id, signer="Dr Kim Sample", reason="Session ended early at the client's wish")
    (signed,) = [e for e in audit.entries(services.vault) if e.event == "session.sign"]
    assert signed.detail.startswith("seal ")  # the note's seal, then the overridden rules
    assert signed.detail.endswith("; with a written reason for: discharge_sedation_resolved, "
                                  "missing_40_minute_bp, missing_end_bp, missing_pre_dose_bp, "
                                  "no_first_device_time")
    assert "early" not in signed.detail  # rule ids only, never the reason's words


# -- infusion and boosters ----------------------------------------------------------------------
def test_infusion_start_end_and_boosters_are_recorded(services: object, dose_id: int,
                                                      clock: object) -> None:
    m = services.monitoring
    m.update_record(dose_id, {"medication": "ketamine", "route": "iv", "weight_kg": 70,
                              "dose_mg": 35})
    with pytest.raises(ValidationError, match="record the start"):
        m.update_record(dose_id, {"infusion_end_at": START + timedelta(minutes=40)})
    ready_to_dose(services, dose_id, START)
    m.add_device(dose_id, at=START)  # the infusion starts
    m.update_record(dose_id, {"infusion_end_at": START + timedelta(minutes=40)})
    assert m.details(dose_id).infusion_end_at == aware(START + timedelta(minutes=40))
    with pytest.raises(ValidationError, match="ends after it starts"):
        m.update_record(dose_id, {"infusion_end_at": START - timedelta(minutes=5)})
    m.doses.add_booster(dose_id, "10", at=START + timedelta(minutes=25))
    with pytest.raises(ValidationError, match="booster"):
        m.doses.add_booster(dose_id, "lots")
    assert [(b.given_at, b.dose_mg) for b in m.doses.boosters(dose_id)] == [
        (aware(START + timedelta(minutes=25)), 10.0)]


# -- one dose a day, minimum interval, route ----------------------------------------------------
def test_a_second_esketamine_dose_on_the_same_day_is_refused(services: object, course_id: int,
                                                             dose_id: int) -> None:
    m = services.monitoring
    m.update_record(dose_id, {"medication": "esketamine", "route": "intranasal", "dose_mg": 84})
    evening = dosing_session(services, course_id, START + timedelta(hours=6))
    m.update_record(evening, {"medication": "esketamine", "route": "intranasal"})
    with pytest.raises(ValidationError, match="already recorded for this client on 20 Nov 2026"):
        m.update_record(evening, {"dose_mg": 84}, reason="A reason does not make it acceptable")
    assert m.details(evening).dose_mg is None


def test_a_dose_sooner_than_the_minimum_interval_needs_a_reason(
        services: object, course_id: int, dose_id: int) -> None:
    m = services.monitoring
    m.update_record(dose_id, {"medication": "esketamine", "route": "intranasal", "dose_mg": 56})
    next_day = dosing_session(services, course_id, START + timedelta(days=1))
    m.update_record(next_day, {"medication": "esketamine", "route": "intranasal"})
    with pytest.raises(OverrideNeeded, match=re.escape("1 day after the dose of 20 Nov 2026")):
        m.update_record(next_day, {"dose_mg": 56})
    m.update_record(next_day, {"dose_mg": 56}, reason="Rescheduled by the prescriber")
    assert m.details(next_day).dose_mg == 56
    three_days = dosing_session(services, course_id, START + timedelta(days=4))
    m.update_record(three_days, {"medication": "esketamine", "route": "intranasal",
                                 "dose_mg": 56})  # 3 days after the last: fine


def test_esketamine_by_iv_is_refused(services: object, dose_id: int) -> None:
    m = services.monitoring
    m.update_record(dose_id, {"route": "iv"})
    with pytest.raises(ValidationError) as err:
        m.update_record(dose_id, {"medication": "esketamine"})
    assert err.value.field == "route" and "nasal spray" in err.value.reason
    assert m.details(dose_id).medication is None


def test_the_hint_fits_the_drug_and_the_route(services: object, dose_id: int) -> None:
    m = services.monitoring
    hint = lambda: m.doses.hint(m.details(dose_id))  # noqa: E731
    m.update_record(dose_id, {"medication": "ketamine", "route": "iv", "weight_kg": 70})
    assert hint() == "Usual IV ketamine dose: 0.5 mg/kg over 40 min = 35 mg for 70 kg"
    m.update_record(dose_id, {"route": "im"})
    assert hint().startswith("Usual IM ketamine starting dose: 0.5 mg/kg")
    m.update_record(dose_id, {"route": "sublingual"})
    assert "no mg/kg" in hint() and "IV" not in hint()
    m.update_record(dose_id, {"medication": "esketamine", "route": "intranasal"})
    assert hint().startswith("Esketamine: 28 mg devices")


def test_weights_boosters_overrides_and_infusion_end_survive_a_portable_round_trip(
        services: object, dose_id: int, client_id: int, tmp_path: Path, passphrase: str,
        clock: object) -> None:
    from kapnotes.services import portable_import
    from kapnotes.services.portable_schema import check_document
    from tests.services.portable_data import export_text, load, new_services

    m = services.monitoring
    m.update_record(dose_id, {"medication": "ketamine", "route": "iv"})
    m.set_weight(dose_id, "154", "lb")
    m.update_record(dose_id, {"dose_mg": 80}, reason="Prescriber's order", by="Dr Kim Sample")
    ready_to_dose(services, dose_id, START)
    m.add_device(dose_id, at=START)
    m.doses.add_booster(dose_id, "10", at=START + timedelta(minutes=20))
    m.update_record(dose_id, {"infusion_end_at": START + timedelta(minutes=40)})
    first = export_text(services.vault)
    doc = load(first)
    check_document(doc)
    (client,) = doc["clients"]
    (session,) = client["courses"][0]["sessions"]
    assert client["weights"][0]["entered_unit"] == "lb"
    def instant(minutes: int) -> str:  # monitoring times are stored as UTC instants
        return aware(START + timedelta(minutes=minutes)).astimezone(UTC).isoformat()

    assert session["boosters"] == [{"given_at": instant(20), "dose_mg": 10}]
    assert session["rule_overrides"][0]["rule_id"] == "ketamine_iv_dose_override"
    assert session["monitoring"]["infusion_end_at"] == instant(40)
    other = new_services(tmp_path / "copy.kapnotes", passphrase, clock, tmp_path / "t")
    portable_import.import_document(other, doc)
    assert export_text(other.vault) == first
    other.vault.close()
