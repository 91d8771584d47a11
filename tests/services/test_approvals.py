"""Approvals, permits and authorisations through the services over a real vault (issue 19):
each kind the AU packs list, the warnings (lapsing within the pack's days, lapsed, a planned
dose after the end, treatment past the point one is needed with none recorded), the practice's
lapsing list, and refusals that change nothing. All data is fictional."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from helpers.s8 import choose_jurisdiction

from kapnotes.domain.approval_model import Approval
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.models import Client, Course
from kapnotes.storage import audit

TODAY = date(2026, 11, 20)  # FakeClock's day


def client_with_course(services: object, code: str = "KAP-501", protocol: str = "esketamine",
                       start: date = date(2026, 11, 2)) -> int:
    client = services.clients.create(Client(code=code, full_name="Sam Fictional"))
    services.courses.create(Course(client_id=client.id, protocol=protocol, start_date=start))
    return client.id


def kinds(warnings: list) -> list[tuple[str, str]]:
    return [(w.kind, w.rule_id) for w in warnings]


@pytest.fixture
def nsw(services: object, tmp_path: Path) -> object:
    choose_jurisdiction(tmp_path, "AU-NSW")
    return services


def test_an_nsw_authority_warns_within_its_days_and_is_audited(nsw: object) -> None:
    cid = client_with_course(nsw)
    a = nsw.approvals.add(Approval("nsw_s8_authority", date(2026, 9, 1), date(2026, 12, 10),
                                   client_id=cid, reference="NSW-A-1234"))
    assert a.id is not None and a.medicine == ""
    warnings = nsw.approvals.client_warnings(cid)
    lapsing = [w for w in warnings if w.kind == "lapsing"]
    assert [w.message for w in lapsing] == ["NSW authority to prescribe or supply a Schedule 8 "
                                            "medicine ends in 20 days (10 Dec 2026)"]
    assert lapsing[0].source.startswith("Poisons and Therapeutic Goods Act 1966 (NSW)")
    # The plan has doses after 10 Dec: the first one is named.
    after = [w for w in warnings if w.kind == "dose_after_end"]
    assert len(after) == 1 and after[0].day > date(2026, 12, 10)
    events = [e.event for e in audit.entries(nsw.vault) if e.event.startswith("approval.")]
    assert events == ["approval.add"]
    details = [e.detail for e in audit.entries(nsw.vault) if e.event == "approval.add"]
    assert details == ["nsw_s8_authority 2026-09-01 to 2026-12-10"]  # no names, no notes


def test_more_than_the_warning_days_away_is_quiet_until_the_day_comes(nsw: object,
                                                                      clock: object) -> None:
    cid = client_with_course(nsw)
    nsw.approvals.add(Approval("nsw_s8_authority", date(2026, 9, 1), date(2027, 12, 31),
                               client_id=cid))
    assert nsw.approvals.client_warnings(cid) == []
    clock.now = datetime(2027, 12, 3, 9)  # 28 days before the end: the pack's number
    assert kinds(nsw.approvals.client_warnings(cid))[:1] == [("lapsing", "nsw_s8_authority")]
    clock.now = datetime(2028, 1, 2, 9)
    assert ("lapsed", "nsw_s8_authority") in kinds(nsw.approvals.client_warnings(cid))


def test_continuous_treatment_past_two_months_needs_an_nsw_authority(nsw: object) -> None:
    cid = client_with_course(nsw, start=date(2026, 9, 1))
    needed = [w for w in nsw.approvals.client_warnings(cid) if w.kind == "needed"]
    assert len(needed) == 1 and needed[0].rule_id == "nsw_s8_authority"
    assert "needed from 31 Oct 2026 (continuous treatment beyond 60 days)" in needed[0].message
    nsw.approvals.add(Approval("nsw_s8_authority", date(2026, 10, 25), date(2027, 10, 25),
                               client_id=cid))
    assert [w for w in nsw.approvals.client_warnings(cid) if w.kind == "needed"] == []


def test_a_victorian_permit_is_needed_after_eight_weeks(services: object,
                                                         tmp_path: Path) -> None:
    choose_jurisdiction(tmp_path, "AU-VIC")
    cid = client_with_course(services, protocol="kap_sublingual_im", start=date(2026, 9, 20))
    needed = [w for w in services.approvals.client_warnings(cid) if w.kind == "needed"]
    assert [w.rule_id for w in needed] == ["vic_s8_permit"]
    assert "beyond 56 days" in needed[0].message
    # Not an NSW rule in Victoria.
    with pytest.raises(ValidationError, match="'nsw_s8_authority' is not an approval"):
        services.approvals.add(Approval("nsw_s8_authority", TODAY, TODAY, client_id=cid))


def test_a_tga_authorisation_is_the_prescribers_with_indication_and_ethics(nsw: object) -> None:
    cid = client_with_course(nsw, protocol="kap_sublingual_im")
    base = Approval("tga_authorised_prescriber", date(2026, 1, 1), date(2026, 12, 31),
                    medicine="Ketamine", indication="Treatment-resistant PTSD",
                    ethics_approval="Bellbird HREC 2025/114", reference="AP-2026-0042",
                    prescriber="Dr Lee Example")
    with pytest.raises(ValidationError, match="Client: this authorisation is the prescriber"):
        nsw.approvals.add(Approval(**{**base.__dict__, "client_id": cid}))
    with pytest.raises(ValidationError, match="Ethics approval"):
        nsw.approvals.add(Approval(**{**base.__dict__, "ethics_approval": " "}))
    with pytest.raises(ValidationError, match="Medicine: name the medicine"):
        nsw.approvals.add(Approval(**{**base.__dict__, "medicine": ""}))
    assert nsw.approvals.all() == []  # nothing kept from the refusals
    saved = nsw.approvals.add(base)
    assert saved.medicine == "ketamine" and nsw.approvals.prescriber_approvals() == [saved]
    # It covers the ketamine client: its lapse shows in their header (60 days' warning).
    assert ("lapsing", "tga_authorised_prescriber") in kinds(nsw.approvals.client_warnings(cid))
    esk = client_with_course(nsw, code="KAP-502")
    assert ("lapsing", "tga_authorised_prescriber") not in kinds(
        nsw.approvals.client_warnings(esk))


def test_a_pbs_authority_is_one_clients_and_esketamine_only(nsw: object) -> None:
    cid = client_with_course(nsw)
    with pytest.raises(ValidationError, match="Client: a PBS authority"):
        nsw.approvals.add(Approval("pbs_authority_esketamine", TODAY, TODAY))
    with pytest.raises(ValidationError, match="Medicine: must be one of esketamine"):
        nsw.approvals.add(Approval("pbs_authority_esketamine", TODAY, TODAY, client_id=cid,
                                   medicine="ketamine"))
    saved = nsw.approvals.add(Approval("pbs_authority_esketamine", date(2026, 11, 2),
                                       date(2026, 12, 1), client_id=cid, reference="PBS-77"))
    assert saved.medicine == "esketamine"
    assert ("lapsing", "pbs_authority_esketamine") in kinds(nsw.approvals.client_warnings(cid))


def test_bad_dates_and_no_jurisdiction_are_refused(services: object, tmp_path: Path) -> None:
    cid = client_with_course(services)
    with pytest.raises(ValidationError, match="Kind: the jurisdiction chosen"):
        services.approvals.add(Approval("nsw_s8_authority", TODAY, TODAY, client_id=cid))
    choose_jurisdiction(tmp_path, "AU-NSW")
    with pytest.raises(ValidationError, match="End date: is before the start date"):
        services.approvals.add(Approval("nsw_s8_authority", TODAY, date(2026, 1, 1),
                                        client_id=cid))
    assert services.approvals.all() == []


def test_edit_and_delete_are_audited_and_the_lapsing_list_names_codes(nsw: object) -> None:
    a_id = client_with_course(nsw, code="KAP-601")
    b_id = client_with_course(nsw, code="KAP-602")
    first = nsw.approvals.add(Approval("nsw_s8_authority", date(2026, 1, 1), date(2026, 12, 5),
                                       client_id=a_id))
    nsw.approvals.add(Approval("pbs_authority_esketamine", date(2026, 6, 1), date(2027, 3, 1),
                               client_id=b_id))
    rows = nsw.approvals.lapsing(30)
    assert [(r.holder, r.days_left) for r in rows] == [("KAP-601", 15)]
    nsw.approvals.update(Approval(**{**first.__dict__, "ends_on": date(2027, 6, 30)}))
    assert nsw.approvals.lapsing(30) == []
    nsw.approvals.delete(first.id)
    assert [a.client_id for a in nsw.approvals.all()] == [b_id]
    events = [e.event for e in audit.entries(nsw.vault) if e.event.startswith("approval.")]
    assert events == ["approval.add", "approval.add", "approval.update", "approval.delete"]
    with pytest.raises(ValidationError, match="--lapsing-within"):
        nsw.approvals.lapsing(-1)


def test_the_dose_entry_warns_when_its_day_is_after_the_end(nsw: object) -> None:
    from helpers.s8 import dosing_session

    session_id = dosing_session(nsw, code="KAP-801", at=datetime(2026, 12, 20, 9))
    cid = nsw.clients.by_code("KAP-801").id
    nsw.approvals.add(Approval("pbs_authority_esketamine", date(2026, 11, 1),
                               date(2026, 12, 15), client_id=cid))
    warnings = nsw.approvals.session_warnings(session_id)
    assert any(w.kind == "dose_after_end" and w.day == date(2026, 12, 20) for w in warnings)
