"""The rating-scale data model: definitions as loaded from JSON, and scored results.

Import these through `kapnotes.domain.scales`, which also loads and scores. Stdlib only.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, get_args

ScaleKind = Literal["sum", "mean", "cssrs", "subscales"]
Direction = Literal["lower_is_better", "higher_is_better", "neutral"]
ResponseType = Literal["choice", "range", "yesno"]
Severity = Literal["risk", "info"]
Answer = int | bool

# The allowed values come from the Literal types, so the checker and the loader agree.
KINDS: tuple[ScaleKind, ...] = get_args(ScaleKind)
DIRECTIONS: tuple[Direction, ...] = get_args(Direction)
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
SUICIDE = "suicide"
TOPICS: tuple[str, ...] = (SUICIDE,)  # what a flag may be about, across scales
COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    ">=": operator.ge,
    ">": operator.gt,
}


@dataclass(frozen=True)
class Option:
    """One allowed answer of a choice item."""

    value: int
    label: str


@dataclass(frozen=True)
class ScaleItem:
    """One question; `asked_if` pairs (item id, answer) that must all hold for it to be asked."""

    id: str
    text: str
    response: ResponseType
    options: tuple[Option, ...] = ()
    min: int = 0
    max: int = 1
    hint: str = ""
    min_label: str = ""
    max_label: str = ""
    asked_if: tuple[tuple[str, bool], ...] = ()
    reverse: bool = False  # scored as (lowest + highest − answer), e.g. a positively worded item

    def scored(self, answer: int) -> int:
        """The points an answer adds to totals and subscales (reversed where the item says)."""
        return self.values[0] + self.values[-1] - answer if self.reverse else answer

    @property
    def values(self) -> tuple[int, ...]:
        """Every value an answer may take, lowest first."""
        if self.response == "choice":
            return tuple(sorted(o.value for o in self.options))
        return tuple(range(self.min, self.max + 1))


@dataclass(frozen=True)
class Band:
    """An inclusive range of totals with its label, e.g. 5–9 "Mild"."""

    min: int
    max: int
    label: str

    def contains(self, total: float) -> bool:
        return self.min <= total <= self.max


@dataclass(frozen=True)
class Threshold:
    """A comparison against a total, e.g. remission "< 5"."""

    op: str
    value: int

    def met(self, total: float) -> bool:
        return COMPARISONS[self.op](total, self.value)

    def __str__(self) -> str:
        return f"{self.op} {self.value}"


@dataclass(frozen=True)
class FlagRule:
    """Raise a flag when one item's answer compares true, whatever the total.

    `topic` groups flags across scales: every flag whose topic is "suicide" (PHQ-9 item 9,
    MADRS item 10, the C-SSRS levels) raises the one suicide-risk banner.
    """

    code: str
    label: str
    severity: Severity
    item: str
    test: Threshold
    topic: str = ""


@dataclass(frozen=True)
class Subscale:
    """A named group of items scored together; `max_score` is the sum of their maxima."""

    id: str
    name: str
    item_ids: tuple[str, ...]
    max_score: int


@dataclass(frozen=True)
class RiskLevel:
    """A rule-based level: met when every (item, answer) pair of any one condition holds."""

    level: str
    label: str
    code: str
    severity: Severity
    when_any: tuple[tuple[tuple[str, bool], ...], ...]
    topic: str = ""


@dataclass(frozen=True)
class Scale:
    """A rating scale definition as loaded from its JSON file."""

    id: str
    name: str
    short_name: str
    version: int
    kind: ScaleKind
    items: tuple[ScaleItem, ...]
    respondent: str = "client"
    instructions: str = ""
    direction: Direction = "neutral"
    total_only_allowed: bool = False
    bands: tuple[Band, ...] = ()
    remission: Threshold | None = None
    flag_rules: tuple[FlagRule, ...] = ()
    subscales: tuple[Subscale, ...] = ()
    complete_at_percent: int | None = None
    risk_levels: tuple[RiskLevel, ...] = ()
    no_risk_label: str = ""
    notes: str = ""
    reference: str = ""
    source: str = ""

    def item(self, item_id: str) -> ScaleItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    @property
    def has_total(self) -> bool:
        """Rule-based scales (C-SSRS) give a level, not a number."""
        return self.kind != "cssrs"

    # Cached (a scale never changes once loaded): the outcome checks ask for both bounds
    # for every score of a course at each client page opened.
    @cached_property
    def total_min(self) -> int:
        lows = [item.values[0] for item in self.items]  # reversing keeps each item's range
        return min(lows) if self.kind == "mean" else sum(lows)

    @cached_property
    def total_max(self) -> int:
        highs = [item.values[-1] for item in self.items]
        return max(highs) if self.kind == "mean" else sum(highs)

    def topic_of(self, code: str) -> str:
        """The topic of the flag or risk level with this code ("" when none or unknown)."""
        rules: tuple[FlagRule | RiskLevel, ...] = (*self.flag_rules, *self.risk_levels)
        for rule in rules:
            if rule.code == code:
                return rule.topic
        return ""

    def asks_about(self, topic: str) -> bool:
        """True when some item rule of this scale checks `topic` (e.g. "suicide")."""
        rules: tuple[FlagRule | RiskLevel, ...] = (*self.flag_rules, *self.risk_levels)
        return any(r.topic == topic for r in rules)

    def band_for(self, total: float) -> Band | None:
        return next((b for b in self.bands if b.contains(total)), None)

    def meets_remission(self, total: float) -> bool | None:
        """None when the scale has no remission rule."""
        return None if self.remission is None else self.remission.met(total)


@dataclass(frozen=True)
class Flag:
    """Something the clinician must see; `risk` ones go in the client's header.

    `topic` comes from the scale file (never stored with a measure: it is looked up by code),
    so it plays no part in comparing two flags.
    """

    code: str
    label: str
    severity: Severity
    topic: str = field(default="", compare=False)


@dataclass(frozen=True)
class SubscaleScore:
    """One subscale's sum in a scored result."""

    id: str
    name: str
    score: int
    max_score: int

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score


@dataclass(frozen=True)
class ScoreResult:
    """One administration, scored.

    `unknown_flags` are flags that could not be checked because only a total was entered
    (e.g. PHQ-9 item 9): the answer is "not known", which is not the same as "no flag".
    """

    scale_id: str
    scale_version: int
    total: int | float | None
    band_label: str | None
    flags: tuple[Flag, ...] = ()
    unknown_flags: tuple[Flag, ...] = ()
    subscales: tuple[SubscaleScore, ...] = ()
    is_complete_mystical: bool | None = None
    risk_level: str | None = None
    total_only: bool = False
    answers: tuple[tuple[str, Answer], ...] = ()

    @property
    def has_risk_flag(self) -> bool:
        return any(f.severity == "risk" for f in self.flags)
