"""Conflict copies, client-field reviews and refusals a sync left for a person (issue 20).

Note text is never merged automatically: a stale draft edit becomes a conflict copy the
clinician reads, copies from and marks resolved. Two edits of the same client field go to a
review; the choice ("keep mine" or "take theirs") is saved as a normal client edit through
the client service, so it is validated, audited and synced like any other.
docs/PRACTICE-SERVER.md, "Conflicts and field reviews".
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from kapnotes.domain.errors import NotFoundError, ValidationError
from kapnotes.services.changes import Changes, write
from kapnotes.services.clients import ClientService
from kapnotes.services.clock import Clock, stored_local, system_clock, utc_stamp
from kapnotes.storage import audit, sync_review
from kapnotes.storage.sync_review import ConflictCopy, FieldReview, Refusal
from kapnotes.storage.vault import Vault

__all__ = ["ConflictCopy", "FieldReview", "Refusal", "ReviewQueue", "choose", "conflict_text",
           "dismiss_refusal", "has_open_conflict", "mark_resolved", "queue", "shown_value"]

# What a copy's text leaves out: the row's identity and bookkeeping, not what was written.
_HIDDEN = {"id", "uuid", "row_uuid", "client_uuid", "course_uuid", "session_uuid", "voided",
           "created_at", "updated_at", "signed", "seal", "sealed_at", "consent_uuid"}
KIND_NAMES = {"note": "Note", "course": "Course", "client": "Client details",
              "addendum": "Addendum", "vitals": "Vitals", "measure": "Measure",
              "consent": "Consent", "consent_withdrawal": "Consent withdrawal",
              "screen": "Contraindication screen"}
# Copies of an entry another workstation recorded (storage/sync_consents.py), not of ours.
_RECORDED_ELSEWHERE = {"consent_withdrawal"}


@dataclass(frozen=True)
class ReviewQueue:
    conflicts: list[ConflictCopy]
    field_reviews: list[FieldReview]
    refusals: list[Refusal]

    @property
    def empty(self) -> bool:
        return not (self.conflicts or self.field_reviews or self.refusals)


def queue(vault: Vault) -> ReviewQueue:
    """Everything open, oldest first."""
    return ReviewQueue(sync_review.open_conflicts(vault), sync_review.open_field_reviews(vault),
                       sync_review.refusals(vault))


def has_open_conflict(vault: Vault, kind: str, local_id: int) -> bool:
    return sync_review.has_open_conflict(vault, kind, local_id)


def conflict_text(vault: Vault, conflict_id: int) -> str:
    """The copy's text as a person reads it: one heading per field, the text under it."""
    copy = sync_review.conflict(vault, conflict_id)
    if copy is None:
        raise NotFoundError("That conflict copy is no longer there.")
    where = "another" if copy.kind in _RECORDED_ELSEWHERE else "this"
    lines = [f"{KIND_NAMES.get(copy.kind, copy.kind)} of {copy.client_code}, as written on "
             f"{where} workstation (kept {_local(copy.created_at)})", ""]
    if copy.reason:  # a draft a deletion elsewhere took: who deleted it, and why
        lines[1:1] = [copy.reason]
    if copy.kind == "note" and isinstance(copy.payload.get("fields"), dict):
        _note_lines(copy.payload, lines)
    else:
        _flatten(copy.payload, "", lines)
    return "\n".join(lines).rstrip() + "\n"


def _local(stamp: str) -> str:
    """A stored UTC stamp as local wall-clock time, "2026-12-03 14:02"."""
    moment = stored_local(stamp)
    return stamp[:16] if moment is None else f"{moment:%Y-%m-%d %H:%M}"


def _note_lines(payload: dict[str, Any], lines: list[str]) -> None:
    """A note copy in its template's order and wording: each field's label, then its text
    (the readable form every saved field keeps for search)."""
    when = str(payload.get("starts_at") or "")[:16].replace("T", " ")
    lines += [f"{str(payload.get('kind') or 'Session').capitalize()} session {when}".rstrip(),
              ""]
    fields: dict[str, Any] = payload["fields"]
    order = _template_labels(payload.get("template"))
    for field_id in [f for f in order if f in fields] + [f for f in fields if f not in order]:
        entry = fields[field_id]
        text = str(entry.get("search_text") or "") if isinstance(entry, dict) else str(entry)
        if text.strip():
            lines += [f"{order.get(field_id, field_id.replace('_', ' ').capitalize())}:",
                      text.strip(), ""]


def _template_labels(template: object) -> dict[str, str]:
    """field id → label from the template wording the note carries (in template order)."""
    if not isinstance(template, dict):
        return {}
    definition = template.get("definition")
    try:
        parsed = json.loads(definition) if isinstance(definition, str) else definition
    except ValueError:
        return {}
    found = parsed.get("fields", []) if isinstance(parsed, dict) else []
    return {str(f["id"]): str(f.get("label") or f["id"]) for f in found
            if isinstance(f, dict) and "id" in f and f.get("type") != "heading"}


def mark_resolved(vault: Vault, conflict_id: int, *, clock: Clock = system_clock) -> None:
    """The clinician has taken what they need from the copy: it leaves the list (kept)."""
    with write(vault, Changes()):
        if not sync_review.resolve_conflict(vault, conflict_id, utc_stamp(clock)):
            raise NotFoundError("That conflict copy was already resolved.")
        audit.record(vault, "practice.conflict_resolved", record_type="sync_conflict",
                     record_id=conflict_id, detail="conflict copy marked resolved")


def dismiss_refusal(vault: Vault, refusal_id: int) -> None:
    """The refusal was read (and the administrator asked): it leaves the list and the status
    line. The change itself stays in this vault; the audit log keeps the server's reason."""
    with write(vault, Changes()):
        gone = sync_review.dismiss_refusal(vault, refusal_id)
        if gone is None:
            raise NotFoundError("That refusal was already dismissed.")
        audit.record(vault, "practice.refusal_dismissed", record_type=gone.kind,
                     record_id=gone.client_code, detail=gone.message[:300])


def choose(vault: Vault, review_id: int, *, keep_mine: bool, clock: Clock = system_clock) -> None:
    """Settle a field review. The vault holds theirs already (the sync took it); keeping mine
    saves mine again as a normal edit of the client, which the next sync sends."""
    review = sync_review.field_review(vault, review_id)
    if review is None:
        raise NotFoundError("That field review was already settled.")
    clients = ClientService(vault, clock=clock)
    with write(vault, Changes(clients=True)):
        if keep_mine:
            client = clients.by_code(review.client_code)
            if client is None:
                raise NotFoundError(f"Client {review.client_code} is no longer in this vault.")
            if review.field not in {f.name for f in dataclasses.fields(client)}:
                raise ValidationError(review.field, "is not a client detail this version keeps")
            clients.update(dataclasses.replace(
                client, **{review.field: _attribute(review.field, review.mine)}))
        sync_review.resolve_field_review(vault, review_id, utc_stamp(clock))
        audit.record(vault, "practice.field_review", record_type="client",
                     record_id=review.client_code,
                     detail=f"{review.field}: kept {'mine' if keep_mine else 'theirs'}")


def shown_value(field: str, text: str) -> str:
    """A review's value as the dialog shows it (a list one per line, empty as "(empty)")."""
    value = _attribute(field, text)
    if isinstance(value, tuple):
        value = "\n".join(str(v) for v in value)
    if value is None or value == "":
        return "(empty)"
    return str(value)


def _attribute(field: str, text: str) -> Any:
    """A stored column value (JSON text from the payload) as the Client attribute holds it."""
    try:
        value = json.loads(text) if text else None
    except ValueError:
        value = text
    if field == "medicines":
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = [value]
        return tuple(str(v) for v in value or ())
    if field == "date_of_birth":
        return date.fromisoformat(str(value)[:10]) if value else None
    if field == "antidepressant_trials":
        return int(value) if value not in (None, "") else None
    return "" if value is None else str(value)


def _flatten(value: Any, label: str, lines: list[str]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in _HIDDEN or key.endswith("_uuid") or key.endswith("_id"):
                continue
            name = key.replace("_", " ").capitalize()
            _flatten(inner, f"{label} · {name}" if label else name, lines)
        return
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            text = "\n".join(str(v) for v in value)
            if text:
                lines += [f"{label}:", text, ""]
            return
        for inner in value:
            _flatten(inner, label, lines)
        return
    if value is None or value == "":
        return
    text = str(value)
    lines += [f"{label}:", text, ""] if "\n" in text or len(text) > 60 else [f"{label}: {text}"]
