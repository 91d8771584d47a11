"""The PBS eligibility sheet for esketamine (docs/JURISDICTIONS.md, "PBS eligibility sheet"):
the prior antidepressant trials and the newly started oral antidepressant and treating
specialist, kept on the client record (each change audited), and the sheet gathered from them,
the client's current esketamine course, its severity measures and any PBS authority on
record, laid out by kapnotes/export/pbs_pages.py. No Qt.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kapnotes.domain.errors import NotFoundError, ValidationError
from kapnotes.domain.models import CourseStatus
from kapnotes.domain.pbs import AntidepressantTrial, PbsDetails
from kapnotes.domain.text_rules import clean_text
from kapnotes.export.pbs_pages import PbsSheet, pbs_report
from kapnotes.export.redaction import Redactor
from kapnotes.services.approvals import ApprovalService, course_medicine
from kapnotes.services.changes import Changes, write
from kapnotes.services.container import Services
from kapnotes.services.exports import ExportJob, export_pdf, options_for
from kapnotes.storage import approvals as repo
from kapnotes.storage import audit, clients
from kapnotes.storage.vault import Vault

KIND = "pbs_sheet"
MAX_TRIALS = 30


class PbsRecords:
    """The client-record part: trials and details, each write audited (no contents)."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def trials(self, client_id: int) -> list[AntidepressantTrial]:
        return repo.trials(self.vault, client_id)

    def add_trial(self, client_id: int, trial: AntidepressantTrial) -> AntidepressantTrial:
        clients.get(self.vault, client_id)
        if len(self.trials(client_id)) >= MAX_TRIALS:
            raise ValidationError("Trials", f"at most {MAX_TRIALS} trials per client")
        weeks = trial.duration_weeks
        if weeks is not None and not 1 <= weeks <= 520:
            raise ValidationError("Duration", "must be 1 to 520 weeks")
        checked = AntidepressantTrial(
            clean_text("Medicine", trial.medicine, required=True, max_length=120),
            clean_text("Dose", trial.dose, max_length=80), weeks,
            clean_text("Response", trial.response, max_length=200))
        with write(self.vault, Changes(clients=True, client_ids=frozenset({client_id}))):
            new_id = repo.add_trial(self.vault, client_id, checked)
            audit.record(self.vault, "pbs.trial.add", record_type="client",
                         record_id=client_id, detail=f"trial {new_id}")
        return replace(checked, id=new_id)

    def delete_trial(self, trial_id: int) -> None:
        with write(self.vault, Changes(clients=True)):
            client_id = repo.delete_trial(self.vault, trial_id)
            if client_id is None:
                raise NotFoundError("That antidepressant trial does not exist.")
            audit.record(self.vault, "pbs.trial.delete", record_type="client",
                         record_id=client_id, detail=f"trial {trial_id}")

    def details(self, client_id: int) -> PbsDetails:
        return repo.details(self.vault, client_id)

    def set_details(self, client_id: int, details: PbsDetails) -> PbsDetails:
        clients.get(self.vault, client_id)
        checked = PbsDetails(
            clean_text("Oral antidepressant", details.oral_antidepressant, max_length=120),
            details.antidepressant_start,
            clean_text("Treating specialist", details.specialist, max_length=120))
        with write(self.vault, Changes(clients=True, client_ids=frozenset({client_id}))):
            repo.put_details(self.vault, client_id, checked)
            audit.record(self.vault, "pbs.details", record_type="client", record_id=client_id)
        return checked


def gather(services: Services, client_id: int) -> PbsSheet:
    client = clients.get(services.vault, client_id)
    courses = [c for c in services.courses.for_client(client_id)
               if course_medicine(c.protocol) == "esketamine"]
    current = next((c for c in reversed(courses) if c.status is CourseStatus.ACTIVE),
                   courses[-1] if courses else None)
    measures = [(services.measures.scale_name(m.scale_id), m.taken_on, m.total, m.band)
                for m in services.measures.for_client(client_id)
                if current is None or m.taken_on >= current.start_date.replace(
                    year=current.start_date.year - 1)]
    approvals = ApprovalService(services.vault, clock=services.clock)
    authorities = [a for a in approvals.for_client(client_id)
                   if a.kind == "pbs_authority_esketamine"]
    records = PbsRecords(services.vault)
    return PbsSheet(client.code, client.full_name, client.date_of_birth,
                    None if current is None else current.start_date,
                    "" if current is None else current.prescriber,
                    tuple(records.trials(client_id)), records.details(client_id),
                    tuple(measures), tuple(authorities))


def build_pbs_sheet(services: Services, client_code: str) -> ExportJob:
    client = clients.get_by_code(services.vault, client_code.strip()[:40])
    if client is None or client.id is None:
        raise ValidationError("--client", f"no client has the code '{client_code[:40]}'")
    sheet = gather(services, client.id)
    options = options_for(services, deidentified=False)
    return ExportJob(pbs_report(sheet, options), KIND, str(client.id), (client.code,),
                     f"{client.code} PBS eligibility sheet.pdf",
                     Redactor([client]), services.vault.path)


def export(services: Services, job: ExportJob, out: Path, *, replace: bool = False) -> Path:
    return export_pdf(services, job, out, replace=replace)
