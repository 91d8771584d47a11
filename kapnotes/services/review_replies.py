"""The supervisor's half: open a request from the file alone, answer it with a signed reply.

`open_request` needs no vault: a passphrase (when the therapist used one) or the identity
the request was encrypted to. `write_reply` signs with the supervisor's identity (their
vault's, or a one-off one when they have no vault; docs/REVIEW-FORMAT.md says what the
therapist's vault does with each) and encrypts to the therapist's age recipient carried in
the request, and to the supervisor's own, so they can read what they sent.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kapnotes import __version__
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.review_model import (
    NoteRef,
    Profile,
    ReplyContent,
    SupervisionSession,
    fingerprint,
    profile_from,
    reply_content_data,
    reply_content_from,
)
from kapnotes.services.changes import Changes, write
from kapnotes.services.clock import Clock, system_clock, utc_stamp
from kapnotes.services.review_files import OpenedFile, open_file, seal
from kapnotes.services.review_keys import ReviewIdentity, b64, unb64
from kapnotes.storage import audit, output_guard, supervision_log
from kapnotes.storage.vault import Vault

REQUEST_LABEL = "request file"


@dataclass(frozen=True)
class OpenedRequest:
    """A request as the supervisor's window shows it (read-only)."""

    request_id: str
    created_at: str
    therapist: Profile
    therapist_key: bytes
    therapist_recipient: str
    deidentified: bool
    notes: tuple[NoteRef, ...]
    sections: tuple[str, ...]
    report: dict[str, Any]  # kapnotes/export/report_data.py's form
    pdf: bytes
    digest: str

    @property
    def therapist_fingerprint(self) -> str:
        return fingerprint(self.therapist_key)

    @property
    def note_ids(self) -> tuple[int, ...]:
        return tuple(n.session_id for n in self.notes)


def _request(opened: OpenedFile) -> OpenedRequest:
    p = opened.payload
    notes = tuple(NoteRef(n["session_id"], n["client_code"], n["kind"],
                          date.fromisoformat(n["held_on"]), n["title"], n["seal"])
                  for n in p["notes"])
    return OpenedRequest(
        request_id=p["request_id"], created_at=p["created_at"],
        therapist=profile_from("therapist", p["therapist"]), therapist_key=opened.signer_key,
        therapist_recipient=p["therapist"]["age_recipient"], deidentified=p["deidentified"],
        notes=notes, sections=tuple(p["sections"]), report=p["report"],
        pdf=unb64(p["pdf"], f"{REQUEST_LABEL} pdf"), digest=opened.digest)


def open_request(data: bytes, *, passphrase: str | None = None,
                 identity: ReviewIdentity | None = None) -> OpenedRequest:
    """The request in `data` (a .kapreview file's bytes), checked; ReviewFileError if not."""
    return _request(open_file(data, "request", label=REQUEST_LABEL, identity=identity,
                              passphrase=passphrase))


@dataclass(frozen=True)
class ReplyResult:
    path: Path
    reply_id: str
    supervisor: str = ""  # who signed it
    supervision: SupervisionSession | None = None  # the session the reply records, if any


def reply_payload(request: OpenedRequest, content: ReplyContent, identity: ReviewIdentity,
                  reply_id: str, *, clock: Clock = system_clock) -> dict[str, Any]:
    me = identity.profile
    return {
        "format": "kapnotes-review-reply", "version": 1, "reply_id": reply_id,
        "request_id": request.request_id, "request_digest": request.digest,
        "created_at": utc_stamp(clock), "app_version": __version__,
        "supervisor": {"name": me.name, "role": me.role, "registration": me.registration,
                       "signing_key": b64(identity.public_key),
                       "age_recipient": identity.recipient,
                       "key_kind": "one-off" if identity.one_off else "vault"},
        **reply_content_data(content),
    }


def write_reply(request: OpenedRequest, content: ReplyContent, identity: ReviewIdentity,
                out: Path, *, replace: bool = False, vault_path: Path | None = None,
                clock: Clock = system_clock) -> ReplyResult:
    """Sign and encrypt the reply to the therapist; `vault_path` keeps it off that vault.
    `clock` dates the reply: pass the caller's services clock (the one its requests use)."""
    if not identity.profile.name:
        raise ValidationError("Your name", "a reply must name its supervisor.")
    # The same checks as a reply read from JSON: notes of this request, co-sign only approved.
    content = reply_content_from(reply_content_data(content), request.note_ids)
    reply_id = str(uuid.uuid4())
    payload = reply_payload(request, content, identity, reply_id, clock=clock)
    data = seal("reply", payload, identity,
                recipients=[request.therapist_recipient, identity.recipient])
    written = output_guard.write_output(Path(out).expanduser(), data, vault_path,
                                        replace=replace, label="--out")
    return ReplyResult(written, reply_id, identity.profile.name, content.supervision)


def record_reply(vault: Vault, request: OpenedRequest, result: ReplyResult, *,
                 clock: Clock = system_clock) -> None:
    """The supervisor's own vault remembers the reply it sent (ids and key only) and the
    supervision session it records, as supervision given (schema step 019)."""
    with write(vault, Changes(reviews=True)):
        audit.record(vault, "review.reply", record_type="review", record_id=result.reply_id,
                     detail=f"request {request.request_id[:8]}; therapist key "
                            f"{request.therapist_fingerprint}; notes={len(request.notes)}")
        s = result.supervision
        if s is not None:
            entry = supervision_log.add(vault, supervision_log.LogRow(
                0, result.supervisor, s.held_on.isoformat(), s.minutes, s.format.value,
                s.topics, None, utc_stamp(clock), direction="given",
                supervisee=request.therapist.name, given_reply_id=result.reply_id))
            audit.record(vault, "supervision.given", record_type="supervision",
                         record_id=entry, detail=f"minutes={s.minutes}")
