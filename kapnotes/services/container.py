"""All services over one open vault, built once at unlock and handed to the UI and CLI.

The client list's services (clients, reviews) are built with the container; the others, and
the modules that define them, on first use: their imports (~150 domain classes) are not
needed to paint the window (docs/BENCHMARKS.md, start-up). They are built together because
they hook into each other (signing checks, delete guards, edit stretches): a note service
is never handed out without the register's and the consent's checks attached.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kapnotes.domain.protocols import LoadedProtocols
from kapnotes.domain.templates import TemplateLibrary
from kapnotes.paths import practice_templates_dir, resource_path
from kapnotes.services.clients import ClientService
from kapnotes.services.clock import Clock, system_clock
from kapnotes.services.protocols import load_practice_protocols
from kapnotes.services.reviews import ReviewService
from kapnotes.storage.vault import Vault

if TYPE_CHECKING:
    from kapnotes.services.approvals import ApprovalService
    from kapnotes.services.consents import ConsentService
    from kapnotes.services.courses import CourseService
    from kapnotes.services.intentions import IntentionService
    from kapnotes.services.measures import MeasureService
    from kapnotes.services.monitoring import MonitoringService
    from kapnotes.services.notes import NoteService
    from kapnotes.services.retention import RetentionService
    from kapnotes.services.s8_register import S8RegisterService
    from kapnotes.services.session_events import SessionEventLog
    from kapnotes.services.themes import ThemeService

# Built together on the first read of any of them (Services.__getattr__).
ON_FIRST_USE = frozenset({"courses", "notes", "intentions", "themes", "measures", "monitoring",
                          "s8", "approvals", "events", "consents", "retention"})


def load_templates(practice_dir: Path | None = None) -> TemplateLibrary:
    """Built-in templates plus the practice folder (broken files listed in `.problems`)."""
    folder = practice_dir if practice_dir is not None else practice_templates_dir()
    return TemplateLibrary.load(resource_path("templates"), folder)


class Services:
    vault: Vault
    templates: TemplateLibrary
    clock: Clock
    # Built-ins plus the practice's protocol files; a broken file is listed in `.problems`.
    protocols: LoadedProtocols
    clients: ClientService
    reviews: ReviewService
    courses: CourseService
    notes: NoteService
    intentions: IntentionService
    themes: ThemeService
    measures: MeasureService
    monitoring: MonitoringService
    s8: S8RegisterService
    approvals: ApprovalService
    events: SessionEventLog
    consents: ConsentService
    retention: RetentionService

    def __init__(self, vault: Vault, templates: TemplateLibrary, clock: Clock = system_clock,
                 protocols: LoadedProtocols | None = None) -> None:
        self.vault = vault
        self.templates = templates
        self.clock = clock
        self.protocols = protocols if protocols is not None else load_practice_protocols()
        self._building = threading.Lock()
        self.clients = ClientService(vault, clock=clock)
        # Its notes are read only to answer "changes requested" with an addendum.
        self.reviews = ReviewService(vault, lambda: self.notes, clock=clock)

    def __getattr__(self, name: str) -> Any:
        """Only for attributes not set yet: the services built on first use."""
        if name not in ON_FIRST_USE:
            raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")
        with self._building:  # once, even if two threads ask at the same time
            if name not in self.__dict__:
                self._build_the_rest()
        return self.__dict__[name]

    def _build_the_rest(self) -> None:
        from kapnotes.services.approvals import ApprovalService
        from kapnotes.services.consents import ConsentService
        from kapnotes.services.course_items import CourseItemSync
        from kapnotes.services.courses import CourseService
        from kapnotes.services.intentions import IntentionService
        from kapnotes.services.measures import MeasureService, load_practice_scales
        from kapnotes.services.monitoring import MonitoringService
        from kapnotes.services.notes import NoteService
        from kapnotes.services.retention import RetentionService
        from kapnotes.services.s8_register import S8RegisterService
        from kapnotes.services.session_events import SessionEventLog
        from kapnotes.services.themes import ThemeService
        from kapnotes.services.typed_aside import TypedAside

        vault, clock = self.vault, self.clock
        courses = CourseService(vault, clock=clock, protocols=self.protocols)
        notes = NoteService(vault, self.templates, clock=clock)
        notes.after_save.append(CourseItemSync(vault, clock=clock))
        notes.keep_aside = TypedAside(vault, clock)  # joined vaults only
        intentions = IntentionService(vault, clock=clock)
        themes = ThemeService(vault, notes)
        measures = MeasureService(vault, load_practice_scales, clock=clock)
        monitoring = MonitoringService(vault, clock=clock)
        # One editing stretch per note, whether its fields or its dosing record changed.
        monitoring.edits = monitoring.vitals.edits = notes.edits
        notes.sign_checks.append(monitoring.sign_check)
        s8 = S8RegisterService(vault, clock=clock)
        notes.before_delete.append(s8.refuse_delete_if_entered)
        approvals = ApprovalService(vault, clock=clock)
        events = SessionEventLog(vault, clock=clock)
        events.edits = notes.edits
        consents = ConsentService(vault, clock=clock)
        monitoring.consent_gate = consents.dose_gate
        retention = RetentionService(vault, self.clients, clock=clock)
        events.touch_line = consents.touch_consent_line
        # One signing check: the register's finding and the consent finding together.
        register, consent = s8.session_findings, consents.session_findings
        monitoring.register_findings = lambda sid, now: register(sid, now) + consent(sid, now)
        # Published only once every hook is attached.
        self.__dict__.update(courses=courses, notes=notes, intentions=intentions, themes=themes,
                             measures=measures, monitoring=monitoring, s8=s8,
                             approvals=approvals, events=events, consents=consents,
                             retention=retention)


def build_services(vault: Vault, *, clock: Clock = system_clock,
                   practice_templates: Path | None = None,
                   practice_protocols: Path | None = None) -> Services:
    return Services(vault=vault, templates=load_templates(practice_templates), clock=clock,
                    protocols=load_practice_protocols(practice_protocols))
