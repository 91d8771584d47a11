"""Supervision review: who reviews, what a reply says, and the review state of a note.

Plain values only; the file format (docs/REVIEW-FORMAT.md) is read and written by
`kapnotes.services.review_files`, which turns checked JSON into these.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.text_rules import MAX_SHORT, clean_text, parse_date

MAX_COMMENT = 20_000  # a supervisor's comment: pages of text, never a whole book
MAX_COMMENTS = 2_000
MAX_TOPICS = 50
MAX_MINUTES = 1440
FINGERPRINT_GROUPS, GROUP_CHARS = 6, 4  # 24 hex digits (96 bits), read aloud in six groups


class Verdict(Enum):
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"

    @property
    def label(self) -> str:
        return "approved" if self is Verdict.APPROVED else "changes requested"


class ReviewStatus(Enum):
    """Where a note stands in supervision (the value is what lists show)."""

    NOT_SENT = ""
    AWAITING = "awaiting review"
    CHANGES_REQUESTED = "changes requested"
    COSIGNED = "co-signed"
    APPROVED = "approved"

    @property
    def pending(self) -> bool:
        return self in (ReviewStatus.AWAITING, ReviewStatus.CHANGES_REQUESTED)


class SupervisionFormat(Enum):
    INDIVIDUAL = "individual"
    GROUP = "group"


def fingerprint(public_key: bytes) -> str:
    """A short fingerprint of a raw public key to read aloud: `3f2a 9c1b 77d0 …` (SHA-256)."""
    digest = hashlib.sha256(public_key).hexdigest()[: FINGERPRINT_GROUPS * GROUP_CHARS]
    return " ".join(digest[i:i + GROUP_CHARS] for i in range(0, len(digest), GROUP_CHARS))


@dataclass(frozen=True)
class Profile:
    """A clinician as a review file names them: name, role, registration (e.g. AHPRA)."""

    name: str
    role: str = ""
    registration: str = ""

    def identity(self) -> str:
        """What pins a supervisor's key: the registration number when there is one (a name
        may be shared or respelt), else the name; case and spacing do not count."""
        basis = self.registration if self.registration.strip() else self.name
        return " ".join(basis.split()).casefold()

    def line(self) -> str:
        parts = [self.name, self.role, self.registration and f"reg. {self.registration}"]
        return ", ".join(p for p in parts if p)


def profile_from(label: str, data: Mapping[str, object], *, name_required: bool = True
                 ) -> Profile:
    return Profile(
        name=clean_text(f"{label} name", data.get("name"), required=name_required),
        role=clean_text(f"{label} role", data.get("role")),
        registration=clean_text(f"{label} registration", data.get("registration")),
    )


@dataclass(frozen=True)
class NoteRef:
    """One note a request asks about (session ids are the sending vault's own)."""

    session_id: int
    client_code: str
    kind: str
    held_on: date
    title: str
    seal: str = ""


@dataclass(frozen=True)
class Comment:
    """A comment anchored to a note (session id), to a section, or to both."""

    text: str
    session_id: int | None = None
    section: str = ""


@dataclass(frozen=True)
class CoSignature:
    signer: Profile
    session_ids: tuple[int, ...]


@dataclass(frozen=True)
class SupervisionSession:
    held_on: date
    minutes: int
    format: SupervisionFormat
    topics: tuple[str, ...] = ()
    supervisor: str = ""


@dataclass(frozen=True)
class ReplyContent:
    """What a supervisor says about a request: verdicts, comments, co-signature, session."""

    verdicts: Mapping[int, Verdict]
    comments: tuple[Comment, ...] = ()
    cosignature: CoSignature | None = None
    supervision: SupervisionSession | None = None


def _int(label: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(label, "must be a whole number.")
    return value


def _note_id(label: str, value: object, notes: frozenset[int]) -> int:
    sid = _int(label, value)
    if sid not in notes:
        raise ValidationError(label, f"note {sid} is not one of the notes in this request.")
    return sid


def _list(label: str, value: object, limit: int) -> list[object]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError(label, "must be a list.")
    if len(value) > limit:
        raise ValidationError(label, f"has more than {limit:,} entries.")
    return value


def _object(label: str, value: object) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise ValidationError(label, "must be an object.")
    return value


def supervision_from(label: str, data: Mapping[str, object], *, supervisor: str = ""
                     ) -> SupervisionSession:
    held_on = parse_date(f"{label} date", data.get("date"))
    if held_on is None:
        raise ValidationError(f"{label} date", "is required.")
    minutes = _int(f"{label} minutes", data.get("minutes"))
    if not 1 <= minutes <= MAX_MINUTES:
        raise ValidationError(f"{label} minutes", f"must be 1 to {MAX_MINUTES}.")
    try:
        fmt = SupervisionFormat(data.get("format", SupervisionFormat.INDIVIDUAL.value))
    except ValueError:
        raise ValidationError(f"{label} format", "must be individual or group.") from None
    topics = tuple(clean_text(f"{label} topic", t, required=True, max_length=MAX_SHORT)
                   for t in _list(f"{label} topics", data.get("topics"), MAX_TOPICS))
    return SupervisionSession(held_on, minutes, fmt, topics, supervisor)


KNOWN_REPLY_KEYS = frozenset({"verdicts", "comments", "cosignature", "supervision"})


def reply_content_from(data: object, note_ids: Sequence[int], *, label: str = "review"
                       ) -> ReplyContent:
    """A supervisor's reply as JSON (the `kapnotes review reply --review` file, or the
    reply part of a reply file) checked against the notes of the request."""
    doc = _object(label, data)
    unknown = sorted(set(doc) - KNOWN_REPLY_KEYS)
    if unknown:
        # Escaped and cut short: a key is typed text, and a message is one line.
        raise ValidationError(label, f"has an unknown key {json.dumps(unknown[0][:40])} (known: "
                                     f"{', '.join(sorted(KNOWN_REPLY_KEYS))}).")
    notes = frozenset(note_ids)
    verdicts: dict[int, Verdict] = {}
    for i, item in enumerate(_list(f"{label}.verdicts", doc.get("verdicts"), len(notes))):
        entry = _object(f"{label}.verdicts[{i}]", item)
        sid = _note_id(f"{label}.verdicts[{i}].session_id", entry.get("session_id"), notes)
        try:
            verdicts[sid] = Verdict(entry.get("verdict"))
        except ValueError:
            raise ValidationError(f"{label}.verdicts[{i}].verdict",
                                  "must be approved or changes_requested.") from None
    comments = []
    for i, item in enumerate(_list(f"{label}.comments", doc.get("comments"), MAX_COMMENTS)):
        entry = _object(f"{label}.comments[{i}]", item)
        where = f"{label}.comments[{i}]"
        anchor = entry.get("session_id")
        comments.append(Comment(
            text=clean_text(f"{where}.text", entry.get("text"), required=True,
                            max_length=MAX_COMMENT, multiline=True),
            session_id=None if anchor is None else _note_id(f"{where}.session_id", anchor,
                                                            notes),
            section=clean_text(f"{where}.section", entry.get("section"))))
    cosignature = None
    if doc.get("cosignature") is not None:
        entry = _object(f"{label}.cosignature", doc["cosignature"])
        ids = tuple(dict.fromkeys(
            _note_id(f"{label}.cosignature.session_ids", s, notes) for s in
            _list(f"{label}.cosignature.session_ids", entry.get("session_ids"), len(notes))))
        refused = [s for s in ids if verdicts.get(s) is not Verdict.APPROVED]
        if not ids or refused:
            raise ValidationError(f"{label}.cosignature.session_ids",
                                  "co-sign only notes with the verdict approved.")
        cosignature = CoSignature(profile_from(f"{label}.cosignature", entry), ids)
    supervision = None
    if doc.get("supervision") is not None:
        supervision = supervision_from(f"{label}.supervision",
                                       _object(f"{label}.supervision", doc["supervision"]))
    return ReplyContent(verdicts, tuple(comments), cosignature, supervision)


def reply_content_data(content: ReplyContent) -> dict[str, object]:
    """The JSON form `reply_content_from` reads."""
    out: dict[str, object] = {
        "verdicts": [{"session_id": sid, "verdict": v.value}
                     for sid, v in sorted(content.verdicts.items())],
        "comments": [{"session_id": c.session_id, "section": c.section, "text": c.text}
                     for c in content.comments],
        "cosignature": None, "supervision": None,
    }
    if content.cosignature is not None:
        c = content.cosignature
        out["cosignature"] = {"name": c.signer.name, "role": c.signer.role,
                              "registration": c.signer.registration,
                              "session_ids": list(c.session_ids)}
    if content.supervision is not None:
        s = content.supervision
        out["supervision"] = {"date": s.held_on.isoformat(), "minutes": s.minutes,
                              "format": s.format.value, "topics": list(s.topics)}
    return out
