"""The demo vault's Schedule 8 register, when the demo runs with a jurisdiction pack: a stock
of esketamine 28 mg devices received from a fictional wholesaler (a new delivery whenever
stock runs low), each demo dose's administration entry linked to its dosing session, and a
closing stocktake that matches. Without a pack the demo is as it always was.
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
    """Receipts before the first dose, an administration after each, a stocktake at the end."""

    def __init__(self, services: Services, clinician: str) -> None:
        self.services = services
        self.clinician = clinician
        self.register_id: int | None = None
        self.deliveries = 0
        pack = services.s8.pack()
        if pack is not None and PRODUCT in pack.products:
            self.register_id = services.s8.open_register(PRODUCT).id

    def _receive(self, at: datetime) -> None:
        assert self.register_id is not None
        self.deliveries += 1
        self.services.s8.add(self.register_id, EntryDraft(
            EntryKind.RECEIPT, at, DELIVERY, self.clinician, supplier=SUPPLIER,
            invoice=f"DEMO-INV-{self.deliveries:04d}"))

    def administered(self, session_id: int) -> None:
        """The dose of `session_id` entered (stock received first when it runs low)."""
        if self.register_id is None:
            return
        proposal = self.services.s8.proposal(session_id)
        if proposal is None:
            return
        if self.services.s8.balance(self.register_id) < proposal.quantity:
            self._receive(proposal.occurred_at - timedelta(days=1))
        self.services.s8.record_proposal(proposal, recorded_by=self.clinician)

    def stocktake(self, at: datetime) -> None:
        if self.register_id is None or not self.deliveries:
            return
        self.services.s8.add(self.register_id, EntryDraft(
            EntryKind.STOCKTAKE, at, self.services.s8.balance(self.register_id),
            self.clinician))
