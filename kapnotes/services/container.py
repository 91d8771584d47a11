"""All services over one open vault, built once at unlock and handed to the UI and CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kapnotes.domain.protocols import LoadedProtocols
from kapnotes.domain.templates import TemplateLibrary
from kapnotes.paths import practice_templates_dir, resource_path
from kapnotes.services.approvals import ApprovalService
from kapnotes.services.clients import ClientService
from kapnotes.services.clock import Clock, system_clock
from kapnotes.services.consents import ConsentService
from kapnotes.services.course_items import CourseItemSync
from kapnotes.services.courses import CourseService
from kapnotes.services.intentions import IntentionService
from kapnotes.services.measures import MeasureService, load_practice_scales
from kapnotes.services.monitoring import MonitoringService
from kapnotes.services.notes import NoteService
from kapnotes.services.protocols import load_practice_protocols
from kapnotes.services.retention import RetentionService
from kapnotes.services.reviews import ReviewService
from kapnotes.services.s8_register import S8RegisterService
from kapnotes.services.session_events import SessionEventLog
from kapnotes.services.themes import ThemeService
from kapnotes.services.typed_aside import TypedAside
from kapnotes.storage.vault import Vault


def load_templates(practice_dir: Path | None = None) -> TemplateLibrary:
    """Built-in templates plus the practice folder (broken files listed in `.problems`)."""
    folder = practice_dir if practice_dir is not None else practice_templates_dir()
    return TemplateLibrary.load(resource_path("templates"), folder)


@dataclass
class Services:
    vault: Vault
    templates: TemplateLibrary
    clock: Clock = system_clock
    # Built-ins plus the practice's protocol files; a broken file is listed in `.problems`.
    protocols: LoadedProtocols = field(default_factory=load_practice_protocols)
    clients: ClientService = field(init=False)
    courses: CourseService = field(init=False)
    notes: NoteService = field(init=False)
    intentions: IntentionService = field(init=False)
    themes: ThemeService = field(init=False)
    measures: MeasureService = field(init=False)
    monitoring: MonitoringService = field(init=False)
    reviews: ReviewService = field(init=False)
    s8: S8RegisterService = field(init=False)
    approvals: ApprovalService = field(init=False)
    events: SessionEventLog = field(init=False)
    consents: ConsentService = field(init=False)
    retention: RetentionService = field(init=False)

    def __post_init__(self) -> None:
        self.clients = ClientService(self.vault, clock=self.clock)
        self.courses = CourseService(self.vault, clock=self.clock, protocols=self.protocols)
        self.notes = NoteService(self.vault, self.templates, clock=self.clock)
        self.notes.after_save.append(CourseItemSync(self.vault, clock=self.clock))
        self.notes.keep_aside = TypedAside(self.vault, self.clock)  # joined vaults only
        self.intentions = IntentionService(self.vault, clock=self.clock)
        self.themes = ThemeService(self.vault, self.notes)
        self.measures = MeasureService(self.vault, load_practice_scales, clock=self.clock)
        self.monitoring = MonitoringService(self.vault, clock=self.clock)
        # One editing stretch per note, whether its fields or its dosing record changed.
        self.monitoring.edits = self.monitoring.vitals.edits = self.notes.edits
        self.notes.sign_checks.append(self.monitoring.sign_check)
        self.reviews = ReviewService(self.vault, self.notes, clock=self.clock)
        self.s8 = S8RegisterService(self.vault, clock=self.clock)
        self.notes.before_delete.append(self.s8.refuse_delete_if_entered)
        self.approvals = ApprovalService(self.vault, clock=self.clock)
        self.events = SessionEventLog(self.vault, clock=self.clock)
        self.events.edits = self.notes.edits
        self.consents = ConsentService(self.vault, clock=self.clock)
        self.monitoring.consent_gate = self.consents.dose_gate
        self.retention = RetentionService(self.vault, self.clients, clock=self.clock)
        self.events.touch_line = self.consents.touch_consent_line
        # One signing check: the register's finding and the consent finding together.
        register, consent = self.s8.session_findings, self.consents.session_findings
        self.monitoring.register_findings = lambda sid, now: register(sid, now) + consent(sid, now)


def build_services(vault: Vault, *, clock: Clock = system_clock,
                   practice_templates: Path | None = None,
                   practice_protocols: Path | None = None) -> Services:
    return Services(vault=vault, templates=load_templates(practice_templates), clock=clock,
                    protocols=load_practice_protocols(practice_protocols))
