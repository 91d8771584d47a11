"""Consents, their withdrawals and contraindication screens as practice-server payloads, and
back (schema step 024; registered in kapnotes/storage/sync_kinds.py).

All three are insert-only, as the vault keeps them: what was signed never changes, a
withdrawal is an entry of its own (kind `consent_withdrawal`, naming `consent_uuid`), a screen
is never overwritten (its answers travel inside it). An incoming row already held here is
left as it is. A consent withdrawn here and on another workstation apart holds the withdrawal
this vault recorded first (a withdrawal is final, m018); the other one is kept as a conflict
copy for a person to see. Messages name kind and UUID only.
"""

from __future__ import annotations

import json
from typing import Any

from kapnotes.storage.sync_values import (
    MissingRow,
    insert_row,
    local_id_of,
    needed_ref,
    plain,
    uuid_of,
)
from kapnotes.storage.vault import Vault

_CONSENT = ("id", "template_id", "template_version", "signed_on", "review_on", "recorded_at")
_SCREEN = ("id", "screened_on", "screened_by", "medicines", "created_at")


def _values(kind: str, uuid: str, payload: dict[str, Any], names: tuple[str, ...]
            ) -> list[Any]:
    return [plain(kind, uuid, n, payload.get(n)) for n in names if n != "id"]


# -- consents --------------------------------------------------------------------------------
def pack_consent(vault: Vault, local_id: int) -> dict[str, Any] | None:
    row = vault.query_one(f"SELECT client_id, {', '.join(_CONSENT)} FROM consent_records"
                          " WHERE id = ?", (local_id,))
    if row is None:
        return None
    return {**dict(zip(_CONSENT, row[1:], strict=True)),
            "client_uuid": uuid_of(vault, "clients", int(row[0]))}


def write_consent(vault: Vault, uuid: str, payload: dict[str, Any]) -> int:
    local = local_id_of(vault, "consent_records", uuid)
    if local is not None:
        return local
    client = needed_ref(vault, "consent", uuid, payload, "client_uuid", "clients", "client")
    names = _CONSENT[1:]
    return insert_row(vault, "consent_records", uuid, {
        "client_id": client, **dict(zip(names, _values("consent", uuid, payload, names),
                                        strict=True))})


def pack_withdrawal(vault: Vault, local_id: int) -> dict[str, Any] | None:
    row = vault.query_one("SELECT withdrawn_on, withdrawal_reason FROM consent_records"
                          " WHERE id = ? AND withdrawn_on IS NOT NULL", (local_id,))
    if row is None:
        return None
    return {"id": local_id, "consent_uuid": uuid_of(vault, "consent_records", local_id),
            "withdrawn_on": row[0], "withdrawal_reason": row[1]}


def write_withdrawal(vault: Vault, uuid: str, payload: dict[str, Any]) -> int:
    held = local_id_of(vault, "consent_withdrawals", uuid)
    if held is not None:
        return held
    consent = needed_ref(vault, "consent_withdrawal", uuid, payload, "consent_uuid",
                         "consent_records", "consent")
    on, why = _values("consent_withdrawal", uuid, payload, ("withdrawn_on", "withdrawal_reason"))
    done = vault.execute("UPDATE consent_records SET withdrawn_on = ?, withdrawal_reason = ?"
                         " WHERE id = ? AND withdrawn_on IS NULL", (on, why, consent))
    if done.rowcount:
        vault.execute("UPDATE sync_ids SET uuid = ? WHERE tbl = 'consent_withdrawals'"
                      " AND local_id = ?", (uuid, consent))
    else:
        _second_withdrawal(vault, uuid, payload)
    return consent


def _second_withdrawal(vault: Vault, uuid: str, payload: dict[str, Any]) -> None:
    """Withdrawn here already, apart: final here, so the other entry is shown to a person."""
    from kapnotes.storage.sync_outbox import payload_text, record_conflict_copy  # no cycle

    if vault.query_one("SELECT 1 FROM sync_conflicts WHERE row_uuid = ?", (uuid,)) is None:
        code = vault.query_one("SELECT cl.code FROM consent_records r JOIN clients cl"
                               " ON cl.id = r.client_id JOIN sync_ids i ON i.local_id = r.id"
                               " AND i.tbl = 'consent_records' WHERE i.uuid = ?",
                               (payload.get("consent_uuid"),))
        now = vault.query_one("SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now')")[0]
        record_conflict_copy(vault, "consent_withdrawal", code[0] if code else None, uuid,
                             None, payload_text(payload), None, str(now),
                             detail="a second withdrawal of a consent withdrawn here")


# -- screens ---------------------------------------------------------------------------------
def pack_screen(vault: Vault, local_id: int) -> dict[str, Any] | None:
    row = vault.query_one(f"SELECT client_id, {', '.join(_SCREEN)} FROM screens WHERE id = ?",
                          (local_id,))
    if row is None:
        return None
    answers = [{"item": r[0], "answer": r[1], "note": r[2]} for r in vault.query(
        "SELECT item, answer, note FROM screen_answers WHERE screen_id = ? ORDER BY item",
        (local_id,))]
    return {**dict(zip(_SCREEN, row[1:], strict=True)),
            "client_uuid": uuid_of(vault, "clients", int(row[0])), "answers": answers}


def write_screen(vault: Vault, uuid: str, payload: dict[str, Any]) -> int:
    local = local_id_of(vault, "screens", uuid)
    if local is not None:
        return local
    client = needed_ref(vault, "screen", uuid, payload, "client_uuid", "clients", "client")
    answers = payload.get("answers")
    if not isinstance(answers, list) or not all(isinstance(a, dict) for a in answers):
        raise MissingRow(f"screen {uuid}: its answers are not a list of answers")
    try:
        medicines = json.loads(str(payload.get("medicines")))
    except ValueError:
        medicines = None
    if not isinstance(medicines, list):
        raise MissingRow(f"screen {uuid}: its medicines are not a list")
    names = _SCREEN[1:]
    screen = insert_row(vault, "screens", uuid, {
        "client_id": client, **dict(zip(names, _values("screen", uuid, payload, names),
                                        strict=True))})
    for a in answers:
        vault.execute("INSERT INTO screen_answers (screen_id, item, answer, note)"
                      " VALUES (?, ?, ?, ?)",
                      (screen, *_values("screen", uuid, a, ("item", "answer", "note"))))
    return screen
