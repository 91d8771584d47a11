"""The demo vault's Schedule 8 register, when the demo runs with a jurisdiction pack: a stock
of esketamine 28 mg devices received from a fictional wholesaler (a new delivery whenever
stock runs low), each demo dose's administration entry linked to its dosing session, and a
closing stocktake that matches. Without a pack the demo is as it always was.

The demo creates one client's sessions after another; a register is written in date order,
so the doses are queued and entered in date order at the end, and their notes signed then
(signing waits for the register entry).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from kapnotes.domain.jurisdiction_model import EntryKind
from kapnotes.domain.s8_register import EntryDraft
from kapnotes.services.container import Services

PRODUCT = "esketamine_28mg_nasal_device"
DELIVERY = 28  # devices per delivery
SUPPLIER = "Demo Wholesale Pharmacy (fictional)"


class DemoRegister:
    """Receipts before the first dose, an administration per dose, a stocktake at the end."""

    def __init__(self, services: Services, clinician: str) -> None:
        self.services = services
        self.clinician = clinician
        self.register_id: int | None = None
        self.deliveries = 0
        self._doses: list[tuple[datetime, int, bool]] = []  # (when, session, sign it)
        pack = services.s8.pack()
        if pack is not None and PRODUCT in pack.products:
            self.register_id = services.s8.open_register(PRODUCT).id

    def _receive(self, at: datetime) -> None:
        assert self.register_id is not None
        self.deliveries += 1
        self.services.s8.add(self.register_id, EntryDraft(
            EntryKind.RECEIPT, at, DELIVERY, self.clinician, supplier=SUPPLIER,
            invoice=f"DEMO-INV-{self.deliveries:04d}"))

    def holds(self, session_id: int, *, sign: bool) -> bool:
        """Queue the dose of `session_id` (and its signature) for `finish`; False when no
        register is kept, so the caller signs the note itself."""
        proposal = self.services.s8.proposal(session_id) if self.register_id else None
        if proposal is None:
            return False
        self._doses.append((proposal.occurred_at, session_id, sign))
        return True

    def finish(self, at: datetime) -> None:
        """Enter the queued doses in date order (stock received first when it runs low), sign
        their notes, and count the stock."""
        if self.register_id is None:
            return
        for _when, session_id, sign in sorted(self._doses):
            proposal = self.services.s8.proposal(session_id)
            assert proposal is not None
            if self.services.s8.balance(self.register_id) < proposal.quantity:
                # The day before, or just before the dose when the last entry was that day.
                entries = self.services.s8.entries(self.register_id)
                day_before = proposal.occurred_at - timedelta(days=1)
                after = entries[-1].occurred_at if entries else day_before
                self._receive(max(day_before, min(after, proposal.occurred_at)))
            self.services.s8.record_proposal(proposal, recorded_by=self.clinician)
            if sign:
                self.services.notes.sign(session_id, signer=self.clinician)
        if self.deliveries:
            self.services.s8.add(self.register_id, EntryDraft(
                EntryKind.STOCKTAKE, at, self.services.s8.balance(self.register_id),
                self.clinician))
