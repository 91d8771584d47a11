"""A course's planned session slots inside its practice-server payload (`"plan"`), and back
(schema step 027).

Each slot is its columns by name but its local ids: the session held in it as `session_uuid`
(or null). Slots are matched by their place in the plan (`seq`, unique within a course): a
slot the payload has is written, one it lacks is removed, and a payload without `"plan"`
(sent before plans travelled) leaves this vault's plan as it is. A session this vault does not
hold yet is linked when it arrives (`sync_slot_links`). Messages name kind and UUID only.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.sync_values import MissingRow, local_id_of, plain, uuid_of
from kapnotes.storage.vault import Vault

_COLS = ("seq", "kind", "planned_date", "original_date", "label", "dose_number", "skipped",
         "change_reason")


def plan_of(vault: Vault, course_id: int) -> list[dict[str, Any]]:
    out = []
    for row in vault.query(f"SELECT session_id, {', '.join(_COLS)} FROM planned_slots"
                           " WHERE course_id = ? ORDER BY seq", (course_id,)):
        slot = dict(zip(_COLS, row[1:], strict=True))
        slot["session_uuid"] = None if row[0] is None else uuid_of(vault, "sessions",
                                                                   int(row[0]))
        out.append(slot)
    return out


def write_plan(vault: Vault, course_uuid: str, course_id: int, plan: Any) -> None:
    if plan is None:
        return
    if not isinstance(plan, list) or not all(isinstance(s, dict) for s in plan):
        raise MissingRow(f"course {course_uuid}: its plan is not a list of slots")
    have = {int(r[0]): int(r[1]) for r in vault.query(
        "SELECT seq, id FROM planned_slots WHERE course_id = ?", (course_id,))}
    sent = {plain("course", course_uuid, "seq", s.get("seq")) for s in plan}
    for seq, slot_id in have.items():
        if seq not in sent:
            vault.execute("DELETE FROM planned_slots WHERE id = ?", (slot_id,))
    for slot in plan:
        values = {c: plain("course", course_uuid, c, slot.get(c)) for c in _COLS}
        ref = slot.get("session_uuid")
        session = local_id_of(vault, "sessions", ref) if isinstance(ref, str) else None
        values["session_id"] = session
        known = have.get(values["seq"])
        if known is None:
            cur = vault.execute(f"INSERT INTO planned_slots (course_id, {', '.join(values)})"
                                f" VALUES (?, {', '.join('?' * len(values))})",
                                (course_id, *values.values()))
            slot_id = int(cur.lastrowid)
        else:
            slot_id = known
            vault.execute(f"UPDATE planned_slots SET {', '.join(f'{c} = ?' for c in values)}"
                          " WHERE id = ?", (*values.values(), slot_id))
        vault.execute("DELETE FROM sync_slot_links WHERE slot_id = ?", (slot_id,))
        if session is None and isinstance(ref, str):
            vault.execute("INSERT INTO sync_slot_links (slot_id, session_uuid) VALUES (?, ?)",
                          (slot_id, ref))
