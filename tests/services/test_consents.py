"""Consent records through the service: from versioned templates, in force / review overdue /
withdrawn on a day, withdrawal final, and a dosing note without current KAP informed consent
signs only with a reason (one signing check, the sign dialog's and the PDF's)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlcipher3 import dbapi2 as sqlcipher
from test_monitoring_service import full_monitoring

from kapnotes.domain.consents import ConsentState
from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.domain.models import Client, Course, SessionKind

START = datetime(2026, 11, 20, 9, 0)


@pytest.fixture
def client_id(services: object) -> int:
    return services.clients.create(Client(code="KAP-613", full_name="Jo Fictional")).id


@pytest.fixture
def dose_id(services: object, client_id: int) -> int:
    course = services.courses.create(Course(client_id=client_id, protocol="kap_sublingual_im",
                                            start_date=date(2026, 11, 2))).id
    return services.notes.create_session(course_id=course, kind=SessionKind.DOSING,
                                         starts_at=START).id


def test_a_consent_is_in_force_then_overdue_or_withdrawn(services: object,
                                                         client_id: int) -> None:
    c = services.consents
    rec = c.record(client_id, "kap_informed", signed_on=date(2026, 1, 10))
    assert (rec.template_version, rec.review_on) == (1, date(2027, 1, 10))  # 12 months
    assert rec.state(date(2026, 1, 9)) is ConsentState.NOT_YET
    assert rec.in_force(date(2027, 1, 10))
    assert rec.state(date(2027, 1, 11)) is ConsentState.EXPIRED
    touch = c.record(client_id, "touch", signed_on=date(2026, 2, 1),
                     review_on=date(2026, 12, 31))
    assert {r.template_id for r in c.in_force(client_id, date(2026, 11, 20))} == {
        "kap_informed", "touch"}
    with pytest.raises(ValidationError, match="Withdrawal reason"):
        c.withdraw(touch.id, on=date(2026, 11, 1), reason="  ")
    gone = c.withdraw(touch.id, on=date(2026, 11, 1), reason="Prefers no touch")
    assert gone.state(date(2026, 11, 20)) is ConsentState.WITHDRAWN
    assert gone.in_force(date(2026, 10, 31))  # in force before the withdrawal
    assert [r.template_id for r in c.in_force(client_id, date(2026, 11, 20))] == [
        "kap_informed"]
    with pytest.raises(ConflictError, match="already withdrawn"):
        c.withdraw(touch.id, on=date(2026, 11, 2), reason="Again")
    with pytest.raises(sqlcipher.DatabaseError, match="withdrawn consent cannot change"):
        services.vault.conn.execute("UPDATE consent_records SET withdrawn_on = NULL"
                                    " WHERE id = ?", (touch.id,))


def test_bad_consent_input_is_refused(services: object, client_id: int) -> None:
    c = services.consents
    with pytest.raises(ValidationError, match="Consent"):
        c.record(client_id, "tattoo", signed_on=date(2026, 1, 1))
    with pytest.raises(ValidationError, match="Review date"):
        c.record(client_id, "touch", signed_on=date(2026, 5, 1), review_on=date(2026, 4, 1))
    with pytest.raises(ValidationError, match="future"):
        c.record(client_id, "touch", signed_on=date(2030, 1, 1))
    assert c.for_client(client_id) == []


def test_signing_a_dose_without_current_informed_consent_needs_a_reason(
        services: object, clock: object, client_id: int, dose_id: int) -> None:
    full_monitoring(services, dose_id, clock)
    # Consent lapsed before the session (entered after the dose, so the dose's own gate is
    # not what is tested here): the practice keeps consents here, so it counts.
    services.consents.record(client_id, "kap_informed", signed_on=date(2025, 1, 5),
                             review_on=date(2025, 12, 31))
    assert any("KAP informed consent" in b for b in services.notes.sign_blockers(dose_id))
    with pytest.raises(ValidationError):
        services.notes.sign(dose_id, signer="Dr Kim Sample")
    assert not services.notes.session(dose_id).signed
    signed = services.notes.sign(dose_id, signer="Dr Kim Sample",
                                 reason="Consent re-signed on paper today; scanning pending.")
    assert signed.signed


def test_under_a_jurisdiction_a_dose_needs_consent_even_before_any_consent_is_kept(
        services: object, clock: object, dose_id: int, tmp_path: object) -> None:
    """A practice that chose a jurisdiction is asked for consent from its first dosing note:
    the rule does not wait for the vault's first consent record."""
    from helpers.s8 import choose_jurisdiction

    full_monitoring(services, dose_id, clock)
    assert not any("informed consent" in b for b in services.notes.sign_blockers(dose_id))
    choose_jurisdiction(tmp_path)
    assert any("KAP informed consent" in b for b in services.notes.sign_blockers(dose_id))
    with pytest.raises(ValidationError):
        services.notes.sign(dose_id, signer="Dr Kim Sample")
    assert not services.notes.session(dose_id).signed


def test_current_informed_consent_signs_without_a_reason(
        services: object, clock: object, client_id: int, dose_id: int) -> None:
    services.consents.record(client_id, "kap_informed", signed_on=date(2026, 11, 1))
    full_monitoring(services, dose_id, clock)
    assert services.notes.sign_blockers(dose_id) == []
    assert services.notes.sign(dose_id, signer="Dr Kim Sample").sign_reason == ""


def test_a_touch_entry_refers_to_the_touch_consent_or_warns(
        services: object, client_id: int, dose_id: int) -> None:
    ev = services.events
    first = ev.add(dose_id, "touch", text="Hand on shoulder", at=START + timedelta(minutes=30))
    assert ev.consent_note(first).startswith("Warning: no consent to supportive touch")
    services.consents.record(client_id, "touch", signed_on=date(2026, 10, 1))
    note = ev.consent_note(ev.add(dose_id, "touch", at=START + timedelta(minutes=40)))
    assert note.startswith("Under Consent to supportive touch v1, signed 1 Oct 2026")
    assert "Limits:" in note
    assert ev.consent_note(ev.add(dose_id, "music_change")) == ""


def test_recording_the_first_dose_without_informed_consent_needs_a_reason(
        services: object, client_id: int, dose_id: int) -> None:
    from helpers import dosing

    from kapnotes.services.dose_checks import OverrideNeeded

    services.consents.record(client_id, "touch", signed_on=date(2026, 10, 1))  # kept here
    dosing.ready_to_dose(services, dose_id, START)
    gate = services.monitoring.dose_gate(dose_id)
    assert gate == ["No current KAP informed consent is on the client's record."]
    with pytest.raises(OverrideNeeded):
        services.monitoring.add_device(dose_id, at=START)
    assert services.monitoring.devices(dose_id) == []
    services.monitoring.add_device(dose_id, at=START, reason="Consent signed on paper today",
                                   by="Dr Kim Sample")
    assert len(services.monitoring.devices(dose_id)) == 1
    assert any("informed consent" in o.message for o in
               services.monitoring.doses.overrides(dose_id))
