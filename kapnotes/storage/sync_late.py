"""A vitals reading that reaches this vault after its note was signed here
(docs/PRACTICE-SERVER.md, "Sync on the workstation").

A nurse offline records a reading on a dosing draft; meanwhile another workstation signs the
note. The server takes both (a reading is insert-only, like an addendum), but a signed note in
this vault takes no more readings: its dosing record is sealed. So the reading is added the way
a signed record is added to, as an addendum saying what was read, when, and that it was entered
elsewhere after signing; the addendum is chained to the note's seal and the audit log records
it. Every vault that meets the reading after signing writes the same words, and the reading's
UUID marks the addendum, so a reading pulled again is not added twice.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage import audit, seals
from kapnotes.storage.sync_payloads import local_id_of
from kapnotes.storage.vault import Vault

_ROLES = {"pre_dose": "before the dose", "forty_minutes": "at 40 minutes",
          "end_of_session": "at the end of the session", "extra": "extra reading"}


def signed_session_of(vault: Vault, payload: dict[str, Any]) -> int | None:
    """The local note a reading belongs to, when this vault holds it signed."""
    ref = payload.get("session_uuid")
    sid = local_id_of(vault, "sessions", str(ref)) if isinstance(ref, str) else None
    if sid is None:
        return None
    row = vault.query_one("SELECT signed_at FROM sessions WHERE id = ?", (sid,))
    return sid if row is not None and row[0] is not None else None


def reading_words(payload: dict[str, Any]) -> str:
    parts = []
    if payload.get("systolic") is not None and payload.get("diastolic") is not None:
        parts.append(f"BP {payload['systolic']}/{payload['diastolic']}")
    if payload.get("heart_rate") is not None:
        parts.append(f"HR {payload['heart_rate']}")
    if payload.get("spo2") is not None:
        parts.append(f"SpO2 {payload['spo2']}%")
    role = _ROLES.get(str(payload.get("role")), str(payload.get("role") or "reading"))
    taken = str(payload.get("taken_at") or "")[:16].replace("T", " ")
    return (f"Vitals {role}, taken {taken} UTC, entered on another workstation after this note "
            f"was signed: {', '.join(parts) or 'no values'}.")


def add_late_reading(vault: Vault, session_id: int, reading_uuid: str, version: int,
                     payload: dict[str, Any], author: str, now: str) -> int:
    """The reading as an addendum of the signed note, sealed and audited; returns its id."""
    cur = vault.execute("INSERT INTO addenda (session_id, text, author, created_at)"
                        " VALUES (?, ?, ?, ?)", (session_id, reading_words(payload), author, now))
    addendum_id = int(cur.lastrowid)
    # The addendum stands for the reading: its UUID, already agreed with the server.
    vault.execute("UPDATE sync_ids SET uuid = ?, version = ? WHERE tbl = 'addenda'"
                  " AND local_id = ?", (reading_uuid, version, addendum_id))
    seals.seal_session(vault, session_id)
    audit.record(vault, "practice.late_reading", record_type="session", record_id=session_id,
                 detail=f"reading {reading_uuid} from {author} added as addendum {addendum_id}")
    return addendum_id
