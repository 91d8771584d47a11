"""The demo vault with a jurisdiction pack (issue 19): a stock of esketamine devices with
receipts and an administration entry for each demo dose, linked to its dosing session; the
demo notes still sign; without a pack the demo keeps no register."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from helpers.s8 import ESKETAMINE, choose_jurisdiction

from kapnotes.domain.jurisdiction_model import EntryKind
from kapnotes.domain.models import SessionKind
from kapnotes.domain.s8_register import running_ok
from kapnotes.services.demo import build_demo

TODAY = date(2026, 11, 30)


def _dosing_sessions(services: object, ids: list[int]) -> list[object]:
    out = []
    for client_id in ids:
        for course in services.courses.for_client(client_id):
            out += [s for s in services.notes.sessions_for_course(course.id)
                    if s.kind is SessionKind.DOSING]
    return out


def test_the_demo_with_a_pack_keeps_an_esketamine_register(services: object,
                                                           tmp_path: Path) -> None:
    choose_jurisdiction(tmp_path, "AU-VIC")
    ids = build_demo(services, today=TODAY)
    (register,) = services.s8.registers()
    assert register.product_id == ESKETAMINE
    entries = services.s8.entries(register.id)
    kinds = [e.kind for e in entries]
    assert kinds.count(EntryKind.RECEIPT) >= 2 and kinds[-1] is EntryKind.STOCKTAKE
    assert not entries[-1].discrepancy and running_ok(entries)
    doses = _dosing_sessions(services, ids)
    administered = {e.session_id for e in entries if e.kind is EntryKind.ADMINISTRATION}
    assert administered == {s.id for s in doses}
    assert all(e.quantity == 2 and e.dose_mg == 56 and e.client_code.startswith("KAP-")
               for e in entries if e.kind is EntryKind.ADMINISTRATION)
    assert any(s.signed for s in doses)
    # Written in date order: receipts before the doses they supply, dates never going back.
    dated = [e.occurred_at for e in entries]
    assert dated == sorted(dated)
    assert entries[0].kind is EntryKind.RECEIPT


def test_the_demo_without_a_pack_keeps_no_register(services: object) -> None:
    build_demo(services, today=TODAY)
    assert services.s8.registers() == []
