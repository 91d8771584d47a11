"""Approval records, prior antidepressant trials and PBS details (schema step m015). Only
moves rows: what a record needs and when it warns is in kapnotes/domain/approval_rules.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from kapnotes.domain.approval_model import Approval
from kapnotes.domain.pbs import AntidepressantTrial, PbsDetails
from kapnotes.storage.rows import date_text, now_utc_text, to_date
from kapnotes.storage.vault import Vault

_COLS = ("kind, client_id, medicine, indication, reference, ethics_approval, prescriber,"
         " starts_on, ends_on, notes")


def _approval(r: Any) -> Approval:
    return Approval(kind=str(r[1]), client_id=None if r[2] is None else int(r[2]),
                    medicine=str(r[3]), indication=str(r[4]), reference=str(r[5]),
                    ethics_approval=str(r[6]), prescriber=str(r[7]),
                    starts_on=to_date(r[8]) or date.min, ends_on=to_date(r[9]) or date.min,
                    notes=str(r[10]), id=int(r[0]))


def _values(a: Approval) -> tuple[Any, ...]:
    return (a.kind, a.client_id, a.medicine, a.indication, a.reference, a.ethics_approval,
            a.prescriber, date_text(a.starts_on), date_text(a.ends_on), a.notes)


def add(vault: Vault, a: Approval) -> int:
    now = now_utc_text()
    cur = vault.execute(f"INSERT INTO approvals ({_COLS}, created_at, updated_at) VALUES"
                        " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (*_values(a), now, now))
    return int(cur.lastrowid)


def update(vault: Vault, a: Approval) -> None:
    sets = ", ".join(f"{c} = ?" for c in _COLS.split(", "))
    vault.execute(f"UPDATE approvals SET {sets}, updated_at = ? WHERE id = ?",
                  (*_values(a), now_utc_text(), a.id))


def delete(vault: Vault, approval_id: int) -> None:
    vault.execute("DELETE FROM approvals WHERE id = ?", (approval_id,))


def get(vault: Vault, approval_id: int) -> Approval | None:
    row = vault.query_one(f"SELECT id, {_COLS} FROM approvals WHERE id = ?", (approval_id,))
    return None if row is None else _approval(row)


def all_approvals(vault: Vault) -> list[Approval]:
    return [_approval(r) for r in vault.query(
        f"SELECT id, {_COLS} FROM approvals ORDER BY ends_on, id")]


def for_client(vault: Vault, client_id: int) -> list[Approval]:
    """The client's own approvals and every prescriber-level one (client_id NULL)."""
    return [_approval(r) for r in vault.query(
        f"SELECT id, {_COLS} FROM approvals WHERE client_id = ? OR client_id IS NULL"
        " ORDER BY ends_on, id", (client_id,))]


# -- PBS eligibility -----------------------------------------------------------------------
def add_trial(vault: Vault, client_id: int, t: AntidepressantTrial) -> int:
    cur = vault.execute(
        "INSERT INTO antidepressant_trials (client_id, medicine, dose, duration_weeks,"
        " response, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (client_id, t.medicine, t.dose, t.duration_weeks, t.response, now_utc_text()))
    return int(cur.lastrowid)


def delete_trial(vault: Vault, trial_id: int) -> int | None:
    """Remove a trial; its client's id (None if there was no such trial)."""
    row = vault.query_one("SELECT client_id FROM antidepressant_trials WHERE id = ?",
                          (trial_id,))
    if row is None:
        return None
    vault.execute("DELETE FROM antidepressant_trials WHERE id = ?", (trial_id,))
    return int(row[0])


def trials(vault: Vault, client_id: int) -> list[AntidepressantTrial]:
    return [AntidepressantTrial(str(r[1]), str(r[2]), None if r[3] is None else int(r[3]),
                                str(r[4]), id=int(r[0])) for r in vault.query(
        "SELECT id, medicine, dose, duration_weeks, response FROM antidepressant_trials"
        " WHERE client_id = ? ORDER BY id", (client_id,))]


def put_details(vault: Vault, client_id: int, d: PbsDetails) -> None:
    vault.execute(
        "INSERT INTO pbs_details (client_id, oral_antidepressant, antidepressant_start,"
        " specialist, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (client_id) DO UPDATE SET"
        " oral_antidepressant = excluded.oral_antidepressant, antidepressant_start ="
        " excluded.antidepressant_start, specialist = excluded.specialist,"
        " updated_at = excluded.updated_at",
        (client_id, d.oral_antidepressant, date_text(d.antidepressant_start), d.specialist,
         now_utc_text()))


def details(vault: Vault, client_id: int) -> PbsDetails:
    row = vault.query_one("SELECT oral_antidepressant, antidepressant_start, specialist"
                          " FROM pbs_details WHERE client_id = ?", (client_id,))
    return PbsDetails() if row is None else PbsDetails(str(row[0]), to_date(row[1]),
                                                       str(row[2]))
