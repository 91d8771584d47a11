"""Issue 20: consents and contraindication screens shared between workstations, proven with
real vaults and the real practice server. A prescriber must see, before dosing, the consent and
the screen a therapist recorded on another workstation; both kinds are insert-only (a
withdrawal is an entry of its own), and the server refuses an edit even sent by hand.
Every clinician works through the services the window uses, then syncs as `kapnotes sync`
does. All data is fictional."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

import psycopg
import pytest

from kapnotes.domain.screening import Answer, Screen, ScreenAnswer, ScreenItem, WarningKind
from kapnotes.services import practice_link, practice_review
from tests.practice.workstations import Workstation, open_workstation

CLIENT = "KAP-2401"
SIGNED_ON = date(2026, 11, 10)



def _client_id(ws: Workstation) -> int:
    client = ws.client(CLIENT)
    assert client is not None and client.id is not None
    return client.id


def _screen(ws: Workstation, *, bipolar: Answer = Answer.NO) -> None:
    ws.services.monitoring.screening.save_screen(_client_id(ws), Screen(
        screened_on=date(2026, 11, 12),
        answers=(ScreenAnswer(ScreenItem.BIPOLAR_DISORDER, bipolar, "fictional note"),
                 *(ScreenAnswer(i, Answer.NO, "") for i in ScreenItem
                   if i is not ScreenItem.BIPOLAR_DISORDER)),
        medicines=("sertraline 50 mg",)), screened_by=ws.name)


def _synced(ws: Workstation) -> None:
    report = ws.sync()
    assert (report.error, report.refused) == ("", 0), report


def test_a_prescriber_sees_before_dosing_the_consent_and_screen_recorded_elsewhere(
        server: str, tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    prescriber = open_workstation(tmp_path, server, "presc", "prescriber", CLIENT)
    therapist.new_client_with_course(CLIENT)
    therapist.services.consents.record(_client_id(therapist), "kap_informed",
                                       signed_on=SIGNED_ON)
    _screen(therapist, bipolar=Answer.UNKNOWN)
    _synced(therapist)

    _synced(prescriber)
    dose = prescriber.dosing_session(CLIENT)
    assert prescriber.services.consents.missing_for_dosing(dose) == []
    assert prescriber.services.consents.dose_gate(dose) == []
    [consent] = prescriber.services.consents.for_client(_client_id(prescriber))
    assert (consent.template_id, consent.signed_on, consent.withdrawn_on) == (
        "kap_informed", SIGNED_ON, None)
    warnings = prescriber.services.monitoring.screening.warnings_for_client(_client_id(prescriber))
    assert WarningKind.NO_SCREEN not in {w.kind for w in warnings}
    assert [w.subject for w in warnings if w.kind is WarningKind.NOT_KNOWN] == [
        "bipolar_disorder"]
    [screen] = prescriber.services.monitoring.screening.history(_client_id(prescriber))
    assert screen.screened_by == "ther" and screen.screen.medicines == ("sertraline 50 mg",)
    assert screen.screen.answer_for(ScreenItem.BIPOLAR_DISORDER).note == "fictional note"

    # The prescriber's new screen goes back; nothing is sent twice, nothing waits.
    _screen(prescriber)
    _synced(prescriber)
    _synced(therapist)
    assert len(therapist.services.monitoring.screening.history(_client_id(therapist))) == 2
    again = therapist.sync()
    assert (again.pushed, again.pulled) == (0, 0)
    assert therapist.status().pending == 0 and prescriber.status().pending == 0
    assert therapist.status().waiting == 0 and prescriber.status().waiting == 0


def test_a_withdrawal_travels_as_an_entry_of_its_own(server: str, tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    prescriber = open_workstation(tmp_path, server, "presc", "prescriber", CLIENT)
    therapist.new_client_with_course(CLIENT)
    consent = therapist.services.consents.record(_client_id(therapist), "kap_informed",
                                                 signed_on=SIGNED_ON)
    _synced(therapist)
    _synced(prescriber)

    therapist.services.consents.withdraw(consent.id, on=date(2026, 11, 18),
                                         reason="Fictional: client chose to stop")
    sent = therapist.sync()
    assert (sent.pushed, sent.refused, sent.error) == (1, 0, "")
    _synced(prescriber)
    [mine] = prescriber.services.consents.for_client(_client_id(prescriber))
    assert (mine.withdrawn_on, mine.withdrawal_reason) == (
        date(2026, 11, 18), "Fictional: client chose to stop")
    dose = prescriber.dosing_session(CLIENT)
    assert prescriber.services.consents.missing_for_dosing(dose) != []
    with psycopg.connect(server) as conn:
        kinds = [r[0] for r in conn.execute(
            "SELECT kind FROM kap.change_log WHERE client_code = %s AND kind LIKE 'consent%%'"
            " ORDER BY seq", (CLIENT,))]
    assert kinds == ["consent", "consent_withdrawal"]


def test_two_withdrawals_apart_keep_each_and_show_the_other(server: str,
                                                            tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    prescriber = open_workstation(tmp_path, server, "presc", "prescriber", CLIENT)
    therapist.new_client_with_course(CLIENT)
    therapist.services.consents.record(_client_id(therapist), "kap_informed",
                                       signed_on=SIGNED_ON)
    _synced(therapist)
    _synced(prescriber)
    for ws, day in ((therapist, 17), (prescriber, 18)):
        [record] = ws.services.consents.for_client(_client_id(ws))
        ws.services.consents.withdraw(record.id, on=date(2026, 11, day),
                                      reason=f"Fictional reason {day}")
    _synced(therapist)
    second = prescriber.sync()
    assert (second.error, second.refused, second.conflicts) == ("", 0, 1)
    first = therapist.sync()
    assert (first.error, first.conflicts) == ("", 1)
    for ws, day in ((therapist, 17), (prescriber, 18)):
        [record] = ws.services.consents.for_client(_client_id(ws))
        assert record.withdrawn_on == date(2026, 11, day)  # final where it was recorded
        assert ws.status().conflicts == 1 and ws.status().pending == 0
    [copy] = practice_review.queue(therapist.vault).conflicts
    text = practice_review.conflict_text(therapist.vault, copy.id)
    assert text.startswith(f"Consent withdrawal of {CLIENT}, as written on another workstation")
    assert "Fictional reason 18" in text and "2026-11-18" in text


def test_the_server_refuses_an_edit_of_a_consent_even_sent_by_hand(server: str,
                                                                  tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    therapist.new_client_with_course(CLIENT)
    therapist.services.consents.record(_client_id(therapist), "kap_informed",
                                       signed_on=SIGNED_ON)
    _synced(therapist)
    with psycopg.connect(server) as conn:
        row_id, version, payload = conn.execute(
            "SELECT row_id, row_version, payload FROM kap.change_log WHERE kind = 'consent'"
        ).fetchone()
    payload["signed_on"] = "2026-11-01"
    link = practice_link.linked(therapist.vault)
    assert link is not None
    with psycopg.connect(link.dsn()) as conn, \
            pytest.raises(psycopg.errors.InsufficientPrivilege, match="insert-only"):
        conn.execute("SELECT * FROM kap.push(%s, %s, 'consent', %s, %s, 1, %s)",
                     (uuid.uuid4(), CLIENT, row_id, version, json.dumps(payload)))


def test_a_supervisor_reads_consents_and_screens_but_may_not_record_them(
        server: str, tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    supervisor = open_workstation(tmp_path, server, "sup", "supervisor", CLIENT)
    therapist.new_client_with_course(CLIENT)
    therapist.services.consents.record(_client_id(therapist), "kap_informed",
                                       signed_on=SIGNED_ON)
    _screen(therapist)
    _synced(therapist)
    _synced(supervisor)
    assert len(supervisor.services.consents.for_client(_client_id(supervisor))) == 1
    assert len(supervisor.services.monitoring.screening.history(_client_id(supervisor))) == 1
    _screen(supervisor)
    refused = supervisor.sync()
    assert refused.refused == 1
    assert "may not write screen" in refused.refusals[0].message
