"""Rows of a row voided on the practice server never wait forever (issue 20, found by the
fault harness): a nurse's vitals reading of a dosing draft that the therapist discarded,
pushed after the discard went out, is dropped by every vault instead of waiting in its
`sync_inbox` for a note that will never come. Real vaults, real server."""

from __future__ import annotations

from pathlib import Path

from tests.practice import fault_checks
from tests.practice.workstations import open_workstation

CLIENT = "KAP-2301"



def test_readings_of_a_draft_discarded_and_acknowledged_do_not_wait_forever(
        server: str, tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    nurse = open_workstation(tmp_path, server, "nurse", "nurse", CLIENT)
    therapist.new_client_with_course(CLIENT)
    dose = therapist.dosing_session(CLIENT)
    assert therapist.sync().error == ""
    assert nurse.sync().error == ""
    nurse_dose = next(s for s in nurse.sessions(CLIENT) if s.kind.value == "dosing")
    nurse.services.monitoring.add_reading(nurse_dose.id, "extra",
                                          {"systolic": 128, "diastolic": 82, "heart_rate": 74})

    therapist.services.notes.delete_draft(dose)
    assert therapist.sync().error == ""      # the void is acknowledged
    assert therapist.vault.query_one("SELECT count(*) FROM sync_outbox")[0] == 0

    sent = nurse.sync()                      # the reading goes out, then the void comes in
    assert (sent.error, sent.refused) == ("", 0)
    assert nurse.sync().error == ""
    assert therapist.sync().error == ""      # the reading of the discarded note comes in

    for ws in (therapist, nurse):
        assert ws.vault.query_one("SELECT count(*) FROM sync_inbox")[0] == 0, ws.name
        assert ws.status().waiting == 0
        assert ws.sessions(CLIENT) == []


def test_a_draft_deleted_while_edited_elsewhere_comes_back_with_its_readings(
        server: str, tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    prescriber = open_workstation(tmp_path, server, "presc", "prescriber", CLIENT)
    nurse = open_workstation(tmp_path, server, "nurse", "nurse", CLIENT)
    therapist.new_client_with_course(CLIENT)
    dose = therapist.dosing_session(CLIENT)
    assert therapist.sync().error == ""
    assert nurse.sync().error == ""
    nurse_dose = next(s for s in nurse.sessions(CLIENT) if s.kind.value == "dosing")
    nurse.services.monitoring.add_reading(nurse_dose.id, "extra",
                                          {"systolic": 128, "diastolic": 82, "heart_rate": 74})
    assert nurse.sync().error == ""
    assert therapist.sync().error == ""
    assert len(therapist.services.monitoring.readings(dose)) == 1

    assert prescriber.sync().error == ""     # the prescriber edits the draft meanwhile
    presc_dose = next(s for s in prescriber.sessions(CLIENT) if s.kind.value == "dosing")
    notes = prescriber.services.notes
    field = next(f.id for f in notes.template_for(presc_dose).fields
                 if f.type.value == "long_text")
    notes.save_fields(presc_dose.id, {field: "Fictional edit by the prescriber."})
    assert prescriber.sync().error == ""

    therapist.services.notes.delete_draft(dose)   # the reading goes with it, here
    report = therapist.sync()                     # the void loses to the newer edit
    assert report.error == "" and report.conflicts == 1
    [back] = [s for s in therapist.sessions(CLIENT) if s.kind.value == "dosing"]
    assert therapist.services.notes.note(back.id).values.get(field) == (
        "Fictional edit by the prescriber.")
    readings = therapist.services.monitoring.readings(back.id)
    assert [(r.reading.systolic, r.reading.diastolic) for r in readings] == [(128, 82)]
    assert therapist.vault.query_one("SELECT count(*) FROM sync_refill")[0] == 0


def test_a_draft_signed_here_while_deleted_elsewhere_stays_and_comes_back_everywhere(
        server: str, tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    prescriber = open_workstation(tmp_path, server, "presc", "prescriber", CLIENT)
    nurse = open_workstation(tmp_path, server, "nurse", "nurse", CLIENT)
    therapist.new_client_with_course(CLIENT)
    dose = therapist.dosing_session(CLIENT)
    draft = therapist.integration_note(CLIENT, "Fictional draft.")
    for ws in (therapist, nurse, prescriber):
        assert ws.sync().error == ""
    nurse_dose = next(s for s in nurse.sessions(CLIENT) if s.kind.value == "dosing")
    nurse.services.monitoring.add_reading(nurse_dose.id, "extra",
                                          {"systolic": 128, "diastolic": 82, "heart_rate": 74})
    assert nurse.sync().error == ""
    therapist.services.notes.delete_draft(draft)
    therapist.services.notes.delete_draft(dose)
    assert therapist.sync().error == ""       # both voids acknowledged
    assert nurse.sync().error == ""           # the nurse's reading went with the dosing note

    presc_notes = prescriber.services.notes   # signed offline, before those deletions arrived
    [presc_draft] = [s for s in prescriber.sessions(CLIENT) if s.kind.value == "integration"]
    presc_notes.sign(presc_draft.id, signer="presc", reason="test")
    [presc_dose] = [s for s in prescriber.sessions(CLIENT) if s.kind.value == "dosing"]
    dosing = presc_notes.template_for(presc_dose)
    field = next(f.id for f in dosing.fields if f.type.value == "long_text")
    presc_notes.save_fields(presc_dose.id, {field: "Fictional dosing words."})
    for ws in (prescriber, therapist, nurse, prescriber, therapist, nurse):
        report = ws.sync()
        assert (report.error, report.refused) == ("", 0)

    assert prescriber.vault.query_one("SELECT count(*) FROM sync_conflicts")[0] == 2
    for ws in (therapist, nurse, prescriber):
        assert fault_checks.same_rows(ws, server) == [], ws.name  # type: ignore[arg-type]
        assert fault_checks.nothing_left(ws) == [], ws.name  # type: ignore[arg-type]
    [signed] = therapist.sessions(CLIENT)     # the signed note stays; the dosing edit lost
    assert signed.signed and signed.kind.value == "integration"
