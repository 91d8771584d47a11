"""What a PBS authority for esketamine asks about the client: prior antidepressant trials
(medicine, dose, duration, response), the newly started oral antidepressant and the treating
specialist (docs/JURISDICTIONS.md, "PBS eligibility sheet"). Stdlib only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class AntidepressantTrial:
    medicine: str
    dose: str = ""  # as prescribed, e.g. "20 mg daily"
    duration_weeks: int | None = None
    response: str = ""  # e.g. "no response", "partial", "stopped: side effects"
    id: int | None = None


@dataclass(frozen=True)
class PbsDetails:
    oral_antidepressant: str = ""  # started with esketamine, as the PBS listing requires
    antidepressant_start: date | None = None
    specialist: str = ""  # the treating psychiatrist
