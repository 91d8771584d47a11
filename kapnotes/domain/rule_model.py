"""The shapes of the clinical rule set: a rule, its thresholds, its source, and what it found.

Built by `kapnotes.domain.rule_schema` from `resources/rules/*.json`; consulted through
`kapnotes.domain.clinical_rules`. Stdlib only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """What a rule does when it applies.

    - info: guidance shown beside the entry (the usual dose for this route and drug);
    - warn: shown prominently, nothing is stopped;
    - override: refused until a written reason is given; the reason is kept, shown in the note
      and the PDF, and audited;
    - block: refused; no reason makes it acceptable.
    """

    INFO = "info"
    WARN = "warn"
    OVERRIDE = "override"
    BLOCK = "block"

    @property
    def label(self) -> str:
        return _SEVERITY_LABELS[self]


_SEVERITY_LABELS = {
    Severity.INFO: "Guidance",
    Severity.WARN: "Warns",
    Severity.OVERRIDE: "Needs a written reason (override)",
    Severity.BLOCK: "Blocks",
}
SEVERITIES = tuple(s.value for s in Severity)
# Which way a threshold moves to be stricter: "lower" (a dose limit, an alert level above
# which…), "higher" (an SpO2 floor, a minimum interval), "none" (a fact like the usual dose,
# which a practice may not change).
STRICTER = ("lower", "higher", "none")
SOURCE_KINDS = ("label", "guideline", "trial", "protocol", "regulation", "practice")


@dataclass(frozen=True)
class RuleSource:
    """Where a rule comes from: kind (label, guideline, trial …), a short label, detail."""

    kind: str
    label: str
    detail: str = ""


@dataclass(frozen=True)
class Threshold:
    """One number of a rule; `min`/`max` bound what a practice may set at all."""

    name: str
    value: float
    unit: str
    stricter: str
    min: float
    max: float
    label: str = ""
    set_by_practice: bool = False

    def is_looser(self, value: float) -> bool:
        if self.stricter == "lower":
            return value > self.value
        if self.stricter == "higher":
            return value < self.value
        return value != self.value

    def shown(self) -> str:
        unit = self.unit
        joined = f"{self.value:g}{'' if unit in ('%', '') else ' '}{unit}"
        return joined


@dataclass(frozen=True)
class Rule:
    """One clinical rule. `message` is a template over threshold names and `context` names."""

    id: str
    topic: str
    title: str
    severity: Severity
    thresholds: Mapping[str, Threshold]
    message: str
    source: RuleSource
    context: tuple[str, ...] = ()
    applies_to: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    notes: str = ""

    def value(self, name: str) -> float:
        return self.thresholds[name].value

    def applies(self, **facts: str | None) -> bool:
        """True when every `applies_to` key named in `facts` lists the fact's value."""
        for key, allowed in self.applies_to.items():
            if key in facts and (facts[key] is None or facts[key] not in allowed):
                return False
        return True

    def text(self, **context: object) -> str:
        values: dict[str, object] = {k: _g(t.value) for k, t in self.thresholds.items()}
        values.update({k: _g(v) for k, v in context.items()})
        return self.message.format(**values)

    def finding(self, **context: object) -> RuleFinding:
        return RuleFinding(self.id, self.severity, self.text(**context), self.source.label)


def _g(value: object) -> object:
    return f"{value:g}" if isinstance(value, float) else value


@dataclass(frozen=True)
class RuleFinding:
    """A rule that applies to one situation, worded for the user, with its source."""

    rule_id: str
    severity: Severity
    message: str
    source: str

    @property
    def needs_reason(self) -> bool:
        return self.severity is Severity.OVERRIDE

    def __str__(self) -> str:
        return self.message
