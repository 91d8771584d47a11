"""The jurisdiction packs (resources/jurisdictions/): shipped files load, each rule is named
with its source in docs/JURISDICTIONS.md, and a broken file is refused naming file and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.jurisdiction_model import EntryKind, RegisterRuleKind
from kapnotes.domain.jurisdictions import load_packs
from kapnotes.jurisdiction import builtin_packs, current_jurisdiction
from kapnotes.policy import load_policy

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "JURISDICTIONS.md"
STATES = ("NSW", "VIC", "QLD", "WA", "SA", "TAS", "ACT", "NT")


def test_every_state_and_territory_loads_over_the_national_pack() -> None:
    packs = builtin_packs()
    assert set(packs) == {"AU", *(f"AU-{s}" for s in STATES)}
    nsw = packs["AU-NSW"]
    device = nsw.products["esketamine_28mg_nasal_device"]
    assert (device.unit, device.mg_per_unit, device.routes) == ("device", 28.0, ("intranasal",))
    ampoule = nsw.products["ketamine_200mg_2ml_ampoule"]
    assert (ampoule.mg_per_unit, ampoule.ml_per_unit) == (200.0, 2.0)
    assert {p.strength for p in nsw.products_for("ketamine", "sublingual")} == {
        "25 mg", "50 mg", "100 mg"}
    witness = nsw.witness_rule(EntryKind.DESTRUCTION)
    assert witness is not None and "Poisons and Therapeutic Goods Regulation 2008" in \
        witness.source.label
    assert nsw.signing_rule() is not None and nsw.explanation_rule() is not None
    assert packs["AU"].register_rules == {}
    assert nsw.slots["retention"].minor_until_age == 25
    assert packs["AU-QLD"].slots["retention"] is None
    assert [a.id for a in nsw.slots["approvals"]] == [  # national ones, then the state's
        "tga_authorised_prescriber", "pbs_authority_esketamine", "nsw_s8_authority"]


def test_every_rule_and_product_is_named_in_the_docs_with_its_source() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for pack in builtin_packs().values():
        for rule in pack.register_rules.values():
            assert f"`{rule.id}`" in text and rule.source.label in text, (pack.id, rule.id)
        for product in pack.products.values():
            assert f"`{product.id}`" in text and product.source.label in text
        assert f"`{pack.id}`" in text


def _write(folder: Path, name: str, data: object) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _shipped(name: str) -> dict:
    return json.loads((REPO / "resources" / "jurisdictions" / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: d["register_rules"][0].update(entries=["burning"]),
     "au-nsw.json: register_rules[0].entries[0]"),
    (lambda d: d["register_rules"][1].update(witnes="x"), "au-nsw.json: register_rules[1].witnes"),
    (lambda d: d["register_rules"][0]["source"].update(kind="rumour"),
     "au-nsw.json: register_rules[0].source.kind"),
    (lambda d: d.update(approvals=[{"kind": "nsw_s8"}]), "au-nsw.json: approvals[0].kind"),
    (lambda d: d.update(format=2), "au-nsw.json: format"),
    (lambda d: d.update(id="nsw"), "au-nsw.json: id"),
])
def test_a_broken_state_file_is_refused_naming_file_and_field(tmp_path: Path, change: object,
                                                              field: str) -> None:
    folder = tmp_path / "packs"
    _write(folder, "au.json", _shipped("au.json"))
    nsw = _shipped("au-nsw.json")
    change(nsw)  # type: ignore[operator]
    _write(folder, "au-nsw.json", nsw)
    with pytest.raises(ValidationError) as caught:
        load_packs(folder)
    assert caught.value.field == field


def test_a_product_with_a_bad_route_or_strength_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    au = _shipped("au.json")
    au["products"][1]["mg_per_unit"] = -200
    _write(folder, "au.json", au)
    with pytest.raises(ValidationError, match=r"au.json: products\[1\].mg_per_unit"):
        load_packs(folder)


def test_hostile_pack_files_are_bounded(tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    folder.mkdir()
    (folder / "au.json").write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    with pytest.raises(ValidationError, match=r"au\.json"):
        load_packs(folder)
    (folder / "au.json").write_bytes(b" " * (300 * 1024))
    with pytest.raises(ValidationError, match="too large"):
        load_packs(folder)


def test_a_state_must_extend_a_national_pack_that_exists(tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    _write(folder, "au-nsw.json", _shipped("au-nsw.json"))
    with pytest.raises(ValidationError, match="AU-NSW: extends"):
        load_packs(folder)


def test_the_practice_policy_chooses_the_pack(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"version": 1, "settings": {
        "jurisdiction": {"value": "au-vic"}}}), encoding="utf-8")
    policy = load_policy(path)
    assert policy.problems == ()
    chosen = current_jurisdiction(policy)
    assert chosen is not None and chosen.id == "AU-VIC"
    assert current_jurisdiction(load_policy(tmp_path / "none.json")) is None


def test_an_unknown_jurisdiction_in_the_policy_is_reported_and_ignored(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"version": 1, "settings": {
        "jurisdiction": {"value": "AU-XYZ"}}}), encoding="utf-8")
    policy = load_policy(path)
    assert current_jurisdiction(policy) is None
    assert len(policy.problems) == 1
    assert "'jurisdiction' must be one of AU, AU-ACT" in policy.problems[0]


def test_rule_kinds_cover_what_the_register_enforces() -> None:
    nsw = builtin_packs()["AU-NSW"]
    assert {r.kind for r in nsw.register_rules.values()} == set(RegisterRuleKind)
