"""The Schedule 8 register for the UI, CLI and reports (docs/JURISDICTIONS.md): registers per
product of the jurisdiction pack in force, entries checked by kapnotes/domain/s8_register.py,
each write audited, the entry a dosing session's dose calls for, and the signing finding
while it is missing. No Qt.

The audit names the register, the entry kind and the quantity, never a client or a note.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from kapnotes.domain.clinical_rules import RuleFinding, Severity
from kapnotes.domain.errors import ConflictError, NotFoundError, ValidationError
from kapnotes.domain.jurisdiction_model import EntryKind, JurisdictionPack, Product
from kapnotes.domain.models import SessionKind
from kapnotes.domain.s8_proposal import Proposal, propose
from kapnotes.domain.s8_register import (
    EntryDraft,
    Register,
    RegisterEntry,
    RegisterPage,
    change_for,
    effective_quantity,
    page_of,
)
from kapnotes.domain.text_rules import clean_text
from kapnotes.jurisdiction import current_jurisdiction
from kapnotes.services.changes import Changes, ids, write
from kapnotes.services.clock import Clock, aware, system_clock
from kapnotes.storage import audit, clients
from kapnotes.storage import monitoring as monitoring_repo
from kapnotes.storage import s8_register as repo
from kapnotes.storage import sessions as session_repo
from kapnotes.storage.dose_records import boosters
from kapnotes.storage.vault import Vault

NO_PACK = ("no jurisdiction is chosen: the practice policy names one (\"jurisdiction\", "
           "docs/POLICY.md) before a Schedule 8 register is kept")


class S8RegisterService:
    def __init__(self, vault: Vault, *, clock: Clock = system_clock,
                 pack: Callable[[], JurisdictionPack | None] = current_jurisdiction) -> None:
        self.vault = vault
        self.clock = clock
        self._pack = pack

    # -- the pack ----------------------------------------------------------------------------
    def pack(self) -> JurisdictionPack | None:
        return self._pack()

    def products(self) -> list[Product]:
        chosen = self.pack()
        return [] if chosen is None else sorted(chosen.products.values(), key=lambda p: p.title)

    def _product(self, product_id: str) -> tuple[JurisdictionPack, Product]:
        chosen = self.pack()
        if chosen is None:
            raise ValidationError("Register", NO_PACK)
        product = chosen.products.get(product_id)
        if product is None:
            raise ValidationError("Register", f"'{product_id[:60]}' is not a Schedule 8 product "
                                              f"of the {chosen.title} pack")
        return chosen, product

    # -- registers and entries ---------------------------------------------------------------
    def open_register(self, product_id: str) -> Register:
        chosen, product = self._product(product_id)
        with write(self.vault, Changes(registers=True)):
            before = {r.id for r in repo.registers(self.vault)}
            register = repo.open_register(self.vault, product, chosen.id)
            if register.id not in before:
                audit.record(self.vault, "s8.register.open", record_type="s8_register",
                             record_id=register.id, detail=product.id)
        return register

    def registers(self) -> list[Register]:
        return repo.registers(self.vault)

    def register(self, register_id: int) -> Register:
        found = repo.register(self.vault, register_id)
        if found is None:
            raise NotFoundError("That Schedule 8 register does not exist.")
        return found

    def entries(self, register_id: int) -> list[RegisterEntry]:
        return repo.entries(self.vault, register_id)

    def balance(self, register_id: int) -> int:
        return repo.balance(self.vault, register_id)

    def add(self, register_id: int, draft: EntryDraft) -> RegisterEntry:
        """Check and append one entry; ValidationError names the field and changes nothing."""
        register = self.register(register_id)
        draft = self._cleaned(draft)
        if draft.kind is EntryKind.CORRECTION:
            raise ValidationError("Kind", "a correction is made with `correct`, naming the "
                                          "entry it corrects")
        client_code = ""
        if draft.session_id is not None:
            client_code = self._session_client_code(draft.session_id)
        return self._append(register, draft, client_code)

    def correct(self, entry_id: int, right_quantity: int, explanation: str, *,
                recorded_by: str, witness: str = "",
                occurred_at: datetime | None = None) -> RegisterEntry:
        """A new entry naming entry `entry_id` with the quantity it should have had; the
        wrong entry stays, shown with the correction."""
        wrong = repo.entry(self.vault, entry_id)
        if wrong is None:
            raise ValidationError("Corrects", f"there is no register entry {entry_id}")
        draft = self._cleaned(EntryDraft(
            EntryKind.CORRECTION, occurred_at or self.clock(), right_quantity, recorded_by,
            witness=witness, explanation=explanation, corrects_id=entry_id,
            session_id=wrong.session_id))
        return self._append(self.register(wrong.register_id), draft, wrong.client_code)

    def _append(self, register: Register, draft: EntryDraft, client_code: str) -> RegisterEntry:
        # The balance read and the insert in one transaction.
        with write(self.vault, Changes(registers=True, session_ids=ids(draft.session_id))):
            balance = repo.balance(self.vault, register.id)
            corrected, corrected_quantity = None, None
            if draft.corrects_id is not None:
                corrected = repo.entry(self.vault, draft.corrects_id)
                if corrected is not None and corrected.register_id == register.id:
                    corrected_quantity = effective_quantity(
                        corrected, repo.entries(self.vault, register.id))
            change = change_for(draft, balance, self.pack(), register, corrected=corrected,
                                corrected_quantity=corrected_quantity)
            entry_id = repo.add_entry(self.vault, register.id, draft, change, balance + change,
                                      client_code)
            detail = f"{draft.kind.value} {draft.quantity} {register.unit}; change {change:+d}"
            if draft.corrects_id is not None:
                detail += f"; corrects entry {draft.corrects_id}"
            if draft.kind is EntryKind.STOCKTAKE and change:
                detail += "; discrepancy"
            audit.record(self.vault, f"s8.entry.{draft.kind.value}", record_type="s8_register",
                         record_id=register.id, detail=detail)
        found = repo.entry(self.vault, entry_id)
        assert found is not None
        return found

    def _cleaned(self, d: EntryDraft) -> EntryDraft:
        def text(label: str, value: str, limit: int = 200) -> str:
            return clean_text(label, value, max_length=limit)

        return EntryDraft(
            d.kind, aware(d.occurred_at), d.quantity, text("Entered by", d.recorded_by),
            witness=text("Witness", d.witness), supplier=text("Supplier", d.supplier),
            invoice=text("Invoice", d.invoice, 80), party=text("Transfer", d.party),
            session_id=d.session_id, dose_mg=d.dose_mg, discarded_mg=d.discarded_mg,
            explanation=clean_text("Explanation", d.explanation, max_length=2000,
                                   multiline=True),
            corrects_id=d.corrects_id)

    def _session_client_code(self, session_id: int) -> str:
        try:
            return clients.get(self.vault, session_repo.client_id_of(self.vault, session_id)).code
        except NotFoundError:
            raise ValidationError("Session", f"there is no session {session_id}") from None

    # -- a dosing session's entry ------------------------------------------------------------
    def proposal(self, session_id: int, *, product_id: str | None = None) -> Proposal | None:
        """The administration entry the session's dose calls for (None: no pack, no dose,
        or no product of the pack fits the medication and route)."""
        chosen = self.pack()
        if chosen is None:
            return None
        details = monitoring_repo.get_details(self.vault, session_id)
        devices = monitoring_repo.devices(self.vault, session_id)
        total = (details.dose_mg or 0) + sum(b.dose_mg for b in boosters(self.vault, session_id))
        when = min((d.given_at for d in devices), default=None) \
            or session_repo.get(self.vault, session_id).starts_at
        return propose(chosen, session_id,
                       details.medication.value if details.medication else None,
                       details.route.value if details.route else None,
                       total or None, len(devices), when, product_id=product_id)

    def administrations(self, session_id: int) -> list[RegisterEntry]:
        """The session's administration entries still standing (not corrected to 0)."""
        found = repo.session_entries(self.vault, session_id)
        return [e for e in found if e.kind is EntryKind.ADMINISTRATION
                and effective_quantity(e, found) > 0]

    def record_proposal(self, proposal: Proposal, *, recorded_by: str,
                        witness: str = "") -> RegisterEntry:
        """Record the proposed entry in its product's register (opened if need be)."""
        register = self.open_register(proposal.product.id)
        return self.add(register.id, EntryDraft(
            EntryKind.ADMINISTRATION, proposal.occurred_at, proposal.quantity, recorded_by,
            witness=witness, session_id=proposal.session_id, dose_mg=proposal.dose_mg,
            discarded_mg=proposal.discarded_mg or None))

    def refuse_delete_if_entered(self, session_id: int) -> None:
        """A draft whose dose stands in the register is not deleted: the register would name
        a session that no longer exists. The entry is corrected to 0 first if no dose was
        given (both stay in the register)."""
        standing = self.administrations(session_id)
        if standing:
            raise ConflictError(
                f"This session's dose is entered in the Schedule 8 register (entry "
                f"{standing[-1].id}). If it was not given, correct that entry to 0 in the "
                "register first; the note can then be deleted.")

    def session_findings(self, session_id: int, _now: datetime) -> tuple[RuleFinding, ...]:
        """For the signing check (kapnotes/domain/signing.py): the dose's register entry is
        missing. Nothing without a jurisdiction, a dose or a fitting product."""
        chosen = self.pack()
        rule = chosen.signing_rule() if chosen is not None else None
        if rule is None or session_repo.get(self.vault, session_id).kind \
                is not SessionKind.DOSING:
            return ()
        wanted = self.proposal(session_id)
        if wanted is None or self.administrations(session_id):
            return ()
        return (RuleFinding(rule.id, Severity.OVERRIDE,
                            f"Schedule 8 register: this dose is not entered in the register "
                            f"({wanted.shown()})", rule.source.label),)

    # -- pages (the window's view and the printed register) --------------------------------
    def page(self, register_id: int) -> RegisterPage:
        """The whole register: every entry, with the corrections naming each."""
        chosen = self.pack()
        return page_of(self.register(register_id),
                       chosen.title if chosen is not None else "no jurisdiction chosen",
                       self.entries(register_id), None, None)

    def pages(self, *, product_id: str | None = None, start: datetime | None = None,
              end: datetime | None = None) -> list[RegisterPage]:
        """Each register (or the one of `product_id`) over [start, end)."""
        chosen = self.pack()
        found = [r for r in self.registers() if product_id in (None, r.product_id)]
        if product_id is not None and not found:
            raise ValidationError("--medicine", f"no register is kept for '{product_id[:60]}'"
                                                " in this vault")
        where = chosen.title if chosen is not None else "no jurisdiction chosen"
        return [page_of(r, where, self.entries(r.id), start and aware(start),
                        end and aware(end)) for r in found]
