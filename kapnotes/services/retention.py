"""The retention view's data: each client's keep-until date under the chosen jurisdiction
pack's `retention` rule (kapnotes/domain/retention.py), and which are past it on a day.

Nothing is ever deleted here or automatically: the view lists, and a deletion goes through the
one client deletion path (ClientService.delete: the code typed, audited, a tombstone) with the
retention date as its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from kapnotes.domain.dates import human_date
from kapnotes.domain.jurisdiction_model import JurisdictionPack
from kapnotes.domain.retention import RetentionRule, keep_until
from kapnotes.jurisdiction import current_jurisdiction
from kapnotes.services.clients import ClientService
from kapnotes.services.clock import Clock, system_clock
from kapnotes.storage.retention_rows import client_dates
from kapnotes.storage.vault import Vault


@dataclass(frozen=True)
class RetentionRow:
    client_id: int
    code: str
    last_entry: date
    keep_until: date
    first_seen_as_minor: bool
    birth_date_unknown: bool

    @property
    def basis(self) -> str:
        if self.first_seen_as_minor:
            return "first seen as a minor"
        return "adult (no date of birth)" if self.birth_date_unknown else "adult"


class RetentionService:
    def __init__(self, vault: Vault, clients: ClientService, *, clock: Clock = system_clock,
                 pack: Callable[[], JurisdictionPack | None] = current_jurisdiction) -> None:
        self.vault = vault
        self.clients = clients
        self.clock = clock
        self._pack = pack

    def rule(self) -> RetentionRule | None:
        chosen = self._pack()
        rule = chosen.slots.get("retention") if chosen is not None else None
        return rule if isinstance(rule, RetentionRule) else None

    def rows(self) -> list[RetentionRow]:
        """Every client with their keep-until date (empty without a rule)."""
        rule = self.rule()
        if rule is None:
            return []
        out = []
        for d in client_dates(self.vault):
            kept = keep_until(rule, last_entry=d.last_entry, first_seen=d.first_seen,
                              born=d.born)
            out.append(RetentionRow(d.client_id, d.code, d.last_entry, kept.keep_until,
                                    kept.first_seen_as_minor, kept.birth_date_unknown))
        return out

    def past_date(self, on: date | None = None) -> list[RetentionRow]:
        """Clients whose records are past their keep-until date on `on` (default today),
        the longest past first."""
        day = on if on is not None else self.clock().date()
        return sorted((r for r in self.rows() if r.keep_until < day),
                      key=lambda r: (r.keep_until, r.code))

    def deletion_reason(self, client_id: int) -> str:
        """What the tombstone says of a client listed as past their date ("" if not listed)."""
        row = next((r for r in self.past_date() if r.client_id == client_id), None)
        return (f"retention: kept until {human_date(row.keep_until)} ({row.basis})"
                if row is not None else "")

    def delete_past_date(self, client_id: int, *, typed_code: str) -> None:
        """Delete a client listed as past their date (through the one deletion path)."""
        self.clients.delete(client_id, typed_code=typed_code,
                            why=self.deletion_reason(client_id))
