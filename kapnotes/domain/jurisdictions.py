"""Loading the jurisdiction packs: every `*.json` in a folder, read bounded, checked, and each
state or territory merged over the national file it `extends`.

A state's register rule with the same id as a national one replaces it; products add up (a
state may list one the national file does not); approvals and report periods add up by id
like the rules; any other slot a state fills replaces the national
value. The shipped packs are part of the release: a broken file raises, naming file and field.
Stdlib only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from kapnotes.domain.bounded_input import read_json_bounded
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.jurisdiction_model import JurisdictionPack
from kapnotes.domain.jurisdiction_schema import SLOTS, PackFile, parse_pack_file

MAX_PACK_BYTES = 256 * 1024  # a pack is a few KB of facts; anything larger is a mistake


def load_pack_file(path: Path) -> PackFile:
    data = read_json_bounded(path, limit=MAX_PACK_BYTES, label=path.name, max_depth=12)
    return parse_pack_file(data, path.name)


def merge(files: Iterable[PackFile], *, where: str = "jurisdictions"
          ) -> dict[str, JurisdictionPack]:
    """Every pack by id (AU, AU-NSW …), states merged over their national file."""
    by_id: dict[str, PackFile] = {}
    for f in files:
        if f.id in by_id:
            raise ValidationError(where, f"the pack id '{f.id}' is used by two files")
        by_id[f.id] = f
    packs: dict[str, JurisdictionPack] = {}
    for f in by_id.values():
        base = None
        if f.extends is not None:
            base = by_id.get(f.extends)
            if base is None or base.extends is not None:
                raise ValidationError(f"{f.id}: extends",
                                      f"'{f.extends}' is not a national pack in {where}")
        packs[f.id] = _merged(base, f)
    return packs


def _merged(base: PackFile | None, f: PackFile) -> JurisdictionPack:
    products = {p.id: p for p in (base.products if base else ())}
    products.update({p.id: p for p in f.products})
    rules = {r.id: r for r in (base.register_rules if base else ())}
    rules.update({r.id: r for r in f.register_rules})
    slots = dict(base.slots) if base else {}
    for key, (empty, _reader) in SLOTS.items():
        mine = f.slots.get(key, empty)
        if isinstance(empty, list) and key in slots:
            # A list of items with ids (approvals, report periods) adds up like the register
            # rules: a state's item with a national item's id replaces it.
            by_id = {item.id: item for item in slots[key]}
            by_id.update({item.id: item for item in mine})
            slots[key] = tuple(by_id.values())
        elif mine != empty or key not in slots:
            slots[key] = mine
    return JurisdictionPack(f.id, f.title, products, rules, slots)


def load_packs(folder: Path) -> Mapping[str, JurisdictionPack]:
    """The packs of every `*.json` file in `folder`; a broken file raises ValidationError."""
    return merge((load_pack_file(p) for p in sorted(folder.glob("*.json"))),
                 where=folder.name)
