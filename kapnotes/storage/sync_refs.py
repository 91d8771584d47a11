"""A pulled row stays inside the client it is filed under (docs/PRACTICE-SERVER.md, "What the
server enforces"). The server lets a login file rows only under the clients of its care teams,
but it does not read what a payload names: a row pushed by hand under one client that names
another client's records (its details by code, its consent, approval, course, note or vitals
readings) must not be written into that other client's record here. `foreign_reference`
names the first such reference; sync_apply leaves the row waiting for a person. A reference
to a row not held here names nothing here: the row waits for it (or not) as before, and is
checked again when it is tried again. Messages name kind and UUID only, never content.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kapnotes.domain.sync_ops import IncomingRow
from kapnotes.storage.sync_payloads import client_code
from kapnotes.storage.sync_values import local_id_of
from kapnotes.storage.vault import Vault

# Payload keys naming another shared row by UUID, and the table that row is in.
_REFERENCES = {"client_uuid": "clients", "course_uuid": "courses", "session_uuid": "sessions",
               "linked_dosing_uuid": "sessions", "corrects_uuid": "vitals_readings",
               "consent_uuid": "consent_records"}


def foreign_reference(vault: Vault, table: str, row: IncomingRow) -> str | None:
    """The payload key of a reference to a record of a client other than `row.client_code`,
    or None when every record it names here is of that client."""
    payload = row.payload
    if table == "clients":
        code = payload.get("code")
        return "code" if code is not None and code != row.client_code else None
    for key, ref_table, ref in _references(table, payload):
        local = local_id_of(vault, ref_table, ref)
        if local is not None and client_code(vault, ref_table, local) != row.client_code:
            return key
    return None


def _references(table: str, payload: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    for key, ref_table in _REFERENCES.items():
        if isinstance(payload.get(key), str):
            yield key, ref_table, payload[key]
    if table == "courses" and isinstance(payload.get("plan"), list):  # a slot's session
        for slot in payload["plan"]:
            if isinstance(slot, dict) and isinstance(slot.get("session_uuid"), str):
                yield "plan", "sessions", slot["session_uuid"]
    struck = payload.get("vitals_struck")
    if table == "sessions" and isinstance(struck, dict):  # readings this note strikes
        for reading in struck:
            yield "vitals_struck", "vitals_readings", str(reading)
