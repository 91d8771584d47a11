"""The Schedule 8 register through the services over a real vault (issue 19): every entry
kind, the running balance, corrections, stocktake discrepancies, the vault refusing any change
or removal of an entry, the entry a dose calls for, and signing held without it (or with a
written reason). All data is fictional."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers.s8 import (
    AMPOULE,
    DOSE_AT,
    ESKETAMINE,
    choose_jurisdiction,
    dosing_session,
    esketamine_given,
)

from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.domain.jurisdiction_model import EntryKind
from kapnotes.domain.s8_register import EntryDraft, running_ok
from kapnotes.storage import audit

NOTE = {"arrival_state": "Settled", "observations": "Calm", "post_session_state": "Steady"}
WHEN = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
BY = "Dr Kim Sample"


@pytest.fixture
def s8(services: object, tmp_path: Path) -> object:
    choose_jurisdiction(tmp_path)
    return services.s8


def receipt(quantity: int, **extra: object) -> EntryDraft:
    return EntryDraft(EntryKind.RECEIPT, WHEN, quantity, BY, supplier="Harbour Pharmacy",
                      invoice="INV-2231", **extra)


def test_every_movement_moves_the_running_balance_and_is_audited(s8: object) -> None:
    register = s8.open_register(ESKETAMINE)
    assert register.title == "Esketamine 28 mg nasal spray device"
    s8.add(register.id, receipt(24))
    s8.add(register.id, EntryDraft(EntryKind.TRANSFER_IN, WHEN, 4, BY, party="Bay St Clinic"))
    s8.add(register.id, EntryDraft(EntryKind.TRANSFER_OUT, WHEN, 2, BY, party="Bay St Clinic"))
    s8.add(register.id, EntryDraft(EntryKind.WASTAGE, WHEN, 1, BY, witness="RN Lee Example",
                                   explanation="Device misfired"))
    s8.add(register.id, EntryDraft(EntryKind.DESTRUCTION, WHEN, 3, BY, witness="Ph Ana Example",
                                   explanation="Expired"))
    entries = s8.entries(register.id)
    assert [(e.kind, e.change, e.balance) for e in entries] == [
        (EntryKind.RECEIPT, 24, 24), (EntryKind.TRANSFER_IN, 4, 28),
        (EntryKind.TRANSFER_OUT, -2, 26), (EntryKind.WASTAGE, -1, 25),
        (EntryKind.DESTRUCTION, -3, 22)]
    assert entries[0].supplier == "Harbour Pharmacy" and entries[0].invoice == "INV-2231"
    assert s8.balance(register.id) == 22 and running_ok(entries)
    events = [e.event for e in audit.entries(s8.vault) if e.event.startswith("s8.")]
    assert events == ["s8.register.open", "s8.entry.receipt", "s8.entry.transfer_in",
                      "s8.entry.transfer_out", "s8.entry.wastage", "s8.entry.destruction"]


@pytest.mark.parametrize(("draft", "field"), [
    (EntryDraft(EntryKind.RECEIPT, WHEN, 5, BY, invoice="INV-1"), "Supplier"),
    (EntryDraft(EntryKind.RECEIPT, WHEN, 5, BY, supplier="Harbour Pharmacy"), "Invoice"),
    (EntryDraft(EntryKind.RECEIPT, WHEN, 0, BY, supplier="H", invoice="I"), "Quantity"),
    (EntryDraft(EntryKind.RECEIPT, WHEN, -3, BY, supplier="H", invoice="I"), "Quantity"),
    (EntryDraft(EntryKind.DESTRUCTION, WHEN, 1, BY, explanation="Expired"), "Witness"),
    (EntryDraft(EntryKind.WASTAGE, WHEN, 1, BY), "Witness"),
    (EntryDraft(EntryKind.DESTRUCTION, WHEN, 1, BY, witness="Ph Ana"), "Reason"),
    (EntryDraft(EntryKind.TRANSFER_OUT, WHEN, 1, BY), "Transfer"),
    (EntryDraft(EntryKind.ADMINISTRATION, WHEN, 1, BY, dose_mg=28), "Session"),
    (EntryDraft(EntryKind.RECEIPT, WHEN, 5, "", supplier="H", invoice="I"), "Entered by"),
])
def test_an_incomplete_entry_is_refused_naming_the_field_and_nothing_is_stored(
        s8: object, draft: EntryDraft, field: str) -> None:
    register = s8.open_register(ESKETAMINE)
    with pytest.raises(ValidationError) as err:
        s8.add(register.id, draft)
    assert err.value.field == field
    assert s8.entries(register.id) == []


def test_the_balance_never_goes_below_zero(s8: object) -> None:
    register = s8.open_register(ESKETAMINE)
    s8.add(register.id, receipt(2))
    with pytest.raises(ValidationError, match=r"below zero \(2 device\(s\) in the register, "
                                              r"this entry takes 3\)"):
        s8.add(register.id, EntryDraft(EntryKind.TRANSFER_OUT, WHEN, 3, BY, party="Bay St"))
    assert s8.balance(register.id) == 2


def test_a_stocktake_discrepancy_is_flagged_and_must_be_explained(s8: object) -> None:
    register = s8.open_register(ESKETAMINE)
    s8.add(register.id, receipt(10))
    same = s8.add(register.id, EntryDraft(EntryKind.STOCKTAKE, WHEN, 10, BY))
    assert (same.change, same.discrepancy) == (0, False)
    with pytest.raises(ValidationError, match=r"differs from the register balance \(10\) by -1"):
        s8.add(register.id, EntryDraft(EntryKind.STOCKTAKE, WHEN, 9, BY))
    short = s8.add(register.id, EntryDraft(EntryKind.STOCKTAKE, WHEN, 9, BY,
                                           explanation="One device missing; reported"))
    assert (short.change, short.balance, short.discrepancy) == (-1, 9, True)
    logged = [e.detail for e in audit.entries(s8.vault) if e.event == "s8.entry.stocktake"]
    assert logged[-1].endswith("; discrepancy") and "missing" not in logged[-1]


def test_a_correction_is_a_new_entry_naming_the_wrong_one_and_both_stay(s8: object) -> None:
    register = s8.open_register(ESKETAMINE)
    wrong = s8.add(register.id, receipt(20))
    with pytest.raises(ValidationError, match="Explanation"):
        s8.correct(wrong.id, 12, "", recorded_by=BY)
    fixed = s8.correct(wrong.id, 12, "Invoice was for 12 devices", recorded_by=BY)
    assert (fixed.kind, fixed.corrects_id, fixed.change, fixed.balance) == (
        EntryKind.CORRECTION, wrong.id, -8, 12)
    # Corrected again: the difference from what the entry stands for now (12), not from 20.
    again = s8.correct(wrong.id, 14, "Two more found in the same delivery", recorded_by=BY)
    assert (again.change, again.balance) == (2, 14)
    with pytest.raises(ValidationError, match="is itself a correction"):
        s8.correct(fixed.id, 3, "No", recorded_by=BY)
    assert [e.id for e in s8.entries(register.id)] == [wrong.id, fixed.id, again.id]
    assert s8.entries(register.id)[0].quantity == 20  # the wrong entry is shown as it was
    page = s8.pages(product_id=ESKETAMINE)[0]
    assert page.corrected_by == {wrong.id: (fixed.id, again.id)}


def test_the_vault_refuses_to_change_or_delete_an_entry(s8: object) -> None:
    register = s8.open_register(ESKETAMINE)
    entry = s8.add(register.id, receipt(5))
    with pytest.raises(ConflictError, match="never changed; add a correction"):
        s8.vault.execute("UPDATE s8_entries SET quantity = 50 WHERE id = ?", (entry.id,))
    with pytest.raises(ConflictError, match="never deleted"):
        s8.vault.execute("DELETE FROM s8_entries WHERE id = ?", (entry.id,))
    with pytest.raises(ConflictError, match="never deleted"):
        s8.vault.execute("DELETE FROM s8_registers WHERE id = ?", (register.id,))
    assert s8.entries(register.id)[0].quantity == 5


def test_without_a_jurisdiction_there_is_no_register_and_signing_is_unchanged(
        services: object) -> None:
    with pytest.raises(ValidationError, match="no jurisdiction is chosen"):
        services.s8.open_register(ESKETAMINE)
    assert services.s8.products() == []
    session_id = dosing_session(services)
    esketamine_given(services, session_id)
    assert services.s8.proposal(session_id) is None
    assert not [f for f in services.notes.sign_findings(session_id)
                if f.rule_id == "s8_administration_recorded"]


def test_a_dose_proposes_its_entry_and_signing_waits_for_it(s8: object, services: object,
                                                            clock: object) -> None:
    register = s8.open_register(ESKETAMINE)
    s8.add(register.id, receipt(10))
    session_id = dosing_session(services)
    esketamine_given(services, session_id)
    proposal = s8.proposal(session_id)
    assert (proposal.product.id, proposal.quantity, proposal.dose_mg) == (ESKETAMINE, 2, 56)
    assert proposal.shown() == "Draw 2 devices from Esketamine 28 mg nasal spray device: 56 mg"
    held = [f for f in services.notes.sign_findings(session_id)
            if f.rule_id == "s8_administration_recorded"]
    assert len(held) == 1 and held[0].needs_reason
    assert "not entered in the register" in held[0].message
    assert "Poisons and Therapeutic Goods Regulation 2008 (NSW)" in held[0].source
    entry = s8.record_proposal(proposal, recorded_by=BY)
    assert (entry.kind, entry.session_id, entry.client_code, entry.change, entry.balance) == (
        EntryKind.ADMINISTRATION, session_id, "KAP-801", -2, 8)
    assert not [f for f in services.notes.sign_findings(session_id)
                if f.rule_id == "s8_administration_recorded"]


def test_signing_without_the_entry_needs_a_written_reason_that_is_audited(
        s8: object, services: object, clock: object) -> None:
    session_id = dosing_session(services)
    esketamine_given(services, session_id)
    services.notes.save_fields(session_id, NOTE)
    clock.now = DOSE_AT + timedelta(hours=3)
    with pytest.raises(ValidationError, match="Schedule 8 register: this dose is not entered"):
        services.notes.sign(session_id, signer=BY)
    signed = services.notes.sign(session_id, signer=BY,
                                 reason="Register kept on paper this week (system outage)")
    assert signed.signed
    (entry,) = [e for e in audit.entries(services.vault) if e.event == "session.sign"]
    assert "s8_administration_recorded" in entry.detail


def test_an_ampoule_dose_draws_whole_ampoules_and_the_rest_is_witnessed(
        s8: object, services: object) -> None:
    register = s8.open_register(AMPOULE)
    s8.add(register.id, receipt(5))
    session_id = dosing_session(services)
    services.monitoring.update_record(session_id, {"medication": "ketamine", "route": "im",
                                                   "weight_kg": 70, "dose_mg": 70})
    proposal = s8.proposal(session_id)
    assert (proposal.product.id, proposal.quantity, proposal.discarded_mg) == (AMPOULE, 1, 130)
    assert proposal.shown() == ("Draw 1 ampoule from Ketamine 200 mg/2 mL ampoule (injection):"
                                " 70 mg (0.7 mL), 130 mg discarded (witnessed)")
    with pytest.raises(ValidationError, match="Witness"):
        s8.record_proposal(proposal, recorded_by=BY)
    entry = s8.record_proposal(proposal, recorded_by=BY, witness="RN Lee Example")
    assert (entry.balance, entry.discarded_mg, entry.witness) == (4, 130, "RN Lee Example")


def test_a_draft_whose_dose_is_in_the_register_is_kept_until_the_entry_is_corrected(
        s8: object, services: object) -> None:
    register = s8.open_register(ESKETAMINE)
    s8.add(register.id, receipt(6))
    session_id = dosing_session(services)
    esketamine_given(services, session_id)
    given = s8.record_proposal(s8.proposal(session_id), recorded_by=BY)
    with pytest.raises(ConflictError, match=rf"in the Schedule 8 register \(entry {given.id}\)"):
        services.notes.delete_draft(session_id)
    s8.correct(given.id, 0, "Dose not given: session entered for the wrong client",
               recorded_by=BY)
    services.notes.delete_draft(session_id)
    assert s8.balance(register.id) == 6
    assert [e.kind for e in s8.entries(register.id)] == [
        EntryKind.RECEIPT, EntryKind.ADMINISTRATION, EntryKind.CORRECTION]


def test_deleting_a_client_leaves_the_register_entries_with_the_client_code(
        s8: object, services: object) -> None:
    register = s8.open_register(ESKETAMINE)
    s8.add(register.id, receipt(6))
    session_id = dosing_session(services)
    esketamine_given(services, session_id)
    s8.record_proposal(s8.proposal(session_id), recorded_by=BY)
    services.clients.delete(services.notes.client_id_of(session_id), typed_code="KAP-801")
    entries = s8.entries(register.id)
    assert entries[-1].client_code == "KAP-801" and entries[-1].balance == 4


def test_the_draft_session_pdf_lists_the_missing_register_entry_as_signing_would(
        s8: object, services: object) -> None:
    from kapnotes.services import exports

    s8.add(s8.open_register(ESKETAMINE).id, receipt(4))
    session_id = dosing_session(services)
    esketamine_given(services, session_id)
    job = exports.build_session_report(services, session_id, exports.options_for(services))
    assert "Schedule 8 register: this dose is not entered in the register" in repr(
        job.report.sections)
    s8.record_proposal(s8.proposal(session_id), recorded_by=BY)
    job = exports.build_session_report(services, session_id, exports.options_for(services))
    assert "Schedule 8 register" not in repr(job.report.sections)
