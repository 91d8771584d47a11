"""Schedule 8 registers and their append-only entries (schema step m012). Only moves rows:
the rules (what an entry needs, the balance) are in kapnotes/domain/s8_register.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kapnotes.domain.jurisdiction_model import EntryKind, Product
from kapnotes.domain.s8_register import (
    EntryDraft,
    Register,
    RegisterEntry,
    in_register_order,
)
from kapnotes.storage.monitoring import time_text, to_instant
from kapnotes.storage.rows import now_utc_text
from kapnotes.storage.vault import Vault

_REGISTER = "id, product_id, title, unit, mg_per_unit, ml_per_unit, medicine"
_ENTRY = ("id, register_id, kind, occurred_at, recorded_at, quantity, change, balance,"
          " recorded_by, witness, supplier, invoice, party, session_id, client_code, dose_mg,"
          " discarded_mg, explanation, corrects_id")


def _register(r: Any) -> Register:
    return Register(int(r[0]), str(r[1]), str(r[2]), str(r[3]), float(r[4]),
                    None if r[5] is None else float(r[5]), str(r[6]))


def _entry(r: Any) -> RegisterEntry:
    return RegisterEntry(
        id=int(r[0]), register_id=int(r[1]), kind=EntryKind(r[2]),
        occurred_at=to_instant(r[3]) or datetime.min, recorded_at=to_instant(r[4]) or datetime.min,
        quantity=int(r[5]), change=int(r[6]), balance=int(r[7]), recorded_by=str(r[8]),
        witness=str(r[9]), supplier=str(r[10]), invoice=str(r[11]), party=str(r[12]),
        session_id=None if r[13] is None else int(r[13]), client_code=str(r[14]),
        dose_mg=None if r[15] is None else float(r[15]),
        discarded_mg=None if r[16] is None else float(r[16]), explanation=str(r[17]),
        corrects_id=None if r[18] is None else int(r[18]))


def open_register(vault: Vault, product: Product, jurisdiction: str) -> Register:
    """The register of `product`, opened (created) the first time it is asked for."""
    row = vault.query_one(f"SELECT {_REGISTER} FROM s8_registers WHERE product_id = ?",
                          (product.id,))
    if row is None:
        vault.execute(
            "INSERT INTO s8_registers (product_id, medicine, title, unit, mg_per_unit,"
            " ml_per_unit, jurisdiction, opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (product.id, product.medicine, product.title, product.unit, product.mg_per_unit,
             product.ml_per_unit, jurisdiction, now_utc_text()))
        row = vault.query_one(f"SELECT {_REGISTER} FROM s8_registers WHERE product_id = ?",
                              (product.id,))
    return _register(row)


def registers(vault: Vault) -> list[Register]:
    return [_register(r) for r in vault.query(
        f"SELECT {_REGISTER} FROM s8_registers ORDER BY title, id")]


def register(vault: Vault, register_id: int) -> Register | None:
    row = vault.query_one(f"SELECT {_REGISTER} FROM s8_registers WHERE id = ?", (register_id,))
    return None if row is None else _register(row)


def balance(vault: Vault, register_id: int) -> int:
    """The running balance after the register's last entry, in the practice order."""
    found = entries(vault, register_id)
    return found[-1].balance if found else 0


def add_entry(vault: Vault, register_id: int, draft: EntryDraft, change: int, balance_after: int,
              client_code: str) -> int:
    """Append one entry (the caller holds the transaction it computed `change` in)."""
    cur = vault.execute(
        f"INSERT INTO s8_entries ({_ENTRY.split(', ', 1)[1]}) VALUES"
        " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (register_id, draft.kind.value, time_text(draft.occurred_at), now_utc_text(),
         draft.quantity, change, balance_after, draft.recorded_by, draft.witness,
         draft.supplier, draft.invoice, draft.party, draft.session_id, client_code,
         draft.dose_mg, draft.discarded_mg, draft.explanation, draft.corrects_id))
    return int(cur.lastrowid)


def entries(vault: Vault, register_id: int) -> list[RegisterEntry]:
    """Every entry of the register in the order of its running balance: the order the
    practice server took them (schema step 026), then those not on it yet, as entered here
    (a vault never joined: the order entered). Changes and balances are the ones that order
    gives (kapnotes/domain/s8_register.py `in_register_order`)."""
    return in_register_order([_entry(r) for r in vault.query(
        f"SELECT {_ENTRY} FROM s8_entries LEFT JOIN s8_entry_seq ON entry_id = id"
        " WHERE register_id = ? ORDER BY seq IS NULL, seq, id", (register_id,))])


def entry(vault: Vault, entry_id: int) -> RegisterEntry | None:
    row = vault.query_one(f"SELECT {_ENTRY} FROM s8_entries WHERE id = ?", (entry_id,))
    return None if row is None else _entry(row)


def session_entries(vault: Vault, session_id: int) -> list[RegisterEntry]:
    return [_entry(r) for r in vault.query(
        f"SELECT {_ENTRY} FROM s8_entries WHERE session_id = ? ORDER BY id", (session_id,))]
