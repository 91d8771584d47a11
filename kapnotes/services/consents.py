"""Consent records for the UI and CLI: the templates (resources/consents/*.json), recording a
signed consent, withdrawing one, what is in force on a day, and the signing finding a dosing
note gets without current KAP informed consent (one signing check: kapnotes/domain/signing.py,
wired in by Services next to the Schedule 8 register's finding).

Nothing here logs consent details beyond the template id; a withdrawal reason is never logged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime

from kapnotes.domain.consents import (
    TOUCH,
    ConsentRecord,
    ConsentTemplate,
    add_months,
    in_force,
    parse_template,
)
from kapnotes.domain.dates import human_date
from kapnotes.domain.errors import ConflictError, NotFoundError, ValidationError
from kapnotes.domain.jurisdiction_model import JurisdictionPack
from kapnotes.domain.models import SessionKind
from kapnotes.domain.rule_model import RuleFinding, Severity
from kapnotes.domain.text_rules import clean_text
from kapnotes.jurisdiction import current_jurisdiction
from kapnotes.paths import resource_path
from kapnotes.services.changes import Changes, ids, write
from kapnotes.services.clock import Clock, system_clock
from kapnotes.storage import audit
from kapnotes.storage import consents as repo
from kapnotes.storage import courses as course_repo
from kapnotes.storage import sessions as session_repo
from kapnotes.storage.vault import Vault

RULE_ID = "consent_informed_before_dosing"
RULE_SOURCE = ("APS Code of Ethics (2007), A.3 Informed consent; Medical Board of Australia, "
               "Good medical practice (2020), 3.5 Informed consent")


def load_consent_templates() -> dict[str, ConsentTemplate]:
    out: dict[str, ConsentTemplate] = {}
    for path in sorted(resource_path("consents").glob("*.json")):
        with path.open(encoding="utf-8") as f:
            t = parse_template(json.load(f), path.name)
        out[t.id] = t
    return out


class ConsentService:
    """One vault's consent records."""

    def __init__(self, vault: Vault, *, clock: Clock = system_clock,
                 templates: dict[str, ConsentTemplate] | None = None,
                 pack: Callable[[], JurisdictionPack | None] = current_jurisdiction) -> None:
        self.vault = vault
        self.clock = clock
        self.templates = templates if templates is not None else load_consent_templates()
        self.pack = pack

    def _rule_applies(self) -> bool:
        """Consent before dosing is asked for once the practice keeps consents in this vault,
        and always where a jurisdiction pack is chosen (a practice working under one keeps
        its consent records; docs/CLINICAL-RULES.md)."""
        return self.pack() is not None or repo.any_kept(self.vault)

    def title(self, template_id: str) -> str:
        t = self.templates.get(template_id)
        return t.title if t is not None else template_id

    def template(self, template_id: str) -> ConsentTemplate:
        t = self.templates.get(template_id)
        if t is None:
            raise ValidationError("Consent", "is not one of the consent templates.")
        return t

    def record(self, client_id: int, template_id: str, *, signed_on: date,
               review_on: date | None = None) -> ConsentRecord:
        """A signed consent from the current version of `template_id`; the review date
        defaults to the template's review interval after signing."""
        t = self.template(template_id)
        if signed_on > self.clock().date():
            raise ValidationError("Signed on", "cannot be in the future.")
        due = review_on if review_on is not None else add_months(signed_on, t.review_months)
        if due < signed_on:
            raise ValidationError("Review date", "cannot be before the signing date.")
        with write(self.vault, Changes(clients=True, client_ids=ids(client_id))):
            record_id = repo.add(self.vault, client_id, t.id, t.version, signed_on, due,
                                 self.clock())
            audit.record(self.vault, "consent_recorded", record_type="client",
                         record_id=client_id, detail=f"template={t.id} v{t.version}")
        return ConsentRecord(record_id, client_id, t.id, t.version, signed_on, due)

    def withdraw(self, record_id: int, *, on: date, reason: str) -> ConsentRecord:
        old = repo.get(self.vault, record_id)
        if old is None:
            raise NotFoundError("That consent record is no longer in the vault.")
        if old.withdrawn_on is not None:
            raise ConflictError("This consent is already withdrawn.")
        why = clean_text("Withdrawal reason", reason, required=True, max_length=500)
        if on < old.signed_on:
            raise ValidationError("Withdrawn on", "cannot be before the consent was signed.")
        with write(self.vault, Changes(clients=True, client_ids=ids(old.client_id))):
            repo.withdraw(self.vault, record_id, on, why)
            audit.record(self.vault, "consent_withdrawn", record_type="client",
                         record_id=old.client_id, detail=f"template={old.template_id}")
        return repo.get(self.vault, record_id) or old

    def for_client(self, client_id: int) -> list[ConsentRecord]:
        """Every record of the client, newest signing first (withdrawn and expired too)."""
        return repo.for_client(self.vault, client_id)

    def in_force(self, client_id: int, on: date) -> list[ConsentRecord]:
        return in_force(self.for_client(client_id), on)

    def _client_and_day(self, session_id: int) -> tuple[int, date, SessionKind]:
        session = session_repo.get(self.vault, session_id)
        client_id = course_repo.get(self.vault, session.course_id).client_id
        return client_id, session.starts_at.date(), session.kind

    def for_session(self, session_id: int) -> list[ConsentRecord]:
        """The client's consents in force on the session's day."""
        client_id, day, _ = self._client_and_day(session_id)
        return self.in_force(client_id, day)

    def missing_for_dosing(self, session_id: int) -> list[ConsentTemplate]:
        """Templates dosing needs that are not in force on the session's day."""
        held = {r.template_id for r in self.for_session(session_id)}
        return [t for t in self.templates.values() if t.required_for_dosing and t.id not in held]

    def session_findings(self, session_id: int, _now: datetime) -> tuple[RuleFinding, ...]:
        """For the signing check: a dosing note without current informed consent needs a
        reason (an override), as the source requires consent before treatment. Where no
        jurisdiction is chosen, only once the practice keeps consents in this vault: a vault
        whose consents are kept on paper is not asked for a reason on every note
        (docs/CLINICAL-RULES.md)."""
        if self._client_and_day(session_id)[2] is not SessionKind.DOSING \
                or not self._rule_applies():
            return ()
        return tuple(RuleFinding(RULE_ID, Severity.OVERRIDE,
                                 f"Consent: no current {t.title} on the session's date",
                                 RULE_SOURCE)
                     for t in self.missing_for_dosing(session_id))

    def dose_gate(self, session_id: int) -> list[str]:
        """For the first dose's gate (MonitoringService.dose_gate): recording it without
        current informed consent needs a reason, as signing does (same condition)."""
        if not self._rule_applies():
            return []
        return [f"No current {t.title} is on the client's record."
                for t in self.missing_for_dosing(session_id)]

    def touch_consent_line(self, session_id: int, _at: datetime | None = None) -> str:
        """What a touch entry refers to: the touch consent in force with its limits, or a
        warning that none is."""
        touch = [r for r in self.for_session(session_id) if r.template_id == TOUCH]
        if not touch:
            return "Warning: no consent to supportive touch is in force for this session."
        r = touch[0]
        t = self.templates.get(TOUCH)
        limits = f" Limits: {t.limits}" if t is not None and t.limits else ""
        return (f"Under {self.title(TOUCH)} v{r.template_version}, signed "
                f"{human_date(r.signed_on)}.{limits}")
