"""Rows of consent records (m018)."""

from __future__ import annotations

from datetime import date, datetime

from kapnotes.domain.consents import ConsentRecord
from kapnotes.storage.vault import Vault

_COLS = ("id, client_id, template_id, template_version, signed_on, review_on, withdrawn_on,"
         " withdrawal_reason")


def add(vault: Vault, client_id: int, template_id: str, version: int, signed_on: date,
        review_on: date, recorded_at: datetime) -> int:
    cur = vault.execute(
        "INSERT INTO consent_records (client_id, template_id, template_version, signed_on,"
        " review_on, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
        (client_id, template_id, version, signed_on.isoformat(), review_on.isoformat(),
         recorded_at.isoformat(timespec="seconds")))
    return int(cur.lastrowid)


def withdraw(vault: Vault, record_id: int, on: date, reason: str) -> None:
    vault.execute("UPDATE consent_records SET withdrawn_on = ?, withdrawal_reason = ?"
                  " WHERE id = ?", (on.isoformat(), reason, record_id))


def get(vault: Vault, record_id: int) -> ConsentRecord | None:
    rows = vault.query(f"SELECT {_COLS} FROM consent_records WHERE id = ?", (record_id,))
    return _record(rows[0]) if rows else None


def for_client(vault: Vault, client_id: int) -> list[ConsentRecord]:
    rows = vault.query(f"SELECT {_COLS} FROM consent_records WHERE client_id = ?"
                       " ORDER BY signed_on DESC, id DESC", (client_id,))
    return [_record(r) for r in rows]


def _record(r: tuple[object, ...]) -> ConsentRecord:
    return ConsentRecord(int(str(r[0])), int(str(r[1])), str(r[2]), int(str(r[3])),
                         date.fromisoformat(str(r[4])), date.fromisoformat(str(r[5])),
                         date.fromisoformat(str(r[6])) if r[6] is not None else None,
                         str(r[7]))


def any_kept(vault: Vault) -> bool:
    """Whether the vault holds any consent record (the practice keeps consents here)."""
    return vault.query_one("SELECT EXISTS (SELECT 1 FROM consent_records)")[0] == 1
