"""Per client, what the retention date is worked out from: date of birth, the first session,
and the last entry (the latest session, addendum, outcome measure or consent; the record's
creation when there is none)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kapnotes.storage.vault import Vault

_SQL = """
SELECT c.id, c.code, c.date_of_birth, substr(c.created_at, 1, 10),
  (SELECT min(substr(s.starts_at, 1, 10)) FROM sessions s JOIN courses k ON k.id = s.course_id
     WHERE k.client_id = c.id),
  COALESCE(NULLIF(max(
    COALESCE((SELECT max(substr(s.starts_at, 1, 10)) FROM sessions s
                JOIN courses k ON k.id = s.course_id WHERE k.client_id = c.id), ''),
    COALESCE((SELECT max(substr(a.created_at, 1, 10)) FROM addenda a
                JOIN sessions s ON s.id = a.session_id JOIN courses k ON k.id = s.course_id
                WHERE k.client_id = c.id), ''),
    COALESCE((SELECT max(substr(m.taken_on, 1, 10)) FROM measures m
                WHERE m.client_id = c.id), ''),
    COALESCE((SELECT max(r.signed_on) FROM consent_records r WHERE r.client_id = c.id), '')),
    ''), substr(c.created_at, 1, 10))
FROM clients c ORDER BY c.code
"""


@dataclass(frozen=True)
class ClientDates:
    client_id: int
    code: str
    born: date | None
    first_seen: date
    last_entry: date


def client_dates(vault: Vault) -> list[ClientDates]:
    out = []
    for cid, code, born, created, first, last in vault.query(_SQL):
        out.append(ClientDates(int(cid), str(code),
                               date.fromisoformat(born) if born else None,
                               date.fromisoformat(first or created),
                               date.fromisoformat(last)))
    return out
