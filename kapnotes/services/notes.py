"""Session notes: create from a template, autosave fields, sign and lock, addenda, search."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from kapnotes.domain.clinical_rules import RuleFinding
from kapnotes.domain.errors import ConflictError, NotFoundError, ValidationError
from kapnotes.domain.models import (
    Addendum,
    Modality,
    Note,
    SearchHit,
    Session,
    SessionKind,
)
from kapnotes.domain.monitoring import MINIMUM_MONITORING_MINUTES
from kapnotes.domain.signing import (
    SIGN_AUDIT_PREFIX,
    answered_at_signing,
    needing_reason,
    refusals,
)
from kapnotes.domain.templates import (
    FieldType,
    Template,
    TemplateLibrary,
    missing_required,
    parse_template,
    search_text,
    template_to_data,
    validate_value,
)
from kapnotes.domain.text_rules import MAX_LONG, clean_text
from kapnotes.services.changes import Changes, ids, mark, write
from kapnotes.services.clock import Clock, aware, system_clock
from kapnotes.services.edit_audit import EditStretches
from kapnotes.storage import audit, seals, search, sync_void
from kapnotes.storage import courses as course_repo
from kapnotes.storage import sessions as repo
from kapnotes.storage.vault import Vault

TALK_SESSION_MINUTES = 60  # preparation and integration

# Extra checks before signing (the dosing record's rules, kapnotes/domain/signing.py): each
# returns rule findings; a blocking one refuses signing, any other needs a written `reason`.
SignCheck = Callable[[Session, datetime], Sequence[RuleFinding]]
# Keeps rows derived from note fields (course intentions, reviews, theme mentions) in step
# with the note: called with the normalised changed values inside the save's transaction, so
# the note and its derived rows are written together or not at all.
AfterSave = Callable[[Session, Template, Mapping[str, object]], None]
# Keeps typed fields aside (as a conflict copy) instead of writing them over a version that
# changed since the editor loaded it; called inside the save's transaction with field id →
# (normalised value, search text); True when kept (kapnotes/services/typed_aside.py).
KeepAside = Callable[[int, Mapping[str, tuple[object, str]]], bool]


@dataclass(frozen=True)
class SavedFields:
    values: dict[str, object]       # what is now stored, normalised, by field id
    kept_aside: tuple[str, ...] = ()  # fields kept as a conflict copy, not written



def _blank(value: object) -> object:
    """An empty field reads the same whether stored as nothing, "" or an empty list."""
    return None if value in (None, "", [], {}) else value


def default_duration(kind: SessionKind) -> int:
    """Minutes a new session is booked for: a dosing session lasts at least its monitoring
    (kapnotes/domain/monitoring.py, 2 hours); talking sessions an hour."""
    return MINIMUM_MONITORING_MINUTES if kind is SessionKind.DOSING else TALK_SESSION_MINUTES

class NoteService:
    """Everything done with session notes, for the UI and the CLI alike."""

    def __init__(self, vault: Vault, templates: TemplateLibrary, *,
                 clock: Clock = system_clock) -> None:
        self.vault = vault
        self.templates = templates
        self.clock = clock
        self.sign_checks: list[SignCheck] = []
        self.after_save: list[AfterSave] = []
        self.keep_aside: KeepAside | None = None
        # Each may refuse deleting a draft (raise ConflictError): the S8 register does.
        self.before_delete: list[Callable[[int], None]] = []
        self.edits = EditStretches()
        self._load_snapshots()

    def _load_snapshots(self) -> None:
        """Templates kept in the vault, so old notes open even if their file is gone."""
        for template_id, version, definition in repo.template_snapshots(self.vault):
            if self.templates.find(template_id, version) is None:
                self.templates.add(parse_template(json.loads(definition), f"vault:{template_id}",
                                                  source="vault"))

    # -- sessions ------------------------------------------------------------------------
    def create_session(
        self,
        *,
        course_id: int,
        kind: SessionKind,
        starts_at: datetime,
        duration_min: int | None = None,
        clinician: str = "",
        modality: Modality = Modality.IN_PERSON,
        linked_dosing_id: int | None = None,
        slot_id: int | None = None,
        template_id: str | None = None,
    ) -> Session:
        course_repo.get(self.vault, course_id)
        template = (self.templates.newest(template_id) if template_id
                    else self.templates.latest(kind.value))
        if template.kind != kind.value:
            raise ValidationError("Template", f"'{template.title}' is not a {kind.value} template.")
        if duration_min is None:
            duration_min = default_duration(kind)
        draft = Session(
            course_id=course_id, kind=kind, starts_at=starts_at.replace(second=0, microsecond=0),
            duration_min=duration_min, clinician=clean_text("Clinician", clinician),
            modality=modality, linked_dosing_id=linked_dosing_id,
            template_id=template.id, template_version=template.version,
        )
        self._check_details(draft)
        with write(self.vault, lambda: self._changed(course_id, sessions=True)) as vault:
            session_id = repo.insert(vault, draft)
            mark(vault, Changes(session_ids=ids(session_id)))
            repo.snapshot_template(self.vault, template.id, template.version, template.kind,
                                   json.dumps(template_to_data(template), ensure_ascii=False))
            if slot_id is not None:
                slot = course_repo.get_slot(self.vault, slot_id)
                if slot.course_id != course_id or slot.kind != kind:
                    raise ValidationError("Planned slot", "belongs to another course or kind.")
                course_repo.link_slot(self.vault, slot_id, session_id)
            audit.record(self.vault, "session.create", record_type="session",
                         record_id=session_id, detail=kind.value)
        return repo.get(self.vault, session_id)

    def _check_details(self, s: Session) -> None:
        if not 0 <= s.duration_min <= 1440:
            raise ValidationError("Duration", "must be 0 to 1,440 minutes.")
        if s.linked_dosing_id is not None:
            if s.kind is not SessionKind.INTEGRATION:
                raise ValidationError("Linked dosing session", "only integration sessions link.")
            dose = repo.get(self.vault, s.linked_dosing_id)
            if dose.kind is not SessionKind.DOSING or dose.course_id != s.course_id:
                raise ValidationError("Linked dosing session",
                                      "must be a dosing session of the same course.")

    def update_details(self, session: Session) -> Session:
        self._check_details(session)
        with write(self.vault, lambda: self._changed(session.course_id, session.id, sessions=True)):
            repo.update_details(self.vault, session)
            audit.record(self.vault, "session.update", record_type="session",
                         record_id=session.id or "")
        return repo.get(self.vault, int(session.id or 0))

    def _changed(self, course_id: int, session_id: int | None = None, *,
                 sessions: bool = False, notes: bool = False) -> Changes:
        """A session or note change, naming its client and course for the views."""
        client_id = course_repo.get(self.vault, course_id).client_id
        return Changes(sessions=sessions, notes=notes, client_ids=ids(client_id),
                       course_ids=ids(course_id), session_ids=ids(session_id))

    def session(self, session_id: int) -> Session:
        return repo.get(self.vault, session_id)

    def sessions_for_course(self, course_id: int) -> list[Session]:
        return repo.for_course(self.vault, course_id)

    def dosing_to_link(self, course_id: int, starts_at: datetime) -> int | None:
        """The dosing session a new integration note of the course follows up: the latest
        one starting at or before it (never a later one), None when there is none yet."""
        doses = [s.id for s in repo.for_course(self.vault, course_id)
                 if s.kind is SessionKind.DOSING and s.starts_at <= starts_at]
        return doses[-1] if doses else None

    def client_id_of(self, session_id: int) -> int:
        return repo.client_id_of(self.vault, session_id)

    def delete_draft(self, session_id: int, *, reason: str = "") -> None:
        """Discard an unsigned note; `reason` goes with the deletion to the care team."""
        session = repo.get(self.vault, session_id)
        if session.signed:
            raise ConflictError("A signed note cannot be deleted.")
        for check in self.before_delete:
            check(session_id)
        with write(self.vault, lambda: self._changed(session.course_id, session_id, sessions=True)):
            with sync_void.reason_for_voids(self.vault, reason):
                repo.delete(self.vault, session_id)
            audit.record(self.vault, "session.delete", record_type="session",
                         record_id=session_id, detail=reason.strip()[:sync_void.MAX_REASON])

    # -- note content --------------------------------------------------------------------
    def template_for(self, session: Session) -> Template:
        return self.templates.get(session.template_id, session.template_version)

    def note(self, session_id: int) -> Note:
        session = repo.get(self.vault, session_id)
        return Note(session=session, values=repo.field_values(self.vault, session_id),
                    addenda=tuple(repo.addenda(self.vault, session_id)))

    def notes(self, sessions: Sequence[Session]) -> dict[int, Note]:
        """`note` of each of these sessions (just read), one query per table for all."""
        read = repo.notes_of(self.vault, [int(s.id or 0) for s in sessions])
        out = {}
        for s in sessions:
            values, addenda = read[int(s.id or 0)]
            out[int(s.id or 0)] = Note(session=s, values=values, addenda=tuple(addenda))
        return out

    def save_fields(self, session_id: int, changes: Mapping[str, object], *,
                    based_on: Mapping[str, object] | None = None) -> SavedFields:
        """Validate every change first, then write them in one transaction (all or nothing).

        `based_on` (an editor's view of the stored values it edits): a field whose stored
        value has changed since (a sync brought another workstation's version) is not written
        over; `keep_aside` keeps it as a conflict copy, as a stale push would be."""
        session = repo.get(self.vault, session_id)
        if session.signed:
            raise ConflictError("This note is signed and locked; add an addendum instead.")
        template = self.template_for(session)
        clean: list[tuple[str, object, str]] = []
        for field_id, value in changes.items():
            field = template.field(field_id)
            if field is None or field.type is FieldType.HEADING:
                raise ValidationError(field_id, "is not a field of this note's template.")
            normalised = validate_value(field, value)
            clean.append((field_id, normalised, search_text(field, normalised)))
        if not clean:
            return SavedFields({})
        with write(self.vault, lambda: self._changed(session.course_id, session_id, notes=True)):
            before = repo.field_values(self.vault, session_id)
            aside = self._kept_aside(session_id, clean, before, based_on)
            clean = [c for c in clean if c[0] not in aside]
            for field_id, value, text in clean:
                repo.put_field(self.vault, session_id, field_id, value, text)
            saved = {field_id: value for field_id, value, _ in clean}
            for hook in self.after_save:
                hook(session, template, saved)
            self.edits.record(self.vault, session_id,
                              [f for f, v in saved.items() if before.get(f) != v],
                              self.clock())
        return SavedFields(saved, tuple(aside))

    def _kept_aside(self, session_id: int, clean: list[tuple[str, object, str]],
                    before: Mapping[str, object], based_on: Mapping[str, object] | None
                    ) -> set[str]:
        if based_on is None or self.keep_aside is None:
            return set()
        stale = {f: (v, t) for f, v, t in clean
                 if _blank(before.get(f)) != _blank(based_on.get(f))}
        return set(stale) if stale and self.keep_aside(session_id, stale) else set()

    def missing_for_signing(self, session_id: int) -> list[str]:
        session = repo.get(self.vault, session_id)
        return missing_required(self.template_for(session),
                                repo.field_values(self.vault, session_id))

    def sign_findings(self, session_id: int) -> list[RuleFinding]:
        """Every rule finding that stands between this note and its signature."""
        session = repo.get(self.vault, session_id)
        now = self.clock()
        return [f for check in self.sign_checks for f in check(session, now)]

    def sign_refusals(self, session_id: int) -> list[str]:
        """What must be fixed before signing; no reason makes it acceptable."""
        return refusals(self.sign_findings(session_id))

    def sign_blockers(self, session_id: int) -> list[str]:
        """Reasons (beyond missing fields) that signing needs a written justification."""
        return needing_reason(self.sign_findings(session_id))

    def sign(self, session_id: int, *, signer: str, reason: str = "") -> Session:
        """Check required fields, record signer and time, lock the note."""
        session = repo.get(self.vault, session_id)
        if session.signed:
            raise ConflictError("This note is already signed.")
        signer = clean_text("Signed by", signer, required=True)
        missing = self.missing_for_signing(session_id)
        if missing:
            raise ValidationError("Sign", "fill in the required fields first: "
                                  + ", ".join(missing) + ".")
        findings = self.sign_findings(session_id)
        refused = refusals(findings)
        if refused:
            raise ValidationError("Sign", "fix the record first: " + " ".join(refused))
        blockers = needing_reason(findings)
        reason = clean_text("Reason", reason, max_length=4000, multiline=True)
        if blockers and not reason.strip():
            raise ValidationError("Reason", "signing now needs a written reason: "
                                  + "; ".join(blockers) + ".")
        with write(self.vault, lambda: self._changed(session.course_id, session_id, sessions=True)):
            repo.mark_signed(self.vault, session_id, signer=signer,
                             at=aware(self.clock()), reason=reason)
            # The seal (digest of what was signed, with its MAC) goes in with the signature.
            digest = seals.seal_session(self.vault, session_id)
            # Signing past rules that need a reason is an override: the audit says so (rule
            # ids only, never the reason's text, which is in the note).
            overridden = sorted({f.rule_id for f in findings} if blockers else set())
            detail = f"seal {seals.short(digest)}"
            if overridden:
                detail += SIGN_AUDIT_PREFIX + ", ".join(overridden)
            audit.record(self.vault, "session.sign", record_type="session",
                         record_id=session_id, detail=detail)
        self.vault.checkpoint()  # a signed note lives in the vault file, not only the WAL
        return repo.get(self.vault, session_id)

    def sign_answered(self, session_id: int) -> tuple[str, ...]:
        """What the signature's written reason answered, in words, from the ids its audit
        entry recorded at signing (so a later record or rule change does not rewrite it)."""
        return self.signs_answered([session_id]).get(session_id, ())

    def signs_answered(self, session_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        """`sign_answered` of each of these notes that was signed, from one read of the audit
        log (a course summary prints every signed note's)."""
        from kapnotes.rules import current_rules

        out: dict[int, tuple[str, ...]] = {}
        rules = current_rules()  # once for the course, not once per signed note
        for entry in audit.entries(self.vault, record_type="session",
                                   record_ids=tuple(str(i) for i in session_ids)):
            sid = int(entry.record_id or 0)
            if entry.event == "session.sign" and entry.outcome == "ok" and sid not in out:
                out[sid] = answered_at_signing(entry.detail or "", rules)
        return out

    def add_addendum(self, session_id: int, text: str, *, author: str) -> Addendum:
        session = repo.get(self.vault, session_id)
        if not session.signed:
            raise ConflictError("This note is not signed yet; edit it directly.")
        body = clean_text("Addendum", text, required=True, max_length=MAX_LONG, multiline=True)
        author = clean_text("Author", author, required=True)
        with write(self.vault, lambda: self._changed(session.course_id, session_id, notes=True)):
            addendum_id = repo.add_addendum(self.vault, session_id, body, author)
            digest = seals.seal_session(self.vault, session_id)  # chained to the note's seal
            audit.record(self.vault, "session.addendum", record_type="session",
                         record_id=session_id,
                         detail=f"addendum {addendum_id}; seal {seals.short(digest)}")
        for a in repo.addenda(self.vault, session_id):
            if a.id == addendum_id:
                return a
        raise NotFoundError("The addendum was not stored.")

    def seal(self, session_id: int) -> tuple[str, str, bool] | None:
        """(digest of the note, newest digest with addenda, whether they match the seals made
        at signing) of a signed note, else None."""
        return seals.current_seal(self.vault, session_id)

    def seals(self, session_ids: list[int]) -> dict[int, tuple[str, str, bool] | None]:
        """`seal` of each of these notes, with one read of each table for all of them."""
        from kapnotes.storage.seal_batch import current_seals

        return current_seals(self.vault, session_ids)

    def search(self, text: str, *, limit: int = 200) -> list[SearchHit]:
        return search.search(self.vault, text, limit=limit)
