"""The shape of a treatment protocol: its phases, the parameters a course may set, its source.

Built by `kapnotes.domain.protocol_schema` from `resources/protocols/*.json` (and a practice's
own files); the format is documented in docs/PROTOCOLS.md. Stdlib only.
"""

from __future__ import annotations

from dataclasses import dataclass

# Every parameter a protocol may declare, and its kind: "weeks"/"count" are whole numbers,
# "days" a list of day offsets. The course stores the two intervals (`Course` fields of the
# same names); the others take their defaults (or what the caller of `generate_plan` gives).
PARAMETER_KINDS = {
    "doses": "count",
    "dose_interval_weeks": "weeks",
    "maintenance_interval_weeks": "weeks",
    "maintenance_slots": "count",
    "custom_day_offsets": "days",
}
# The medicines a protocol may give, as dosing records and approvals name them.
MEDICINES = ("ketamine", "esketamine")
# The parameters a course stores, so the course dialog can ask for them.
STORED_PARAMETERS = ("dose_interval_weeks", "maintenance_interval_weeks")


@dataclass(frozen=True)
class ProtocolSource:
    """Where a protocol's schedule comes from: kind (label, guideline…), label, detail."""

    kind: str
    label: str
    detail: str = ""


@dataclass(frozen=True)
class Parameter:
    """One value a course of this protocol may set, with the range a course may choose from.

    `label` is what the course dialog shows beside it; `asked` says whether the dialog asks
    for it at all (otherwise the default applies).
    """

    name: str
    label: str
    min: int
    max: int
    default: int | None  # None for a day list: no doses until the therapist lists them
    asked: bool = False

    @property
    def kind(self) -> str:
        return PARAMETER_KINDS[self.name]


# A phase value that is either a number in the file or the name of a parameter.
Value = int | str


@dataclass(frozen=True)
class Phase:
    """One run of doses, labelled `name` on each slot ("induction week 2").

    The doses are either `day_offsets` (a list, or a "days" parameter), or `count` doses on
    `week_days` (days 0–6 of a week) every `every_weeks` weeks. The phase's first week starts
    at `start_day`, or `start_after_weeks` weeks after the last dose planned before it.
    """

    name: str
    count: Value | None = None
    week_days: tuple[int, ...] = (0,)
    every_weeks: Value = 1
    start_day: int | None = None
    start_after_weeks: Value | None = None
    day_offsets: tuple[int, ...] | str | None = None


@dataclass(frozen=True)
class ProtocolDef:
    """A planned-schedule protocol; `id` is what a course stores (never renamed)."""

    id: str
    label: str
    source: ProtocolSource
    parameters: tuple[Parameter, ...]
    phases: tuple[Phase, ...]
    monitoring: tuple[str, ...] = ()
    description: str = ""
    medicine: str = "ketamine"  # one of MEDICINES: approvals and the dose hints follow it
    file_name: str = ""
    builtin: bool = True

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    @property
    def asked(self) -> tuple[Parameter, ...]:
        """The parameters the course dialog asks for, in file order."""
        return tuple(p for p in self.parameters if p.asked)

    @property
    def needs_day_list(self) -> bool:
        """True when the therapist types the dose days (a "days" parameter)."""
        return any(p.kind == "days" for p in self.parameters)
