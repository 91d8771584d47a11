"""Approvals, permits and authorisations (docs/JURISDICTIONS.md, "Approvals"): records checked
against the kinds the jurisdiction pack in force lists, every write audited, and the warnings
the client header, the schedule, the dose entry and the dashboard show. No Qt.

The audit names the approval kind, its id and dates, never a client's name or the notes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from kapnotes.domain.approval_model import Approval, ApprovalRule, ApprovalWarning, Holder
from kapnotes.domain.approval_rules import (
    DOSE_AFTER_END,
    NEEDED,
    approval_rules,
    client_warnings,
    lapsing,
)
from kapnotes.domain.errors import NotFoundError, ValidationError
from kapnotes.domain.jurisdiction_model import JurisdictionPack
from kapnotes.domain.models import CourseStatus, SessionKind
from kapnotes.domain.protocols import protocol_medicine
from kapnotes.domain.text_rules import clean_text
from kapnotes.jurisdiction import current_jurisdiction
from kapnotes.services.changes import Changes, ids, write
from kapnotes.services.clock import Clock, system_clock
from kapnotes.storage import approvals as repo
from kapnotes.storage import audit, clients
from kapnotes.storage import courses as course_repo
from kapnotes.storage import sessions as session_repo
from kapnotes.storage.monitoring import get_details
from kapnotes.storage.vault import Vault

NO_KINDS = ("the jurisdiction chosen in the practice policy lists no approvals (\"jurisdiction\""
            ", docs/POLICY.md)")
MAX_YEARS = 10


def course_medicine(protocol: str) -> str:
    """The medicine a course's protocol gives, as its protocol file names it."""
    return protocol_medicine(protocol)


@dataclass(frozen=True)
class ApprovalRow:
    """One approval as the dashboard and `kapnotes report approvals` list it."""

    approval: Approval
    title: str
    holder: str  # the client's code, or "Prescriber"
    days_left: int


class ApprovalService:
    def __init__(self, vault: Vault, *, clock: Clock = system_clock,
                 pack: Callable[[], JurisdictionPack | None] = current_jurisdiction) -> None:
        self.vault = vault
        self.clock = clock
        self._pack = pack

    def today(self) -> date:
        return self.clock().date()

    def rules(self) -> dict[str, ApprovalRule]:
        return approval_rules(self._pack())

    # -- records -------------------------------------------------------------------------
    def add(self, approval: Approval) -> Approval:
        checked = self._checked(approval)
        with write(self.vault, Changes(clients=True, client_ids=ids(checked.client_id))):
            new_id = repo.add(self.vault, checked)
            audit.record(self.vault, "approval.add", record_type="approval", record_id=new_id,
                         detail=f"{checked.kind} {checked.starts_on} to {checked.ends_on}")
        return replace(checked, id=new_id)

    def update(self, approval: Approval) -> Approval:
        old = self.get(approval.id or 0)
        checked = self._checked(approval)
        changed = Changes(clients=True, client_ids=ids(checked.client_id, old.client_id))
        with write(self.vault, changed):
            repo.update(self.vault, checked)
            audit.record(self.vault, "approval.update", record_type="approval",
                         record_id=checked.id,
                         detail=f"{checked.kind} {checked.starts_on} to {checked.ends_on}")
        return checked

    def delete(self, approval_id: int) -> None:
        old = self.get(approval_id)
        with write(self.vault, Changes(clients=True, client_ids=ids(old.client_id))):
            repo.delete(self.vault, approval_id)
            audit.record(self.vault, "approval.delete", record_type="approval",
                         record_id=approval_id, detail=old.kind)

    def get(self, approval_id: int) -> Approval:
        found = repo.get(self.vault, approval_id)
        if found is None:
            raise NotFoundError("That approval does not exist.")
        return found

    def for_client(self, client_id: int) -> list[Approval]:
        """The client's own approvals (the prescriber's are in `prescriber_approvals`)."""
        return [a for a in repo.for_client(self.vault, client_id) if a.client_id == client_id]

    def prescriber_approvals(self) -> list[Approval]:
        return [a for a in repo.all_approvals(self.vault) if a.client_id is None]

    def all(self) -> list[Approval]:
        return repo.all_approvals(self.vault)

    def _checked(self, a: Approval) -> Approval:
        rules = self.rules()
        if not rules:
            raise ValidationError("Kind", NO_KINDS)
        rule = rules.get(a.kind)
        if rule is None:
            raise ValidationError("Kind", f"'{a.kind[:60]}' is not an approval of this "
                                          "jurisdiction")
        if rule.holder is Holder.CLIENT and a.client_id is None:
            raise ValidationError("Client", f"a {rule.title.split(' (')[0]} is for one client")
        if rule.holder is Holder.PRESCRIBER and a.client_id is not None:
            raise ValidationError("Client", "this authorisation is the prescriber's own, not "
                                            "one client's")
        if a.client_id is not None:
            clients.get(self.vault, a.client_id)  # NotFoundError names a missing client
        if a.ends_on < a.starts_on:
            raise ValidationError("End date", "is before the start date")
        if (a.ends_on - a.starts_on).days > MAX_YEARS * 366:
            raise ValidationError("End date", f"is more than {MAX_YEARS} years after the start")
        medicine = clean_text("Medicine", a.medicine, max_length=80).lower()
        if rule.holder is Holder.PRESCRIBER and not medicine:
            raise ValidationError("Medicine", "name the medicine the authorisation is for")
        if rule.medicines and medicine and medicine not in rule.medicines:
            raise ValidationError("Medicine", f"must be one of {', '.join(rule.medicines)}")
        checked = replace(
            a, medicine=medicine or (rule.medicines[0] if len(rule.medicines) == 1 else ""),
            indication=clean_text("Indication", a.indication, max_length=200),
            reference=clean_text("Reference", a.reference, max_length=80),
            ethics_approval=clean_text("Ethics approval", a.ethics_approval, max_length=200),
            prescriber=clean_text("Prescriber", a.prescriber, max_length=120),
            notes=clean_text("Notes", a.notes, max_length=2000, multiline=True))
        if rule.report and not (checked.indication and checked.ethics_approval):
            field = "Indication" if not checked.indication else "Ethics approval"
            raise ValidationError(field, "an Authorised Prescriber authorisation names its "
                                         "indication and its ethics committee approval")
        return checked

    # -- warnings ------------------------------------------------------------------------
    def _inputs(self, client_id: int) -> tuple[list[Approval], set[str], date | None]:
        """The client's approvals (and the prescriber's), their running courses' medicines,
        and the start of their continuous treatment (the earliest running course)."""
        running = [c for c in course_repo.for_client(self.vault, client_id)
                   if c.status is CourseStatus.ACTIVE]
        return (repo.for_client(self.vault, client_id),
                {course_medicine(c.protocol) for c in running},
                min((c.start_date for c in running), default=None))

    def client_warnings(self, client_id: int, *, today: date | None = None,
                        only_dose: date | None = None) -> list[ApprovalWarning]:
        """Warnings for the client's header (every planned dosing day); with `only_dose`,
        about that one dose only (the dose entry's own day)."""
        rules = self.rules()
        if not rules:
            return []
        day = today or self.today()
        approvals, medicines, start = self._inputs(client_id)
        planned = [only_dose] if only_dose is not None else self._planned(client_id, day)
        return client_warnings(rules, approvals, today=day, medicines=medicines,
                               treatment_start=start, planned_doses=planned)

    def uncovered_doses(self, client_id: int | None) -> dict[date, str]:
        """Planned dosing days no approval covers, each with why (the schedule marks them)."""
        rules = self.rules()
        if not rules or client_id is None:
            return {}
        today = self.today()
        approvals, medicines, start = self._inputs(client_id)
        out: dict[date, str] = {}
        for day in self._planned(client_id, today):
            for w in client_warnings(rules, approvals, today=today, medicines=medicines,
                                     treatment_start=start, planned_doses=[day]):
                if w.day == day and w.kind in (DOSE_AFTER_END, NEEDED):
                    out.setdefault(day, w.message)
        return out

    def session_warnings(self, session_id: int) -> list[ApprovalWarning]:
        """For the dose entry: the approvals that lapse soon or do not cover this dose's day,
        for the medicine the record names (all the client's medicines until it names one)."""
        session = session_repo.get(self.vault, session_id)
        if session.kind is not SessionKind.DOSING:
            return []
        day = session.starts_at.astimezone().date() if session.starts_at.tzinfo \
            else session.starts_at.date()
        medication = get_details(self.vault, session_id).medication
        found = self.client_warnings(session_repo.client_id_of(self.vault, session_id),
                                     only_dose=day)
        if medication is not None:
            rules = self.rules()
            found = [w for w in found if rules[w.rule_id].covers(medication.value)]
        return found

    def _planned(self, client_id: int, today: date | None = None) -> list[date]:
        """Dosing days still ahead in the client's running courses."""
        day = today or self.today()
        running = {c.id for c in course_repo.for_client(self.vault, client_id)
                   if c.status is CourseStatus.ACTIVE}
        return sorted({d for course_id, kind, d, _orig, skipped
                       in course_repo.slot_days_for_client(self.vault, client_id)
                       if course_id in running and kind is SessionKind.DOSING
                       and not skipped and d >= day})

    def lapsing(self, within_days: int = 30) -> list[ApprovalRow]:
        """What ends from today to `within_days` ahead (the dashboard, the CLI)."""
        if not 0 <= within_days <= 3660:
            raise ValidationError("--lapsing-within", "must be a number of days from 0 to 3660")
        return self.rows(lapsing(self.all(), self.today(), within_days))

    def rows(self, approvals: list[Approval]) -> list[ApprovalRow]:
        rules = self.rules()
        codes = {cid: clients.get(self.vault, cid).code
                 for cid in {a.client_id for a in approvals if a.client_id is not None}}
        today = self.today()
        return [ApprovalRow(a, rules[a.kind].title if a.kind in rules else a.kind,
                            codes.get(a.client_id, "?") if a.client_id else "Prescriber",
                            (a.ends_on - today).days) for a in approvals]
