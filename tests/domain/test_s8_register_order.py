"""The register's running balance in the practice order (issue 20, docs/PRACTICE-SERVER.md
"The Schedule 8 register"): entries stored on two workstations, each with the change and
balance its own workstation computed, recomputed in the order the server took them."""

from __future__ import annotations

from datetime import UTC, datetime

from kapnotes.domain.jurisdiction_model import EntryKind
from kapnotes.domain.s8_register import RegisterEntry, in_register_order

WHEN = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def line(entry_id: int, kind: EntryKind, quantity: int, change: int, balance: int,
         corrects: int | None = None) -> RegisterEntry:
    return RegisterEntry(entry_id, 1, kind, WHEN, WHEN, quantity, change, balance, "Fictional",
                         corrects_id=corrects)


def shown(entries: list[RegisterEntry]) -> list[tuple[int, int, int]]:
    return [(e.id, e.change, e.balance) for e in in_register_order(entries)]


def test_a_vault_alone_gets_back_what_it_stored() -> None:
    stored = [line(1, EntryKind.RECEIPT, 10, 10, 10), line(2, EntryKind.ADMINISTRATION, 2, -2, 8),
              line(3, EntryKind.STOCKTAKE, 7, -1, 7), line(4, EntryKind.CORRECTION, 1, 1, 8, 2)]
    assert in_register_order(stored) == stored


def test_entries_made_apart_are_recomputed_in_the_order_given() -> None:
    # A: receipt 10 (10), then a dose of 2 (8). B, having seen the receipt: a stocktake that
    # counted 8 (discrepancy -2 there, before A's dose reached it), then a correction of the
    # receipt to 12 (+2 → 10 there).
    receipt = line(1, EntryKind.RECEIPT, 10, 10, 10)
    dose = line(2, EntryKind.ADMINISTRATION, 2, -2, 8)
    count = line(3, EntryKind.STOCKTAKE, 8, -2, 8)
    fix = line(4, EntryKind.CORRECTION, 12, 2, 10, corrects=1)
    # The server took them as receipt, dose, count, correction: the count matches (no
    # discrepancy), the correction adds the two missing units.
    assert shown([receipt, dose, count, fix]) == [(1, 10, 10), (2, -2, 8), (3, 0, 8), (4, 2, 10)]
    # Two corrections of one entry apart: each moves the balance from what the one before it
    # made the entry stand for.
    again = line(5, EntryKind.CORRECTION, 11, 1, 11, corrects=1)
    assert shown([receipt, fix, again]) == [(1, 10, 10), (4, 2, 12), (5, -1, 11)]


def test_the_same_last_units_drawn_apart_go_below_zero_and_a_count_rights_it() -> None:
    receipt = line(1, EntryKind.RECEIPT, 2, 2, 2)
    a = line(2, EntryKind.ADMINISTRATION, 2, -2, 0)
    b = line(3, EntryKind.TRANSFER_OUT, 2, -2, 0)
    count = line(4, EntryKind.STOCKTAKE, 0, 0, 0)
    assert shown([receipt, a, b, count]) == [(1, 2, 2), (2, -2, 0), (3, -2, -2), (4, 2, 0)]
