"""The therapist's half of the return: import a supervisor's reply (docs/REVIEW-FORMAT.md).

Refused with one line, changing nothing: a file that is not a reply, not for this vault's key,
damaged or re-signed; a reply to a request this vault did not send (foreign, or forged), or
to a request other than the one on record (its digest differs); a second, different reply to
a request already answered (a replay); a reply about notes no longer in this vault; a reply
signed by another key than the one the request was sent to; and a supervisor whose key
differs from the one pinned for them on first use (both fingerprints shown).
Importing the same reply again changes nothing and says so.
On success, in one transaction: the supervisor pinned (first time), the reply, its review
records (comments, verdicts, co-signature) attached to the notes, the supervision session in
the log, and audit entries per note; the notes themselves are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from kapnotes.domain.errors import ConflictError
from kapnotes.domain.review_model import (
    Profile,
    ReplyContent,
    fingerprint,
    profile_from,
    reply_content_from,
)
from kapnotes.services.changes import Changes, ids, write
from kapnotes.services.clock import Clock, system_clock, utc_stamp
from kapnotes.services.review_files import open_file, refuse
from kapnotes.services.review_keys import vault_identity
from kapnotes.storage import audit, reviews, supervision_log
from kapnotes.storage.vault import Vault

REPLY_LABEL = "reply file"
AUDIT_EVENT = "review.import"


@dataclass(frozen=True)
class ImportResult:
    reply_id: str
    request_id: str
    supervisor: Profile
    fingerprint: str
    one_off_key: bool
    newly_pinned: bool
    already_imported: bool
    content: ReplyContent


def _check_supervisor(vault: Vault, profile: Profile, key: bytes, one_off: bool,
                      request: reviews.RequestRow) -> reviews.SupervisorRow | None:
    """The pinned row for this supervisor (None: pin on import); refuses a changed key."""
    if request.recipient.startswith("key ") and request.recipient[4:] != fingerprint(key):
        raise refuse(REPLY_LABEL, f"is signed by key {fingerprint(key)}, but the request was "
                                  f"sent to key {request.recipient[4:]}; refused.")
    pinned = reviews.supervisor_by_identity(vault, profile.identity())
    if pinned is not None and pinned.public_key != key:
        raise ConflictError(
            f"reply file: {profile.name}'s key has changed: pinned {pinned.fingerprint}, "
            f"this reply {fingerprint(key)}{' (a one-off key)' if one_off else ''}. Confirm "
            "with the supervisor in person; the reply was not imported.")
    if one_off:  # never pinned as the supervisor: a one-off key is pinned only as itself
        return reviews.supervisor_by_identity(vault, one_off_identity(key))
    return pinned


def one_off_identity(key: bytes) -> str:
    return f"one-off key {fingerprint(key)}"


def import_reply(vault: Vault, data: bytes, *, clock: Clock = system_clock) -> ImportResult:
    """Import the reply in `data`; see the module docstring for what is refused. `clock`
    (the services' clock) dates the import, its records, log entry and any pin."""
    opened = open_file(data, "reply", label=REPLY_LABEL, identity=vault_identity(vault))
    p: dict[str, Any] = opened.payload
    request = reviews.request(vault, p["request_id"])
    if request is None:
        raise refuse(REPLY_LABEL, "answers a request this vault did not send; refused.")
    if request.payload_digest != p["request_digest"]:
        raise refuse(REPLY_LABEL, "answers a different version of the request this vault "
                                  "sent; refused.")
    note_ids = reviews.request_session_ids(vault, request.id)
    sent = set(note_ids)
    about = {v["session_id"] for v in p["verdicts"]} | {
        c["session_id"] for c in p["comments"] if c["session_id"] is not None}
    if p["cosignature"]:
        about |= set(p["cosignature"]["session_ids"])
    if about - sent or about - reviews.existing_session_ids(vault, sorted(about)):
        raise refuse(REPLY_LABEL, "is about notes that are not in this vault (or were not "
                                  "in the request); refused.")
    content = reply_content_from({k: p[k] for k in ("verdicts", "comments", "cosignature",
                                                    "supervision")}, note_ids,
                                 label=REPLY_LABEL)
    profile = profile_from("supervisor", p["supervisor"])
    one_off = p["supervisor"]["key_kind"] == "one-off"
    result = ImportResult(p["reply_id"], request.id, profile, fingerprint(opened.signer_key),
                          one_off, False, False, content)
    earlier = reviews.reply(vault, p["reply_id"])
    if earlier is not None and earlier.payload_digest == opened.digest:
        return replace(result, already_imported=True)
    if earlier is not None or reviews.reply_to(vault, request.id) is not None:
        raise refuse(REPLY_LABEL, "this request was already answered by another reply; send "
                                  "the notes again for a new review.")
    pinned = _check_supervisor(vault, profile, opened.signer_key, one_off, request)
    now = utc_stamp(clock)  # one instant for everything this import writes
    with write(vault, Changes(reviews=True, session_ids=ids(note_ids))):
        supervisor_id = pinned.id if pinned else _pin(vault, profile, opened.signer_key,
                                                      one_off, now)
        _store(vault, p, opened.digest, supervisor_id, content, profile, now)
    return replace(result, newly_pinned=pinned is None)


def _pin(vault: Vault, profile: Profile, key: bytes, one_off: bool, now: str) -> int:
    identity = one_off_identity(key) if one_off else profile.identity()
    row = reviews.SupervisorRow(0, identity, profile.name, profile.role,
                                profile.registration, key, fingerprint(key), now)
    supervisor_id = reviews.pin_supervisor(vault, row)
    audit.record(vault, "review.pin", record_type="supervisor", record_id=supervisor_id,
                 detail=f"key {row.fingerprint}")
    return supervisor_id


def _store(vault: Vault, p: dict[str, Any], digest: str, supervisor_id: int,
           content: ReplyContent, profile: Profile, now: str) -> None:
    reply_id = p["reply_id"]
    reviews.add_reply(vault, reviews.ReplyRow(reply_id, p["request_id"], supervisor_id,
                                              p["created_at"], now, digest))

    def record(session_id: int | None, kind: str, **fields: str) -> None:
        reviews.add_record(vault, reviews.RecordRow(
            0, reply_id, session_id, kind, fields.get("section", ""), fields.get("text", ""),
            fields.get("verdict", ""), fields.get("name", ""), fields.get("role", ""),
            fields.get("registration", ""), now))

    for sid, verdict in sorted(content.verdicts.items()):
        record(sid, "verdict", verdict=verdict.value, name=profile.name, role=profile.role,
               registration=profile.registration)
    for c in content.comments:
        record(c.session_id, "comment", section=c.section, text=c.text, name=profile.name,
               role=profile.role, registration=profile.registration)
    if content.cosignature is not None:
        signer = content.cosignature.signer
        for sid in content.cosignature.session_ids:
            record(sid, "cosignature", name=signer.name, role=signer.role,
                   registration=signer.registration)
    if content.supervision is not None:
        s = content.supervision
        supervision_log.add(vault, supervision_log.LogRow(
            0, profile.name, s.held_on.isoformat(), s.minutes, s.format.value, s.topics,
            reply_id, now))
    cosigned = set(content.cosignature.session_ids) if content.cosignature else set()
    touched = sorted(set(content.verdicts) | cosigned
                     | {c.session_id for c in content.comments if c.session_id is not None})
    for sid in touched:
        given = content.verdicts.get(sid)
        comments = sum(1 for c in content.comments if c.session_id == sid)
        audit.record(vault, AUDIT_EVENT, record_type="session", record_id=sid,
                     detail=f"reply {reply_id[:8]}; verdict="
                            f"{given.value if given else 'none'}; comments={comments}; "
                            f"cosigned={'yes' if sid in cosigned else 'no'}")
    audit.record(vault, AUDIT_EVENT, record_type="review", record_id=reply_id,
                 detail=f"request {p['request_id'][:8]}; supervisor {supervisor_id}; "
                        f"verdicts={len(content.verdicts)}; comments={len(content.comments)}")

