"""The Schedule 8 register shared through the practice server (issue 20: "register entries
... are insert-only"), with real vaults in tmp_path and the real PostgreSQL server: an
administration reaches its client's care team, the practice's stock lines reach every role the
policy allows, entries made apart on two workstations meet in the server's order with one
running balance everywhere, and the server refuses any change or removal of an entry, even
sent by hand with a clinician's own login. All data is fictional."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from helpers.s8 import ESKETAMINE, choose_jurisdiction, dosing_session, esketamine_given

from kapnotes.domain.jurisdiction_model import EntryKind
from kapnotes.domain.s8_register import EntryDraft, entry_details
from kapnotes.practice import server_schema
from kapnotes.services import practice_audit_sync
from tests.practice.practice_helpers import enrol, pull, push
from tests.practice.workstations import Workstation, open_workstation

CLIENT = "KAP-3301"
WHEN = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@pytest.fixture
def server(practice_schema_dsn: str, tmp_path: Path) -> str:
    choose_jurisdiction(tmp_path)
    return practice_schema_dsn


def receipt(ws: Workstation, quantity: int) -> int:
    register = ws.services.s8.open_register(ESKETAMINE)
    ws.services.s8.add(register.id, EntryDraft(EntryKind.RECEIPT, WHEN, quantity, ws.name,
                                               supplier="Harbour Pharmacy", invoice="INV-77"))
    return register.id


def lines(ws: Workstation) -> list[tuple[str, int, int, int]]:
    """(kind, quantity, change, balance) of the esketamine register as this vault shows it."""
    [register] = [r for r in ws.services.s8.registers() if r.product_id == ESKETAMINE]
    return [(e.kind.value, e.quantity, e.change, e.balance)
            for e in ws.services.s8.entries(register.id)]


def given_dose(ws: Workstation) -> int:
    """A dosing session of CLIENT with two esketamine devices given, entered in the register."""
    session = dosing_session(ws.services, CLIENT)
    esketamine_given(ws.services, session)
    proposal = ws.services.s8.proposal(session)
    assert proposal is not None
    ws.services.s8.record_proposal(proposal, recorded_by=ws.name)
    return session


def test_an_administration_reaches_the_care_team_and_stock_lines_the_practice(
        server: str, tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    nurse = open_workstation(tmp_path, server, "nurse", "nurse", CLIENT)
    outsider = open_workstation(tmp_path, server, "out", "therapist")
    admin = open_workstation(tmp_path, server, "adm", "administrator")
    receipt(therapist, 10)
    given_dose(therapist)
    sent = therapist.sync()
    assert (sent.error, sent.refused) == ("", 0)

    assert nurse.sync().error == ""
    assert lines(nurse) == [("receipt", 10, 10, 10), ("administration", 2, -2, 8)]
    # The administration names the nurse's own copy of the dosing note, so the nurse's vault
    # knows this dose is entered (signing there asks for nothing more).
    [dose] = [s for s in nurse.sessions(CLIENT) if s.kind.value == "dosing"]
    assert [e.quantity for e in nurse.services.s8.administrations(dose.id)] == [2]
    assert nurse.services.s8.session_findings(dose.id, WHEN) == ()

    # Not on the client's care team: the dose as a stock line, without whose it was, so the
    # balance is whole there too.
    for other in (outsider, admin):
        assert other.sync().error == ""
        assert lines(other) == [("receipt", 10, 10, 10), ("administration", 2, -2, 8)]
        assert other.client(CLIENT) is None
        page = other.services.s8.page(other.services.s8.registers()[0].id)
        dose_line = page.entries[-1]
        assert (dose_line.client_code, dose_line.session_id) == ("", 0)
        shown = entry_details(dose_line, page.register, page.corrected_by)
        assert shown.startswith("A client not on this workstation's care teams: 56 mg")
    assert all(s.pending == 0 for s in (therapist.status(), nurse.status()))
    # The administrator keeps the stock: the register's audit trail arrives there too, naming
    # the therapist's login and workstation (never a client: it is filed under the practice).
    trail = practice_audit_sync.remote_audit(admin.vault)
    assert {e.event for e in trail} >= {"s8.entry.receipt", "s8.entry.administration"}
    assert {(e.author, e.client_code) for e in trail} == {(therapist.login, "@practice")}


def test_entries_made_apart_meet_in_the_servers_order_with_one_balance(
        server: str, tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    nurse = open_workstation(tmp_path, server, "nurse", "nurse", CLIENT)
    register = receipt(therapist, 10)
    assert therapist.sync().error == ""
    assert nurse.sync().error == ""
    # Offline on both: the therapist gives a dose (8 left there), the nurse destroys a
    # damaged device (9 left there).
    given_dose(therapist)
    [nurse_register] = nurse.services.s8.registers()
    nurse.services.s8.add(nurse_register.id, EntryDraft(
        EntryKind.DESTRUCTION, WHEN, 1, "nurse", witness="Ph Ana Example",
        explanation="Damaged device"))
    assert nurse.sync().error == ""           # the destruction reaches the server first
    assert therapist.sync().error == ""      # the dose after it; the destruction comes back
    assert nurse.sync().error == ""
    expected = [("receipt", 10, 10, 10), ("destruction", 1, -1, 9),
                ("administration", 2, -2, 7)]
    assert lines(therapist) == expected and lines(nurse) == expected
    assert therapist.services.s8.balance(register) == 7

    # A stocktake counted against that balance: no discrepancy, on both.
    nurse.services.s8.add(nurse_register.id, EntryDraft(EntryKind.STOCKTAKE, WHEN, 7, "nurse"))
    assert nurse.sync().error == "" and therapist.sync().error == ""
    assert lines(therapist) == lines(nurse) == [*expected, ("stocktake", 7, 0, 7)]


def test_the_last_units_drawn_apart_show_a_flagged_balance_below_zero(
        server: str, tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    nurse = open_workstation(tmp_path, server, "nurse", "nurse", CLIENT)
    receipt(therapist, 2)
    assert therapist.sync().error == "" and nurse.sync().error == ""
    given_dose(therapist)                    # both devices, on the therapist's workstation
    [register] = nurse.services.s8.registers()
    nurse.services.s8.add(register.id, EntryDraft(      # and both sent away, on the nurse's
        EntryKind.TRANSFER_OUT, WHEN, 2, "nurse", party="Bay St Clinic"))
    assert therapist.sync().error == "" and nurse.sync().error == ""
    assert therapist.sync().error == ""
    expected = [("receipt", 2, 2, 2), ("administration", 2, -2, 0), ("transfer_out", 2, -2, -2)]
    assert lines(therapist) == lines(nurse) == expected
    page = nurse.services.s8.page(register.id)
    assert page.closing_balance == -2
    assert "BALANCE BELOW ZERO" in entry_details(page.entries[-1], page.register,
                                                 page.corrected_by)
    # A stocktake of what is really there puts the register right, everywhere.
    nurse.services.s8.add(register.id, EntryDraft(
        EntryKind.STOCKTAKE, WHEN, 0, "nurse", explanation="Two workstations drew the same 2"))
    assert nurse.sync().error == "" and therapist.sync().error == ""
    assert lines(therapist)[-1] == lines(nurse)[-1] == ("stocktake", 0, 2, 0)


def test_a_correction_travels_as_a_new_entry_and_both_stay(server: str, tmp_path: Path) -> None:
    therapist = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    nurse = open_workstation(tmp_path, server, "nurse", "nurse", CLIENT)
    receipt(therapist, 10)
    assert therapist.sync().error == "" and nurse.sync().error == ""
    [register] = nurse.services.s8.registers()
    [wrong] = nurse.services.s8.entries(register.id)
    nurse.services.s8.correct(wrong.id, 12, "Invoice said 12", recorded_by="nurse")
    assert nurse.sync().error == "" and therapist.sync().error == ""
    assert lines(therapist) == lines(nurse) == [("receipt", 10, 10, 10),
                                                 ("correction", 12, 2, 12)]
    [_, fix] = therapist.services.s8.entries(register.id)
    original = therapist.services.s8.entries(register.id)[0]
    assert fix.corrects_id == original.id  # names the therapist's own copy of the entry


def test_a_register_entry_is_never_changed_or_removed_on_the_server_even_by_hand(
        server: str) -> None:
    nurse = enrol(server, "nurse", "nurse", CLIENT)
    supervisor = enrol(server, "sup", "supervisor", CLIENT)
    admin = enrol(server, "adm", "administrator")
    line = {"kind": "receipt", "quantity": 10, "register": {"product_id": ESKETAMINE}}
    row = uuid.uuid4()
    assert push(nurse, "@practice", "s8_stock", row, line)[1:] == ("applied", 1)
    for edit in ({**line, "quantity": 12}, {**line, "voided": True}):
        with pytest.raises(psycopg.errors.InsufficientPrivilege,
                           match=f"s8_stock rows are insert-only: {row} already exists"):
            push(nurse, "@practice", "s8_stock", row, edit, base_version=1)
    with psycopg.connect(nurse) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE kap.change_log SET payload = '{}' WHERE row_id = %s", (row,))
    with psycopg.connect(nurse) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("DELETE FROM kap.change_log WHERE row_id = %s", (row,))
    # An administration follows its client's care team, and is as insert-only.
    dose = uuid.uuid4()
    named = {**line, "kind": "administration", "client_code": CLIENT,
             "session_uuid": str(uuid.uuid4())}
    assert push(nurse, CLIENT, "s8_entry", dose, named)[1] == "applied"
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="insert-only"):
        push(nurse, CLIENT, "s8_entry", dose, line, base_version=1)
    # Only kinds the practice files under itself go there; roles write what the table says.
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="care team of client @"):
        push(nurse, "@practice", "note", uuid.uuid4(), {"text": "fictional"})
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        push(supervisor, "@practice", "s8_stock", uuid.uuid4(), line)
    # The administrator keeps stock: the practice's lines, and the dose as a line of stock
    # without its client or note; the care team gets the dose itself, never both.
    seen = pull(admin)
    assert [(r[1], r[2], r[3]) for r in seen] == [("@practice", "s8_stock", row),
                                                  ("@practice", "s8_stock", dose)]
    assert seen[1][4] == {**line, "kind": "administration", "redacted": True}
    assert sorted((r[2], r[3]) for r in pull(supervisor)) == sorted(
        [("s8_entry", dose), ("s8_stock", row)])



def test_doses_already_on_a_server_become_stock_lines_when_it_is_upgraded(
        practice_dsn: str, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = server_schema.schema_steps()
    monkeypatch.setattr(server_schema, "schema_steps", lambda: shipped[:11])
    server_schema.setup(practice_dsn)  # a server at step 11, in use
    nurse = enrol(practice_dsn, "nurse", "nurse", CLIENT)
    dose = uuid.uuid4()
    named = {"kind": "administration", "quantity": 2, "client_code": CLIENT,
             "register": {"product_id": ESKETAMINE}}
    assert push(nurse, CLIENT, "s8_entry", dose, named)[1] == "applied"
    monkeypatch.setattr(server_schema, "schema_steps", lambda: shipped)
    assert server_schema.setup(practice_dsn)[0] == "0012_register_stock_lines.sql"
    admin = enrol(practice_dsn, "adm", "administrator")
    [(_, code, kind, row, payload)] = pull(admin)
    assert (code, kind, row, payload.get("client_code")) == ("@practice", "s8_stock", dose, None)
    # A practice that does not let its administrator read stock lines: nothing at all.
    with psycopg.connect(practice_dsn) as conn:
        conn.execute("UPDATE kap.role_permissions SET may_read = false"
                     " WHERE role = 'administrator' AND kind = 's8_stock'")
    assert pull(admin) == []


def test_a_stock_line_of_a_correction_keeps_its_numbers_but_not_its_words(server: str) -> None:
    """A correction's explanation can name the client (server step 14): a register keeper
    outside the care team gets the line's numbers and a fixed phrase; the care team gets the
    words as written."""
    nurse = enrol(server, "nurse", "nurse", CLIENT)
    admin = enrol(server, "adm", "administrator")
    dose, fix = uuid.uuid4(), uuid.uuid4()
    given = {"kind": "administration", "quantity": 1, "change": -1, "client_code": CLIENT,
             "session_uuid": str(uuid.uuid4()), "explanation": "",
             "register": {"product_id": ESKETAMINE}}
    said = "Drawn for Robin Placeholder, who declined: returned"
    correction = {**given, "kind": "correction", "change": 1, "corrects_uuid": str(dose),
                  "explanation": said}
    assert push(nurse, CLIENT, "s8_entry", dose, given)[1] == "applied"
    assert push(nurse, CLIENT, "s8_entry", fix, correction)[1] == "applied"
    lines = {r[3]: r[4] for r in pull(admin)}
    assert lines[dose]["explanation"] == ""
    assert lines[fix]["explanation"] == "Not shown: about a client outside your care teams"
    assert {k: v for k, v in lines[fix].items() if k != "explanation"} == {
        k: v for k, v in correction.items()
        if k not in ("explanation", "client_code", "session_uuid")} | {"redacted": True}
    assert {r[3]: r[4] for r in pull(nurse)}[fix]["explanation"] == said
