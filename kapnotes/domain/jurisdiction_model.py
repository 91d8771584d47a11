"""The shapes of a jurisdiction pack: the Schedule 8 products a register is kept for, the
register rules with their sources, and the slots later features fill (approvals, retention,
report periods).

Built by `kapnotes.domain.jurisdiction_schema` from `resources/jurisdictions/*.json`
(format in `resources/jurisdictions/README.md`, rules in docs/JURISDICTIONS.md). Stdlib only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kapnotes.domain.rule_model import RuleSource


class EntryKind(StrEnum):
    """What one line of a Schedule 8 register records."""

    RECEIPT = "receipt"
    ADMINISTRATION = "administration"
    WASTAGE = "wastage"
    DESTRUCTION = "destruction"
    TRANSFER_IN = "transfer_in"
    TRANSFER_OUT = "transfer_out"
    CORRECTION = "correction"
    STOCKTAKE = "stocktake"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


ENTRY_KINDS = tuple(k.value for k in EntryKind)


class RegisterRuleKind(StrEnum):
    """What a register rule makes the register do."""

    WITNESS_REQUIRED = "witness_required"  # the named entries need a witness's name
    EXPLANATION_REQUIRED = "explanation_required"  # a stocktake discrepancy needs a reason
    ENTRY_BEFORE_SIGNING = "entry_before_signing"  # a dose's entry before the note is signed
    NEVER_ALTERED = "never_altered"  # entries are not changed; corrections are new entries


REGISTER_RULE_KINDS = tuple(k.value for k in RegisterRuleKind)


@dataclass(frozen=True)
class Product:
    """One medicine in one form and strength: a register is kept per product."""

    id: str
    medicine: str  # matches the dosing record's medication (ketamine, esketamine)
    form: str
    strength: str
    unit: str  # what is counted: device, ampoule, lozenge
    mg_per_unit: float
    ml_per_unit: float | None
    routes: tuple[str, ...]
    schedule: str
    source: RuleSource

    @property
    def title(self) -> str:
        return f"{self.medicine.capitalize()} {self.strength} {self.form}"


@dataclass(frozen=True)
class RegisterRule:
    id: str
    kind: RegisterRuleKind
    title: str
    entries: tuple[EntryKind, ...]
    source: RuleSource
    notes: str = ""


@dataclass(frozen=True)
class JurisdictionPack:
    """A state or territory merged over its national file: what the app uses."""

    id: str  # AU-NSW
    title: str
    products: Mapping[str, Product]
    register_rules: Mapping[str, RegisterRule]
    # Slots the approvals, retention and report features fill (docs/JURISDICTIONS.md);
    # kept as checked JSON values until their reader exists.
    slots: Mapping[str, Any] = field(default_factory=dict)

    def rules_of(self, kind: RegisterRuleKind) -> tuple[RegisterRule, ...]:
        return tuple(r for r in self.register_rules.values() if r.kind is kind)

    def witness_rule(self, entry: EntryKind) -> RegisterRule | None:
        return next((r for r in self.rules_of(RegisterRuleKind.WITNESS_REQUIRED)
                     if entry in r.entries), None)

    def explanation_rule(self) -> RegisterRule | None:
        return next(iter(self.rules_of(RegisterRuleKind.EXPLANATION_REQUIRED)), None)

    def signing_rule(self) -> RegisterRule | None:
        return next(iter(self.rules_of(RegisterRuleKind.ENTRY_BEFORE_SIGNING)), None)

    def products_for(self, medicine: str, route: str | None) -> tuple[Product, ...]:
        return tuple(p for p in self.products.values() if p.medicine == medicine
                     and (route is None or route in p.routes))
