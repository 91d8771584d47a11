"""Contraindication screens of a client, their warnings before dosing (with the practice's
screen-age limit), and the therapist's acknowledgement of them for one dosing session."""

from __future__ import annotations

from dataclasses import replace

from kapnotes.domain.dosing_record import ScreeningAck, StoredScreen
from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.domain.models import SessionKind
from kapnotes.domain.screening import Screen, ScreeningWarning, screening_warnings
from kapnotes.domain.text_rules import clean_text
from kapnotes.services.changes import Changes, ids, session_changes, write
from kapnotes.services.clock import Clock, system_clock
from kapnotes.services.practice_settings import MonitoringSettings
from kapnotes.storage import audit
from kapnotes.storage import screening as repo
from kapnotes.storage import sessions as session_repo
from kapnotes.storage.vault import Vault


class ScreeningService:
    """Screens and acknowledgements; every save of a screen is kept as history."""

    def __init__(self, vault: Vault, settings: MonitoringSettings, *,
                 clock: Clock = system_clock) -> None:
        self.vault = vault
        self.settings = settings
        self.clock = clock

    def save_screen(self, client_id: int, screen: Screen, *, screened_by: str) -> StoredScreen:
        by = clean_text("Screened by", screened_by, required=True)
        answers = tuple(replace(a, note=clean_text(a.item.label, a.note, max_length=2000))
                        for a in screen.answers)
        medicines = tuple(m for m in (clean_text("Medicine", m) for m in screen.medicines) if m)
        clean = Screen(screened_on=screen.screened_on, answers=answers, medicines=medicines)
        with write(self.vault, Changes(screening=True, client_ids=ids(client_id))):
            screen_id = repo.insert_screen(self.vault, client_id, clean, by)
            audit.record(self.vault, "screen.save", record_type="client", record_id=client_id,
                         detail=f"screen {screen_id}")
        return next(s for s in repo.screens_for(self.vault, client_id) if s.id == screen_id)

    def latest(self, client_id: int) -> StoredScreen | None:
        return repo.latest_screen(self.vault, client_id)

    def history(self, client_id: int) -> list[StoredScreen]:
        """Every screen of the client, newest first."""
        return repo.screens_for(self.vault, client_id)

    def warnings_for_client(self, client_id: int) -> tuple[ScreeningWarning, ...]:
        """For the client header too: no screen, out of date, yes/unknown items, medicines."""
        return self.warnings_for(repo.latest_screen(self.vault, client_id))

    def warnings_for(self, stored: StoredScreen | None) -> tuple[ScreeningWarning, ...]:
        """`warnings_for_client` given the client's `latest` screen, read already (a course
        summary prints both)."""
        return screening_warnings(stored.screen if stored else None, self.clock().date(),
                                  self.settings.screen_max_age_days())

    def warnings_for_session(self, session_id: int) -> tuple[ScreeningWarning, ...]:
        return self.warnings_for_client(session_repo.client_id_of(self.vault, session_id))

    def acknowledgements(self, session_id: int) -> list[ScreeningAck]:
        return repo.acks_for(self.vault, session_id)

    def needs_acknowledgement(self, session_id: int) -> bool:
        """True while a current warning has not been acknowledged for this unsigned dosing
        session; a warning that appears later (screen changed) must be acknowledged too."""
        session = session_repo.get(self.vault, session_id)
        if session.kind is not SessionKind.DOSING or session.signed:
            return False
        current = {w.message for w in self.warnings_for_session(session_id)}
        seen = {m for a in self.acknowledgements(session_id) for m in a.warnings}
        return bool(current - seen)

    def acknowledge(self, session_id: int, *, by: str) -> ScreeningAck:
        """Record that `by` saw the current warnings before dosing, keeping their text."""
        session = session_repo.get(self.vault, session_id)
        if session.kind is not SessionKind.DOSING:
            raise ValidationError("session", "only dosing sessions are acknowledged.")
        if session.signed:
            raise ConflictError("This note is signed and locked; add an addendum instead.")
        who = clean_text("Acknowledged by", by, required=True)
        warnings = [w.message for w in self.warnings_for_session(session_id)]
        with write(self.vault, lambda: session_changes(self.vault, session_id, screening=True)):
            ack_id = repo.insert_ack(self.vault, session_id, at=self.clock(), by=who,
                                     warnings=warnings)
            audit.record(self.vault, "screening.acknowledge", record_type="session",
                         record_id=session_id, detail=f"{len(warnings)} warnings")
        return next(a for a in self.acknowledgements(session_id) if a.id == ack_id)
