"""Client use cases: create, edit, list/filter, archive, delete (confirmed by code, audited)."""

from __future__ import annotations

import dataclasses

from kapnotes.domain.client_rules import normalise_code, validate_client
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.models import Client, ClientSummary
from kapnotes.domain.screening import MedicineClass, medicine_classes
from kapnotes.services.changes import Changes, ids, mark, write
from kapnotes.services.clock import Clock, aware, system_clock
from kapnotes.storage import audit, seals, sync_void
from kapnotes.storage import clients as repo
from kapnotes.storage.vault import Vault


class ClientService:
    """Everything the UI and CLI do with client records."""

    def __init__(self, vault: Vault, *, clock: Clock = system_clock) -> None:
        self.vault = vault
        self.clock = clock

    def create(self, client: Client) -> Client:
        clean = validate_client(client, today=self.clock().date())
        with write(self.vault, Changes(clients=True)):
            new_id = repo.insert(self.vault, clean)
            mark(self.vault, Changes(client_ids=ids(new_id)))
            audit.record(self.vault, "client.create", record_type="client", record_id=new_id)
        return dataclasses.replace(clean, id=new_id)

    def update(self, client: Client) -> Client:
        clean = validate_client(client, today=self.clock().date())
        with write(self.vault, Changes(clients=True, client_ids=ids(clean.id))):
            repo.update(self.vault, clean)
            audit.record(self.vault, "client.update", record_type="client",
                         record_id=clean.id or "")
        return clean

    def get(self, client_id: int) -> Client:
        return repo.get(self.vault, client_id)

    def by_code(self, code: str) -> Client | None:
        return repo.get_by_code(self.vault, code.strip())

    def any_client(self) -> bool:
        """Whether the vault holds a client, archived ones included."""
        return repo.any_client(self.vault)

    def list(self, *, include_archived: bool = False, text: str = "",
             with_counts: bool = True) -> list[ClientSummary]:
        """Clients sorted by next planned session (none last), filtered by name or code."""
        rows = repo.summaries(self.vault, today=self.clock().date(),
                              include_archived=include_archived, with_counts=with_counts)
        needle = text.strip().casefold()
        if needle:
            rows = [r for r in rows if needle in r.code.casefold()
                    or needle in r.full_name.casefold() or needle in r.preferred_name.casefold()]
        return sorted(rows, key=lambda r: (r.next_planned is None, r.next_planned or 0,
                                           r.full_name.casefold()))

    def set_archived(self, client_id: int, archived: bool) -> None:
        with write(self.vault, Changes(clients=True, client_ids=ids(client_id))):
            repo.set_archived(self.vault, client_id, aware(self.clock()) if archived else None)
            audit.record(self.vault, "client.archive" if archived else "client.unarchive",
                         record_type="client", record_id=client_id)

    def delete(self, client_id: int, *, typed_code: str, why: str = "") -> None:
        """Delete a client and all their records; the code must be typed to confirm. The audit
        log keeps a tombstone: the code deleted, how many notes went, and `why` (e.g. the
        retention date passed: kapnotes/services/retention.py). In a vault joined to a practice
        server `why` also goes with the deletion to the client's care team."""
        client = repo.get(self.vault, client_id)
        try:
            typed = normalise_code(typed_code)
        except ValidationError:
            typed = ""
        if typed != client.code:
            raise ValidationError(
                "Confirmation", f"type the client's code ({client.code}) exactly to delete."
            )
        with write(self.vault, Changes(clients=True, courses=True, sessions=True,
                                       client_ids=ids(client_id))):
            # Signed notes go on purpose: marked so `check` does not report them as tampered.
            gone = repo.session_ids(self.vault, client_id)
            seals.mark_removed(self.vault, gone)
            with sync_void.reason_for_voids(self.vault, why):  # the care team reads it too
                repo.delete(self.vault, client_id)
            tombstone = f"tombstone: {client.code}, {len(gone)} session notes"
            audit.record(self.vault, "client.delete", record_type="client", record_id=client_id,
                         detail=f"{tombstone}; {why}" if why else tombstone)

    def deletions_shared(self) -> bool:
        """Whether a deletion here goes to the practice server, its reason to the care team."""
        return sync_void.linked(self.vault)

    @staticmethod
    def concomitant_flags(client: Client) -> dict[str, tuple[MedicineClass, ...]]:
        """Each current medicine that belongs to a class docs/DOMAIN.md asks to record."""
        flags = {}
        for medicine in client.medicines:
            classes = medicine_classes(medicine)
            if classes:
                flags[medicine] = classes
        return flags
