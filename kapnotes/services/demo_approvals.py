"""The demo vault's approvals, when the demo runs with a jurisdiction pack that lists them
(docs/JURISDICTIONS.md, "Approvals"): the first esketamine client's PBS authority near its end
(so the header and the lapsing list warn), their prior antidepressant trials for the PBS sheet,
the state's Schedule 8 authority or permit for the first ketamine client where the pack has
one, and the prescriber's TGA Authorised Prescriber authorisation. All fictional."""

from __future__ import annotations

from datetime import date, timedelta

from kapnotes.domain.approval_model import Approval, Holder
from kapnotes.domain.pbs import AntidepressantTrial, PbsDetails
from kapnotes.services.approvals import course_medicine
from kapnotes.services.container import Services
from kapnotes.services.pbs_sheet import PbsRecords

NEAR_END_DAYS = 12  # inside every pack's warning days: the demo shows the warning


def _first_client(services: Services, ids: list[int], medicine: str) -> int | None:
    return next((cid for cid in ids for c in services.courses.for_client(cid)
                 if course_medicine(c.protocol) == medicine), None)


def record_demo_approvals(services: Services, ids: list[int], today: date) -> None:
    rules = services.approvals.rules()
    if not rules:
        return
    esketamine = _first_client(services, ids, "esketamine")
    if esketamine is not None and "pbs_authority_esketamine" in rules:
        services.approvals.add(Approval(
            "pbs_authority_esketamine", today - timedelta(weeks=4),
            today + timedelta(days=NEAR_END_DAYS), client_id=esketamine,
            reference="PBS-DEMO-0001", prescriber="Dr Demo Psychiatrist"))
        pbs = PbsRecords(services.vault)
        pbs.add_trial(esketamine, AntidepressantTrial("Sertraline", "150 mg daily", 8,
                                                      "No response"))
        pbs.add_trial(esketamine, AntidepressantTrial("Desvenlafaxine", "100 mg daily", 10,
                                                      "Partial response; nausea"))
        pbs.set_details(esketamine, PbsDetails("Mirtazapine", today - timedelta(weeks=3),
                                               "Dr Demo Psychiatrist"))
    ketamine = _first_client(services, ids, "ketamine")
    for rule in rules.values():
        if rule.needed_after_days and rule.holder is Holder.CLIENT and ketamine is not None:
            services.approvals.add(Approval(
                rule.id, today - timedelta(weeks=6), today + timedelta(days=300),
                client_id=ketamine, reference="S8-DEMO-0042"))
    if "tga_authorised_prescriber" in rules:
        services.approvals.add(Approval(
            "tga_authorised_prescriber", today - timedelta(days=200),
            today + timedelta(days=530), medicine="ketamine",
            indication="Treatment-resistant depression (compounded lozenges)",
            ethics_approval="Demo HREC approval 2025/001 (fictional)",
            reference="AP-DEMO-0001", prescriber="Dr Demo Psychiatrist"))
