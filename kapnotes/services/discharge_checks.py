"""Discharge readiness in MonitoringService (kapnotes/domain/discharge.py holds the rules):
what stands between the client and the door, the written reason a discharge before that
needs, and the findings signing adds for it.

A discharge time recorded while a criterion is unmet raises `OverrideNeeded` until a named
clinician writes a reason; the reason is kept as a rule override per unmet criterion (shown
in the note and the PDF, audited), and signing does not ask again for the same wording
(the record's completeness blockers, which signing names itself, it still asks for).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from kapnotes.domain.clinical_rules import RuleFinding
from kapnotes.domain.discharge import ReadinessProblem, discharge_findings, discharge_problems
from kapnotes.domain.dosing_record import DosingDetails
from kapnotes.domain.monitoring import MonitoringRecord
from kapnotes.domain.signing import signing_findings
from kapnotes.domain.text_rules import clean_text
from kapnotes.rules import minimum_monitoring_minutes
from kapnotes.services.clock import Clock, aware
from kapnotes.services.dose_checks import DoseChecks, OverrideNeeded
from kapnotes.services.practice_settings import MonitoringSettings


class DischargeMethods:
    """Mixed into MonitoringService, which owns these attributes."""

    settings: MonitoringSettings
    doses: DoseChecks
    clock: Clock
    monitoring_record: Callable[[int], MonitoringRecord]
    details: Callable[[int], DosingDetails]
    # The Schedule 8 register's finding (services/s8_register.py), set by Services when a
    # register is kept; part of the one signing check so the sign dialog and the PDF agree.
    register_findings: Callable[[int, datetime], tuple[RuleFinding, ...]] | None = None

    def discharge_problems(self, session_id: int, at: datetime | None = None
                           ) -> tuple[ReadinessProblem, ...]:
        """Why the client may not leave at `at` (default: the discharge time, else now);
        empty when ready."""
        record = self.monitoring_record(session_id)
        when = aware(at) if at is not None else (record.ended_at or aware(self.clock()))
        return discharge_problems(record, self.settings.thresholds(), when,
                                  minimum_monitoring_minutes())

    def discharge_overridden(self, session_id: int) -> bool:
        """Whether every unmet criterion at the discharge time has a written reason."""
        open_ = self._open_discharge_findings(session_id)
        return bool(self.discharge_problems(session_id)) and not open_

    def _open_discharge_findings(self, session_id: int) -> list[RuleFinding]:
        found = discharge_findings(self.discharge_problems(session_id), self.doses.rules())
        given = {(o.rule_id, o.message) for o in self.doses.overrides(session_id)}
        return [f for f in found if (f.rule_id, f.message) not in given]

    def check_discharge(self, session_id: int, *, reason: str = "", by: str = "") -> None:
        """Called inside the transaction that stores a discharge time: refuse it while a
        criterion is unmet and no reason is written (OverrideNeeded), else keep the reason."""
        open_ = self._open_discharge_findings(session_id)
        if not open_:
            return
        if not clean_text("Reason", reason, max_length=2000, multiline=True):
            raise OverrideNeeded("ended_at", open_)
        clean_text("Clinician giving the reason", by, required=True)
        self.doses.add_overrides(session_id, open_, reason, by)

    def signing_findings(self, session_id: int, now: datetime | None = None
                         ) -> tuple[RuleFinding, ...]:
        """What stands between this record and a signature (kapnotes/domain/signing.py):
        completeness, then discharge readiness at the discharge time (or now). A discharge
        criterion already answered by a written reason at discharge is not asked again."""
        found = signing_findings(self.monitoring_record(session_id), self.details(session_id),
                                 self.doses.rules(), aware(now or self.clock()),
                                 self.settings.thresholds())
        given = {(o.rule_id, o.message) for o in self.doses.overrides(session_id)}
        register = (self.register_findings(session_id, aware(now or self.clock()))
                    if self.register_findings is not None else ())
        return tuple(f for f in found if not (f.rule_id.startswith("discharge_")
                                              and (f.rule_id, f.message) in given)) + register
