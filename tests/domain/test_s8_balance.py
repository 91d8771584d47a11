"""The Schedule 8 register's balance invariants under random use (issue 19): hypothesis
drives receipts, administrations, wastage, transfers, stocktakes and corrections through the
real service over a real vault; after every step the stored balances follow from the changes,
never go below zero, and every stocktake that moved the balance is flagged and explained."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from helpers.basics import TEST_PASSPHRASE, FakeClock
from helpers.s8 import dosing_session
from helpers.vault_template import copy_vault
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.jurisdiction_model import EntryKind
from kapnotes.domain.s8_proposal import best_product
from kapnotes.domain.s8_register import EntryDraft, running_ok
from kapnotes.jurisdiction import pack
from kapnotes.services.container import build_services
from kapnotes.services.s8_register import S8RegisterService
from kapnotes.storage import lifecycle

WHEN = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
BY = "Dr Kim Sample"

steps = st.lists(st.tuples(
    st.sampled_from(["receipt", "administration", "wastage", "transfer_out", "stocktake",
                     "correction"]),
    st.integers(min_value=0, max_value=12), st.booleans()), min_size=1, max_size=25)


def draft(kind: str, quantity: int, explained: bool, session_id: int) -> EntryDraft:
    dosed = kind == "administration"
    return EntryDraft(EntryKind(kind), WHEN, quantity, BY, supplier="Harbour Pharmacy",
                      invoice="INV-1", party="Bay St Clinic", witness="RN Lee Example",
                      explanation="Counted twice" if explained else "",
                      session_id=session_id if dosed else None,
                      dose_mg=28.0 * max(quantity, 1) if dosed else None)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=steps)
def test_random_register_use_keeps_the_balance_invariants(tmp_path: Path, vault_template: Path,
                                                         plan: list) -> None:
    path = copy_vault(vault_template, tmp_path / f"v{abs(hash(str(plan)))}.kapnotes")
    vault = lifecycle.unlock_vault(path, passphrase=TEST_PASSPHRASE)
    try:
        services = build_services(vault, clock=FakeClock(),
                                  practice_templates=tmp_path / "templates")
        session_id = dosing_session(services)
        s8 = S8RegisterService(vault, clock=FakeClock(), pack=lambda: pack("AU-VIC"))
        register = s8.open_register("esketamine_28mg_nasal_device")
        expected = 0
        for kind, quantity, explained in plan:
            before = s8.entries(register.id)
            try:
                if kind == "correction":
                    targets = [e for e in before if e.kind is not EntryKind.CORRECTION]
                    if not targets:
                        continue
                    entry = s8.correct(targets[-1].id, quantity,
                                       "Miscounted" if explained else "", recorded_by=BY)
                else:
                    entry = s8.add(register.id, draft(kind, quantity, explained, session_id))
            except ValidationError:
                assert s8.entries(register.id) == before  # a refusal changes nothing
                continue
            expected += entry.change
            if entry.kind is EntryKind.STOCKTAKE:
                assert entry.balance == quantity
                assert entry.discrepancy == (entry.change != 0)
                assert not entry.discrepancy or entry.explanation
        entries = s8.entries(register.id)
        assert running_ok(entries) and all(e.balance >= 0 for e in entries)
        assert s8.balance(register.id) == expected
    finally:
        vault.close()


def test_the_product_for_a_dose_wastes_least() -> None:
    lozenges = pack("AU-NSW").products_for("ketamine", "sublingual")
    assert best_product(lozenges, 150).strength == "50 mg"
    assert best_product(lozenges, 200).strength == "100 mg"
    assert best_product(lozenges, 25).strength == "25 mg"
