"""Checking decoded jurisdiction-pack JSON (file format 1), refusing anything doubtful.

Every problem is a ValidationError whose field names the file and the bad field, e.g.
`au-nsw.json: register_rules[1].entries[0]`. Unknown keys are refused, as in the rule files
(kapnotes/domain/rule_schema.py): a misspelt "witnes_required" silently ignored would let a
destruction through without its witness. The format is in `resources/jurisdictions/README.md`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kapnotes.domain.approval_schema import read_approvals, read_report_periods
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.jurisdiction_model import (
    ENTRY_KINDS,
    REGISTER_RULE_KINDS,
    EntryKind,
    Product,
    RegisterRule,
    RegisterRuleKind,
)
from kapnotes.domain.retention import read_retention
from kapnotes.domain.rule_model import SOURCE_KINDS, RuleSource

FORMAT_VERSION = 1
PACK_ID = re.compile(r"^[A-Z]{2}(-[A-Z]{2,3})?$")  # AU, AU-NSW, US-REMS …
_ID = re.compile(r"^[a-z0-9][a-z0-9_]{0,59}$")
_TOP_KEYS = {"format", "id", "title", "extends", "products", "register_rules", "approvals",
             "retention", "report_periods"}
_PRODUCT_KEYS = {"id", "medicine", "form", "strength", "unit", "mg_per_unit", "ml_per_unit",
                 "routes", "schedule", "source"}
_RULE_KEYS = {"id", "kind", "title", "entries", "source", "notes"}
_SOURCE_KEYS = {"kind", "label", "detail"}
ROUTES = ("intranasal", "iv", "im", "sublingual")
MAX_ITEMS = 200


@dataclass(frozen=True)
class PackFile:
    """One file as written: a national file or a state/territory file that `extends` it."""

    id: str
    title: str
    extends: str | None
    products: tuple[Product, ...]
    register_rules: tuple[RegisterRule, ...]
    slots: dict[str, Any]


# Slot name → (empty value, reader). A reader checks a non-empty value and returns what the
# feature keeps; the approvals, retention and report features register theirs here
# (docs/JURISDICTIONS.md, "Slots"). A non-empty slot without a reader is refused.
SlotReader = Callable[[str, str, Any], Any]
SLOTS: dict[str, tuple[Any, SlotReader | None]] = {
    "approvals": ([], read_approvals),
    "retention": (None, read_retention),
    "report_periods": ([], read_report_periods),
}


def _fail(name: str, field: str, message: str) -> ValidationError:
    return ValidationError(f"{name}: {field}" if field else name, message)


def _obj(name: str, value: Any, field: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(name, field, "must be an object")
    extra = sorted(set(value) - allowed)
    if extra:
        raise _fail(name, f"{field}.{extra[0]}" if field else extra[0], "unknown field")
    return value


def _text(name: str, d: dict[str, Any], key: str, field: str, *, required: bool = True,
          limit: int = 200) -> str:
    value = d.get(key, None if required else "")
    where = f"{field}.{key}" if field else key
    if not isinstance(value, str) or (required and not value.strip()):
        raise _fail(name, where, "must be a non-empty string")
    if len(value) > limit:
        raise _fail(name, where, f"must be at most {limit} characters")
    return value.strip()


def _id(name: str, d: dict[str, Any], field: str) -> str:
    value = _text(name, d, "id", field)
    if not _ID.match(value):
        raise _fail(name, f"{field}.id", "use lower-case letters, digits or _ (at most 60)")
    return value


def _positive(name: str, value: Any, field: str, *, optional: bool = False) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 10000:
        raise _fail(name, field, "must be a number above 0 (at most 10000)")
    return float(value)


def _list(name: str, value: Any, field: str, *, non_empty: bool = False) -> list[Any]:
    if not isinstance(value, list) or (non_empty and not value):
        raise _fail(name, field, "must be a non-empty list" if non_empty else "must be a list")
    if len(value) > MAX_ITEMS:
        raise _fail(name, field, f"must have at most {MAX_ITEMS} items")
    return value


def parse_source(name: str, field: str, data: Any) -> RuleSource:
    src = _obj(name, data, field, _SOURCE_KEYS)
    kind = src.get("kind")
    if kind not in SOURCE_KINDS:
        raise _fail(name, f"{field}.kind", f"must be one of {', '.join(SOURCE_KINDS)}")
    return RuleSource(kind, _text(name, src, "label", field),
                      _text(name, src, "detail", field, required=False, limit=400))


def parse_product(name: str, field: str, data: Any) -> Product:
    d = _obj(name, data, field, _PRODUCT_KEYS)
    routes = _list(name, d.get("routes"), f"{field}.routes", non_empty=True)
    for n, route in enumerate(routes):
        if route not in ROUTES:
            raise _fail(name, f"{field}.routes[{n}]", f"must be one of {', '.join(ROUTES)}")
    unit = _text(name, d, "unit", field, limit=30)
    if not _ID.match(unit):
        raise _fail(name, f"{field}.unit", "use lower-case letters (device, ampoule, lozenge)")
    return Product(
        id=_id(name, d, field), medicine=_text(name, d, "medicine", field, limit=60).lower(),
        form=_text(name, d, "form", field, limit=60),
        strength=_text(name, d, "strength", field, limit=60), unit=unit,
        mg_per_unit=float(_positive(name, d.get("mg_per_unit"), f"{field}.mg_per_unit") or 0),
        ml_per_unit=_positive(name, d.get("ml_per_unit"), f"{field}.ml_per_unit",
                              optional=True),
        routes=tuple(routes), schedule=_text(name, d, "schedule", field, limit=10),
        source=parse_source(name, f"{field}.source", d.get("source")),
    )


def parse_register_rule(name: str, field: str, data: Any) -> RegisterRule:
    d = _obj(name, data, field, _RULE_KEYS)
    kind = d.get("kind")
    if kind not in REGISTER_RULE_KINDS:
        raise _fail(name, f"{field}.kind", f"must be one of {', '.join(REGISTER_RULE_KINDS)}")
    entries = _list(name, d.get("entries", []), f"{field}.entries")
    for n, entry in enumerate(entries):
        if entry not in ENTRY_KINDS:
            raise _fail(name, f"{field}.entries[{n}]", f"must be one of {', '.join(ENTRY_KINDS)}")
    if kind == RegisterRuleKind.WITNESS_REQUIRED and not entries:
        raise _fail(name, f"{field}.entries", "must name the entries that need a witness")
    return RegisterRule(
        id=_id(name, d, field), kind=RegisterRuleKind(kind),
        title=_text(name, d, "title", field),
        entries=tuple(EntryKind(e) for e in entries),
        source=parse_source(name, f"{field}.source", d.get("source")),
        notes=_text(name, d, "notes", field, required=False, limit=1000),
    )


def _unique(name: str, field: str, items: list[Any]) -> None:
    seen: set[str] = set()
    for n, item in enumerate(items):
        if item.id in seen:
            raise _fail(name, f"{field}[{n}].id", f"'{item.id}' is used twice")
        seen.add(item.id)


def _slot(name: str, key: str, value: Any) -> Any:
    empty, reader = SLOTS[key]
    if value is None or value == empty or value == [] or value == {}:
        return empty
    if reader is None:
        raise _fail(name, key, "this version of KAP Notes has no reader for this slot yet; "
                               "leave it empty")
    return reader(name, key, value)


def parse_pack_file(data: Any, name: str) -> PackFile:
    """One decoded pack file; `name` (the file name) prefixes every error field."""
    d = _obj(name, data, "", _TOP_KEYS)
    if d.get("format") != FORMAT_VERSION:
        raise _fail(name, "format", f"must be {FORMAT_VERSION} (the pack format this app reads)")
    pack_id = _text(name, d, "id", "", limit=10)
    if not PACK_ID.match(pack_id):
        raise _fail(name, "id", "must be a country code, optionally with a region (AU, AU-NSW)")
    extends = d.get("extends")
    if extends is not None and (not isinstance(extends, str) or not PACK_ID.match(extends)):
        raise _fail(name, "extends", "must name a national pack (AU)")
    products = [parse_product(name, f"products[{n}]", p)
                for n, p in enumerate(_list(name, d.get("products", []), "products"))]
    rules = [parse_register_rule(name, f"register_rules[{n}]", r)
             for n, r in enumerate(_list(name, d.get("register_rules", []), "register_rules"))]
    _unique(name, "products", products)
    _unique(name, "register_rules", rules)
    slots = {key: _slot(name, key, d.get(key)) for key in SLOTS}
    return PackFile(pack_id, _text(name, d, "title", ""), extends, tuple(products),
                    tuple(rules), slots)
