"""A client's approvals (a permit, an authority, an authorisation with its dates) as
practice-server payloads, and back (schema step 028; registered in
kapnotes/storage/sync_kinds.py).

An approval is edited, not insert-only: each edit carries the version it was based on, so an
edit made on two workstations apart leaves the later one as a conflict copy for a person; a
deletion goes out as a void with its reason. A prescriber's own approvals (no client) are not
shared: they belong to no care team. Messages name kind and UUID only.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.sync_values import insert_row, local_id_of, needed_ref, plain, uuid_of
from kapnotes.storage.vault import Vault

_COLS = ("id", "kind", "medicine", "indication", "reference", "ethics_approval", "prescriber",
         "starts_on", "ends_on", "notes", "created_at", "updated_at")


def pack_approval(vault: Vault, local_id: int) -> dict[str, Any] | None:
    row = vault.query_one(f"SELECT client_id, {', '.join(_COLS)} FROM approvals WHERE id = ?",
                          (local_id,))
    if row is None or row[0] is None:
        return None
    return {**dict(zip(_COLS, row[1:], strict=True)),
            "client_uuid": uuid_of(vault, "clients", int(row[0]))}


def write_approval(vault: Vault, uuid: str, payload: dict[str, Any]) -> int:
    client = needed_ref(vault, "approval", uuid, payload, "client_uuid", "clients", "client")
    values = {c: plain("approval", uuid, c, payload.get(c)) for c in _COLS[1:]}
    local = local_id_of(vault, "approvals", uuid)
    if local is None:
        return insert_row(vault, "approvals", uuid, {"client_id": client, **values})
    vault.execute(f"UPDATE approvals SET {', '.join(f'{c} = ?' for c in values)}"
                  " WHERE id = ?", (*values.values(), local))
    return local
