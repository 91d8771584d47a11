"""The demo vault with an AU pack (issue 19): an approval near its end that the header and the
lapsing list warn about, PBS trials for the sheet, the state permit and a TGA authorisation;
without a pack, no approvals."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from helpers.s8 import choose_jurisdiction

from kapnotes.services.demo import build_demo
from kapnotes.services.pbs_sheet import PbsRecords

TODAY = date(2026, 11, 20)  # FakeClock's day


def test_the_demo_has_an_approval_near_its_end(services: object, tmp_path: Path) -> None:
    choose_jurisdiction(tmp_path, "AU-VIC")
    ids = build_demo(services, today=TODAY)
    soon = services.approvals.lapsing(30)
    assert [(r.holder, r.approval.kind, r.days_left) for r in soon] == [
        ("KAP-001", "pbs_authority_esketamine", 12)]
    header = services.approvals.client_warnings(ids[0])
    assert any(w.kind == "lapsing" and "ends in 12 days" in w.message for w in header)
    kinds = {a.kind for a in services.approvals.all()}
    assert kinds == {"pbs_authority_esketamine", "vic_s8_permit", "tga_authorised_prescriber"}
    assert [t.medicine for t in PbsRecords(services.vault).trials(ids[0])] == [
        "Sertraline", "Desvenlafaxine"]


def test_without_a_pack_the_demo_keeps_no_approvals(services: object) -> None:
    build_demo(services, today=TODAY)
    assert services.approvals.all() == []
