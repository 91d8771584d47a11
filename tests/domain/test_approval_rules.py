"""The approvals and report-period slots of the jurisdiction packs (issue 19): read and checked
naming file and field, each kind and period documented with its source, and the warning rules
as pure functions. All data is fictional."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kapnotes.domain.approval_model import Approval
from kapnotes.domain.approval_rules import approval_rules, client_warnings, lapsing, report_periods
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.jurisdictions import load_packs
from kapnotes.domain.regulator_reports import due_soon, parse_period, patient_counts
from kapnotes.jurisdiction import builtin_packs

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "JURISDICTIONS.md"


def test_every_approval_kind_and_report_period_is_documented_with_its_source() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for pack in builtin_packs().values():
        for rule in approval_rules(pack).values():
            assert f"`{rule.id}`" in text and rule.source.label in text, (pack.id, rule.id)
        for period in report_periods(pack, "tga_authorised_prescriber"):
            assert period.label in text and period.source.label in text


def test_nsw_and_victoria_have_their_own_state_approval() -> None:
    nsw, vic = approval_rules(builtin_packs()["AU-NSW"]), approval_rules(builtin_packs()["AU-VIC"])
    assert nsw["nsw_s8_authority"].needed_after_days == 60
    assert vic["vic_s8_permit"].needed_after_days == 56
    assert "nsw_s8_authority" not in vic and "vic_s8_permit" not in nsw
    assert {"tga_authorised_prescriber", "pbs_authority_esketamine"} <= set(nsw) & set(vic)


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: d["approvals"][0].update(holder="nurse"), "au.json: approvals[0].holder"),
    (lambda d: d["approvals"][0].update(warn_days=0), "au.json: approvals[0].warn_days"),
    (lambda d: d["approvals"][1].update(medicines=["Esketamine!"]),
     "au.json: approvals[1].medicines[0]"),
    (lambda d: d["report_periods"][1].update(due="13-31"), "au.json: report_periods[1].due"),
    (lambda d: d["report_periods"][0].update(end="02-30"), "au.json: report_periods[0]"),
    (lambda d: d["report_periods"][0].update(report="ndis"), "au.json: report_periods[0].report"),
    (lambda d: d["approvals"].append(dict(d["approvals"][0])), "au.json: approvals[2].id"),
])
def test_a_broken_slot_is_refused_naming_file_and_field(tmp_path: Path, change: object,
                                                        field: str) -> None:
    au = json.loads((REPO / "resources" / "jurisdictions" / "au.json").read_text())
    change(au)  # type: ignore[operator]
    folder = tmp_path / "packs"
    folder.mkdir()
    (folder / "au.json").write_text(json.dumps(au))
    with pytest.raises(ValidationError) as caught:
        load_packs(folder)
    assert caught.value.field == field


def test_periods_and_their_due_dates() -> None:
    periods = report_periods(builtin_packs()["AU"], "tga_authorised_prescriber")
    h2 = parse_period("2026H2", periods)
    assert (h2.first, h2.last, h2.due) == (date(2026, 7, 1), date(2026, 12, 31),
                                           date(2027, 1, 31))
    assert [(p.id, left) for p, left in due_soon(periods, date(2026, 7, 20))] == [("2026H1", 11)]
    assert due_soon(periods, date(2026, 8, 1)) == []  # past due: no longer "due soon"


def test_new_patients_are_those_first_treated_under_the_authorisation_in_the_period() -> None:
    periods = report_periods(builtin_packs()["AU"], "tga_authorised_prescriber")
    auth = Approval("tga_authorised_prescriber", date(2026, 3, 1), date(2026, 9, 30))
    sessions = [(1, date(2026, 2, 1)), (1, date(2026, 4, 1)), (1, date(2026, 7, 2)),
                (2, date(2026, 6, 30)), (3, date(2026, 7, 1)), (4, date(2026, 10, 5))]
    assert patient_counts(auth, sessions, parse_period("2026H1", periods)) == (2, 2)
    # Client 1 was treated under it in H1; client 4 after it ended.
    assert patient_counts(auth, sessions, parse_period("2026H2", periods)) == (1, 2)


def test_warnings_as_pure_rules() -> None:
    rules = approval_rules(builtin_packs()["AU-NSW"])
    permit = Approval("nsw_s8_authority", date(2026, 1, 1), date(2026, 3, 31), client_id=1,
                      id=7)
    found = client_warnings(rules, [permit], today=date(2026, 3, 10), medicines=["ketamine"],
                            treatment_start=date(2025, 12, 1),
                            planned_doses=[date(2026, 3, 20), date(2026, 4, 3)])
    assert [(w.kind, w.day) for w in found] == [
        ("lapsing", date(2026, 3, 31)), ("dose_after_end", date(2026, 4, 3)),
        ("needed", date(2026, 4, 3))]
    renewed = Approval("nsw_s8_authority", date(2026, 4, 1), date(2027, 3, 31), client_id=1)
    assert client_warnings(rules, [permit, renewed], today=date(2026, 3, 10),
                           medicines=["ketamine"], treatment_start=date(2025, 12, 1),
                           planned_doses=[date(2026, 4, 3)]) == []
    assert lapsing([permit, renewed], date(2026, 3, 10), 30) == [permit]
