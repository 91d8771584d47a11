"""The dosing rules applied where doses are recorded: weights on the client record (kg or lb,
dated), the dose's route and mg/kg bounds, one dose a day and the minimum interval, booster
doses, and the written reasons that override a rule. No Qt.

The rules come from `kapnotes.rules.current_rules()` (docs/CLINICAL-RULES.md). A rule that
needs a reason raises `OverrideNeeded` until the caller passes one; the reason is then stored
with the rule id and its wording, shown in the note and the PDF, and audited (rule id only).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kapnotes.domain import dose_rules
from kapnotes.domain.clinical_rules import RuleFinding, RuleSet, Severity
from kapnotes.domain.dosing import check_dose_mg
from kapnotes.domain.dosing_record import Booster, ClientWeight, DosingDetails, RuleOverride
from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.domain.models import Session
from kapnotes.domain.text_rules import clean_text
from kapnotes.rules import current_rules
from kapnotes.services.changes import Changes, ids, session_changes, write
from kapnotes.services.clock import Clock, system_clock
from kapnotes.storage import audit
from kapnotes.storage import dose_records as repo
from kapnotes.storage import sessions as session_repo
from kapnotes.storage.vault import Vault

DOSE_FIELDS = frozenset({"medication", "route", "dose_mg", "weight_kg"})
MAX_REASON = 2000


class OverrideNeeded(ValidationError):
    """The change goes past a rule that needs a written reason; nothing was stored."""

    def __init__(self, field: str, findings: Sequence[RuleFinding]) -> None:
        super().__init__(field, " ".join(f.message for f in findings))
        self.findings = tuple(findings)


@dataclass(frozen=True)
class DoseHistory:
    """A client's weights (oldest first) and dosing sessions with a dose (session id, start,
    medication, route), as `findings` reads them."""

    weights: list[ClientWeight]
    dosed: list[tuple[int, datetime, str, str]]


class DoseChecks:
    """Rule checks and the records they need, over one vault."""

    def __init__(self, vault: Vault, *, clock: Clock = system_clock,
                 rules: Callable[[], RuleSet] = current_rules) -> None:
        self.vault = vault
        self.clock = clock
        self.rules = rules

    # -- weights on the client record ------------------------------------------------------
    def weights(self, client_id: int) -> list[ClientWeight]:
        return repo.weights(self.vault, client_id)

    def latest_weight(self, client_id: int, on_or_before: date | None = None
                      ) -> ClientWeight | None:
        found = [w for w in repo.weights(self.vault, client_id)
                 if on_or_before is None or w.measured_on <= on_or_before]
        return found[-1] if found else None

    def weight_warning(self, client_id: int, weight_kg: float, measured_on: date) -> str:
        """The weight-change warning a new weight would raise ("" when none): against the
        last weight from before that day, as `findings` judges the stored dose, so a slip
        corrected the same day is not compared with itself."""
        earlier = measured_on - timedelta(days=1)
        found = dose_rules.weight_change_finding(
            self.rules(), weight_kg, self.latest_weight(client_id, earlier))
        return found.message if found else ""

    def record_weight(self, client_id: int, value: object, unit: str, measured_on: date
                      ) -> tuple[ClientWeight, str]:
        """Store a weight typed in kg or lb; returns it and the weight-change warning."""
        kg = dose_rules.weight_to_kg(value, unit)
        warning = self.weight_warning(client_id, kg, measured_on)
        entered = float(str(value).strip().replace(",", "."))
        with write(self.vault, Changes(clients=True, client_ids=ids(client_id))):
            weight_id = repo.add_weight(self.vault, client_id, measured_on, kg, entered, unit)
            audit.record(self.vault, "client.weight", record_type="client", record_id=client_id)
        stored = next(w for w in repo.weights(self.vault, client_id) if w.id == weight_id)
        return stored, warning

    # -- the dose --------------------------------------------------------------------------
    def findings(self, session: Session, d: DosingDetails, *,
                 history: DoseHistory | None = None) -> tuple[RuleFinding, ...]:
        """Everything the rules say about this dose: route, mg/kg, day and interval.
        `history`: the client's, when the caller read it once for many doses (a course PDF)."""
        rules = self.rules()
        found = list(dose_rules.dose_findings(rules, d))
        if session.id is None or (d.weight_kg is None and d.dose_mg is None):
            return tuple(found)
        if history is None:
            history = self.history(session_repo.client_id_of(self.vault, session.id))
        if d.weight_kg is not None:
            # Against the last weight from before this session's day, so the warning stays
            # with the record (not only at the moment of typing).
            day = session.starts_at.date()
            earlier = [w for w in history.weights if w.measured_on < day]
            change = dose_rules.weight_change_finding(rules, d.weight_kg,
                                                      earlier[-1] if earlier else None)
            found += [change] if change else []
        if d.dose_mg is not None:
            found += dose_rules.interval_findings(
                rules, d.medication, d.route, session.starts_at.date(),
                [start.date() for sid, start, _m, _r in history.dosed if sid != session.id])
        return tuple(found)

    def history(self, client_id: int) -> DoseHistory:
        """What a dose is judged against: the client's weights and dosed sessions."""
        return DoseHistory(repo.weights(self.vault, client_id),
                           repo.dosed_sessions_of_client(self.vault, client_id))

    def enforce(self, session: Session, d: DosingDetails, *, reason: str = "", by: str = ""
                ) -> tuple[RuleFinding, ...]:
        """Refuse a blocked dose; refuse an override-level one without a reason (a reason
        given earlier for the same wording still stands); store and audit a new reason.
        Returns the findings (warnings included) for the caller to show. Call inside the
        transaction that stores `d`."""
        found = self.findings(session, d)
        blocked = [f for f in found if f.severity is Severity.BLOCK]
        if blocked:
            raise ValidationError(_field(blocked[0]), blocked[0].message)
        given = {(o.rule_id, o.message) for o in repo.overrides(self.vault, int(session.id or 0))}
        open_ = [f for f in found if f.needs_reason and (f.rule_id, f.message) not in given]
        if not open_:
            return found
        text = clean_text("Reason", reason, max_length=MAX_REASON, multiline=True)
        if not text.strip():
            raise OverrideNeeded(_field(open_[0]), open_)
        self.add_overrides(int(session.id or 0), open_, text, by)
        return found

    def add_overrides(self, session_id: int, findings: Sequence[RuleFinding], reason: str,
                      by: str) -> None:
        text = clean_text("Reason", reason, required=True, max_length=MAX_REASON,
                          multiline=True)
        who = clean_text("Given by", by, max_length=200)
        at = self.clock().replace(microsecond=0)
        with write(self.vault, lambda: session_changes(self.vault, session_id, monitoring=True)):
            for f in findings:
                repo.add_override(self.vault, session_id, f.rule_id, f.message, text, who, at)
                audit.record(self.vault, "rule.override", record_type="session",
                             record_id=session_id, detail=f"rule {f.rule_id}")

    def overrides(self, session_id: int) -> list[RuleOverride]:
        return repo.overrides(self.vault, session_id)

    def hint(self, d: DosingDetails) -> str:
        return dose_rules.dose_hint(self.rules(), d.medication, d.route, d.weight_kg)

    # -- boosters --------------------------------------------------------------------------
    def boosters(self, session_id: int) -> list[Booster]:
        return repo.boosters(self.vault, session_id)

    def add_booster(self, session_id: int, dose_mg: object, at: datetime | None = None
                    ) -> Booster:
        """A booster (top-up) dose given at `at` (now), in mg."""
        _writable(session_repo.get(self.vault, session_id))
        try:
            mg = check_dose_mg(float(str(dose_mg).strip()))
        except ValueError:
            raise ValidationError("booster", "must be a dose in mg") from None
        when = (at or self.clock()).replace(second=0, microsecond=0)
        with write(self.vault, lambda: session_changes(self.vault, session_id, monitoring=True)):
            booster_id = repo.add_booster(self.vault, session_id, when, mg)
        return Booster(booster_id, when, mg)

    def remove_booster(self, session_id: int, booster_id: int) -> None:
        _writable(session_repo.get(self.vault, session_id))
        with write(self.vault, lambda: session_changes(self.vault, session_id, monitoring=True)):
            repo.delete_booster(self.vault, session_id, booster_id)


def _writable(session: Session) -> None:
    if session.signed:
        raise ConflictError("This note is signed and locked; add an addendum instead.")


def _field(finding: RuleFinding) -> str:
    if finding.rule_id == "esketamine_route":
        return "route"
    return "dose_mg"
