"""Client records: insert, update, read, list with next planned session, archive, delete."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from kapnotes.domain.errors import ConflictError, NotFoundError
from kapnotes.domain.models import Client, ClientSummary
from kapnotes.storage.rows import date_text, now_utc_text, to_date, to_datetime
from kapnotes.storage.vault import Vault

_FIELDS = (
    "code", "full_name", "preferred_name", "date_of_birth", "phone", "email", "address",
    "support_person", "support_relationship", "support_phone", "referring_clinician",
    "prescriber", "diagnosis", "antidepressant_trials", "medicines", "background",
    "other_names",
)


def _params(client: Client) -> dict[str, Any]:
    params = {name: getattr(client, name) for name in _FIELDS}
    params["date_of_birth"] = date_text(client.date_of_birth)
    params["medicines"] = json.dumps(list(client.medicines), ensure_ascii=False)
    return params


def _from_row(row: Any) -> Client:
    values = dict(zip(("id", *_FIELDS, "archived_at"), row, strict=True))
    values["date_of_birth"] = to_date(values["date_of_birth"])
    values["medicines"] = tuple(json.loads(values["medicines"]))
    values["archived_at"] = to_datetime(values["archived_at"])
    return Client(**values)


_SELECT = f"SELECT id, {', '.join(_FIELDS)}, archived_at FROM clients"


def insert(vault: Vault, client: Client) -> int:
    params = _params(client)
    params["now"] = now_utc_text()
    cols = ", ".join(_FIELDS)
    marks = ", ".join(f":{f}" for f in _FIELDS)
    try:
        cur = vault.execute(
            f"INSERT INTO clients ({cols}, created_at, updated_at) VALUES ({marks}, :now, :now)",
            params,
        )
    except ConflictError:  # the UNIQUE code, as the storage boundary reports it
        raise ConflictError(f"A client with code {client.code} already exists.") from None
    return int(cur.lastrowid)


def update(vault: Vault, client: Client) -> None:
    if client.id is None:
        raise NotFoundError("This client has not been saved yet.")
    params = _params(client)
    params.update(id=client.id, now=now_utc_text())
    sets = ", ".join(f"{f} = :{f}" for f in _FIELDS)
    try:
        cur = vault.execute(
            f"UPDATE clients SET {sets}, updated_at = :now WHERE id = :id", params
        )
    except ConflictError:
        raise ConflictError(f"A client with code {client.code} already exists.") from None
    if cur.rowcount == 0:
        raise NotFoundError(f"Client {client.id} no longer exists.")


def get(vault: Vault, client_id: int) -> Client:
    row = vault.query_one(f"{_SELECT} WHERE id = ?", (client_id,))
    if row is None:
        raise NotFoundError(f"Client {client_id} does not exist.")
    return _from_row(row)


def get_by_code(vault: Vault, code: str) -> Client | None:
    row = vault.query_one(f"{_SELECT} WHERE code = ?", (code,))
    return _from_row(row) if row else None


def any_client(vault: Vault) -> bool:
    return bool(vault.query_one("SELECT EXISTS (SELECT 1 FROM clients)")[0])


def set_archived(vault: Vault, client_id: int, at: datetime | None) -> None:
    """Archive the client at the aware instant `at` (the services' clock), or unarchive it."""
    stamp = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if at is not None else None
    cur = vault.execute(
        "UPDATE clients SET archived_at = ?, updated_at = ? WHERE id = ?",
        (stamp, now_utc_text(), client_id),
    )
    if cur.rowcount == 0:
        raise NotFoundError(f"Client {client_id} does not exist.")


def session_ids(vault: Vault, client_id: int) -> list[int]:
    """Every session of every course of the client (what deleting the client removes)."""
    return [int(r[0]) for r in vault.query(
        "SELECT s.id FROM sessions s JOIN courses c ON c.id = s.course_id"
        " WHERE c.client_id = ? ORDER BY s.id", (client_id,))]


def delete(vault: Vault, client_id: int) -> None:
    cur = vault.execute("DELETE FROM clients WHERE id = ?", (client_id,))
    if cur.rowcount == 0:
        raise NotFoundError(f"Client {client_id} does not exist.")


_COUNTS = """(SELECT count(*) FROM courses co WHERE co.client_id = c.id),
               (SELECT count(*) FROM sessions s JOIN courses co ON co.id = s.course_id
                 WHERE co.client_id = c.id)"""

# The next open slot of the client's active courses. m004's partial indexes courses_active and
# planned_slots_open serve it only while these terms imply their WHERE clauses: keep them alike.
_NEXT_PLANNED = """(SELECT ps.planned_date || '|' || ps.kind FROM planned_slots ps
                  JOIN courses co ON co.id = ps.course_id
                 WHERE co.client_id = c.id AND co.status = 'active' AND ps.skipped = 0
                   AND ps.session_id IS NULL AND ps.planned_date >= :today
                 ORDER BY ps.planned_date, ps.seq LIMIT 1)"""


def summaries_sql(*, with_counts: bool = True) -> str:
    """The query `summaries` runs (parameters :today and :all), for tests of its plan."""
    counts = _COUNTS if with_counts else "NULL, NULL"
    return f"""
        SELECT c.id, c.code, c.full_name, c.preferred_name, c.archived_at IS NOT NULL,
               {counts},
               {_NEXT_PLANNED}
          FROM clients c
         WHERE :all OR c.archived_at IS NULL
        """


def summaries(vault: Vault, *, today: date, include_archived: bool = False,
              with_counts: bool = True) -> list[ClientSummary]:
    """Client list rows with the next planned (not skipped, not held) slot, and counts.

    `with_counts=False` leaves the counts None: counting every session of a large practice
    reads its whole sessions index, which the window's client list does not show.
    """
    rows = vault.query(
        summaries_sql(with_counts=with_counts),
        {"today": today.isoformat(), "all": 1 if include_archived else 0},
    )
    out = []
    for r in rows:
        next_date, next_kind = (r[7].split("|", 1) if r[7] else (None, None))
        out.append(ClientSummary(
            id=r[0], code=r[1], full_name=r[2], preferred_name=r[3], archived=bool(r[4]),
            courses=r[5], sessions=r[6], next_planned=to_date(next_date),
            next_planned_kind=next_kind,
        ))
    return out
