"""Send notes for supervision: one signed, encrypted request file (docs/REVIEW-FORMAT.md).

The request carries the report the PDF is drawn from (de-identified unless the therapist
asks otherwise, by the same code as a PDF export) and the PDF itself, and names the signed
notes it asks about. It is encrypted to the supervisor's key when their key file is given,
else to a passphrase generated here, which the caller shows once (to be sent another way).
The vault records the request (id, digest, the seal of each note as sent) and audits it in
the same transaction as the file is written: a reply can only answer a request on record.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kapnotes import __version__
from kapnotes.domain.errors import NotFoundError, ValidationError
from kapnotes.domain.models import Session
from kapnotes.domain.review_model import NoteRef
from kapnotes.export.passwords import generate_password
from kapnotes.export.report import Report, concat
from kapnotes.export.report_data import report_data
from kapnotes.services import exports
from kapnotes.services.changes import Changes, ids, write
from kapnotes.services.clock import utc_stamp
from kapnotes.services.container import Services
from kapnotes.services.export_gather import session_numbers
from kapnotes.services.review_files import digest, seal
from kapnotes.services.review_keys import PublicKeyFile, b64, vault_identity
from kapnotes.storage import audit, output_guard, reviews

AUDIT_EVENT = "review.request"
MAX_NOTES = 5000


@dataclass(frozen=True)
class RequestResult:
    path: Path
    request_id: str
    notes: tuple[NoteRef, ...]
    deidentified: bool
    passphrase: str | None  # shown once to the therapist when no supervisor key was given
    redactions: tuple[str, ...]  # what de-identification replaced, where (never the values)


def _note_ref(services: Services, session: Session, number: int) -> NoteRef:
    sid = int(session.id or 0)
    code = services.clients.get(services.notes.client_id_of(sid)).code
    sealed = services.notes.seal(sid)
    return NoteRef(sid, code, session.kind.value, session.starts_at.date(),
                   f"{session.kind.value.capitalize()} session {number}",
                   sealed[1] if sealed else "")


def _refs(services: Services, sessions: Sequence[Session]) -> tuple[NoteRef, ...]:
    out = []
    for s in sessions:
        numbers = session_numbers(services.notes.sessions_for_course(s.course_id))
        out.append(_note_ref(services, s, numbers[int(s.id or 0)]))
    return tuple(out)


def _signed(services: Services, session_ids: Sequence[int]) -> list[Session]:
    if not session_ids:
        raise ValidationError("--session", "name at least one note to send.")
    if len(session_ids) > MAX_NOTES:
        raise ValidationError("--session", f"send at most {MAX_NOTES} notes at once.")
    out = []
    for sid in dict.fromkeys(session_ids):
        try:
            session = services.notes.session(sid)
        except NotFoundError:
            raise ValidationError("--session", f"there is no note {sid} in this vault.") from None
        if not session.signed:
            raise ValidationError("--session", f"note {sid} is not signed yet: sign it before "
                                               "sending it for review.")
        out.append(session)
    return out


def _combined(reports: Sequence[Report]) -> Report:
    if len(reports) == 1:
        return reports[0]
    first = reports[0]
    return dataclasses.replace(
        first, title="Notes for supervision", subtitle=f"{len(reports)} notes",
        sections=concat([r.sections for r in reports]),
        redactions=tuple(line for r in reports for line in r.redactions))


def _build(services: Services, *, session_ids: Sequence[int], client_ids: Sequence[int],
           course_id: int | None, deidentified: bool
           ) -> tuple[Report, list[Session]]:
    options = exports.options_for(services, deidentified=deidentified)
    if client_ids:
        if len(client_ids) == 1:
            job = exports.build_course_report(services, client_ids[0], options,
                                              course_id=course_id)
        elif course_id is not None:
            raise ValidationError("--course", "goes with one client.")
        else:  # several clients: the supervision packet, each client's current course
            job = exports.build_packet_report(services, client_ids, options,
                                              clinician=services.vault.actor.clinician)
        sessions = [s for course in job.record_id.split(",")
                    for s in services.notes.sessions_for_course(int(course)) if s.signed]
        if not sessions:
            raise ValidationError("--client", "there are no signed notes to review yet.")
        return job.report, sessions
    sessions = _signed(services, session_ids)
    jobs = [exports.build_session_report(services, int(s.id or 0), options) for s in sessions]
    return _combined([j.report for j in jobs]), sessions


def request_payload(services: Services, request_id: str, report: Report, pdf: bytes,
                    notes: Sequence[NoteRef], to_key: PublicKeyFile | None) -> dict[str, Any]:
    me = vault_identity(services.vault)
    return {
        "format": "kapnotes-review-request", "version": 1, "request_id": request_id,
        "created_at": utc_stamp(services.clock), "app_version": __version__,
        "deidentified": report.deidentified,
        "therapist": {"name": me.profile.name, "role": me.profile.role,
                      "registration": me.profile.registration,
                      "signing_key": b64(me.public_key), "age_recipient": me.recipient,
                      "key_kind": "vault"},
        "to_fingerprint": to_key.fingerprint if to_key else None,
        "notes": [{"session_id": n.session_id, "client_code": n.client_code, "kind": n.kind,
                   "held_on": n.held_on.isoformat(), "title": n.title, "seal": n.seal}
                  for n in notes],
        "sections": list(dict.fromkeys(h[:200] for h in report.headings(1))),
        "report": report_data(report),
        "pdf": b64(pdf),
    }


def create_request(services: Services, out: Path, *, session_ids: Sequence[int] = (),
                   client_id: int | None = None, client_ids: Sequence[int] = (),
                   course_id: int | None = None, to_key: PublicKeyFile | None = None,
                   identified: bool = False, replace: bool = False) -> RequestResult:
    """Write a request to `out` for these signed notes, or the signed notes of a client's
    course (`client_id`, `course_id`), or of several clients' current courses (`client_ids`:
    the supervision packet)."""
    target = Path(out).expanduser()
    vault = services.vault
    output_guard.check_output_path(target, vault.path, replace=replace, label="--out")
    if not vault_identity(vault).profile.name:
        raise ValidationError("Your name", "set your name (Settings, or `kapnotes review "
                                           "profile`) before sending notes for review.")
    clients = [client_id] if client_id is not None else list(dict.fromkeys(client_ids))
    report, sessions = _build(services, session_ids=session_ids, client_ids=clients,
                              course_id=course_id, deidentified=not identified)
    from kapnotes.export import pdf  # reportlab only when a request is really written

    notes = _refs(services, sessions)
    request_id = str(uuid.uuid4())
    payload = request_payload(services, request_id, report, pdf.render_pdf(report), notes,
                              to_key)
    me = vault_identity(vault)
    passphrase = None if to_key else generate_password()
    data = seal("request", payload, me, passphrase=passphrase,
                recipients=[to_key.recipient, me.recipient] if to_key else None)
    recipient = f"key {to_key.fingerprint}" if to_key else "passphrase"
    with write(vault, Changes(reviews=True, session_ids=ids(n.session_id for n in notes))):
        reviews.add_request(vault, reviews.RequestRow(
            request_id, payload["created_at"], report.deidentified, recipient,
            digest(payload)), [(n.session_id, n.seal) for n in notes])
        for n in notes:
            audit.record(vault, AUDIT_EVENT, record_type="session", record_id=n.session_id,
                         detail=f"request {request_id[:8]}")
        audit.record(vault, AUDIT_EVENT, record_type="review", record_id=request_id,
                     detail=f"notes={len(notes)}; deidentified="
                            f"{'yes' if report.deidentified else 'no'}; to={recipient}")
        written = output_guard.write_output(target, data, vault.path, replace=replace,
                                            label="--out")
    return RequestResult(written, request_id, notes, report.deidentified, passphrase,
                         report.redactions)

