"""Checking a supervision log PDF (`kapnotes review verify-log`, docs/SUPERVISION.md): the
entries, public key and Ed25519 signature embedded by kapnotes/services/supervision_log_pdf.py
are read back with pypdf, and the signature must cover exactly those entries. With the
clinician's key file, the key must also be theirs. Anything else is refused in one line.

What this proves: the embedded entries are the ones the key's holder signed. The printed
table is the same data laid out; the verifier prints a summary to compare it with.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

from kapnotes.domain.bounded_input import loads_bounded, read_bounded
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.review_model import fingerprint
from kapnotes.services.review_keys import PublicKeyFile, unb64, verify
from kapnotes.services.supervision_log_pdf import (
    ATTACHMENT,
    LOG_FORMAT,
    LOG_VERSION,
    signed_entries,
)

MAX_LOG_PDF_BYTES = 64 * 1024 * 1024
MAX_ENTRIES_BYTES = 8 * 1024 * 1024
LABEL = "supervision log"


@dataclass(frozen=True)
class VerifiedLog:
    clinician: str
    fingerprint: str
    sessions: int
    minutes: int
    first: str  # the earliest entry's date, "" when the log is empty
    last: str


def _embedded(data: bytes) -> bytes:
    from pypdf import PdfReader  # the PDF reader only for this command
    from pypdf.errors import PyPdfError

    # pypdf logs what it repairs in a damaged file to stderr; the refusal below is the one line.
    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL + 1)
    try:
        reader = PdfReader(io.BytesIO(data))
        found = reader.attachments.get(ATTACHMENT)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        raise ValidationError(LABEL, "is not a readable PDF (damaged or not a PDF).") from None
    finally:
        quiet.setLevel(level)
    if not found:
        raise ValidationError(LABEL, "has no signed entries in it: it is not a supervision "
                                     "log saved by KAP Notes.")
    if len(found) != 1 or len(found[0]) > MAX_ENTRIES_BYTES:
        raise ValidationError(LABEL, "has more than one set of signed entries; refused.")
    return found[0]


def _document(raw: bytes) -> dict[str, object]:
    try:
        doc = loads_bounded(raw.decode("utf-8"), label=LABEL)
    except UnicodeDecodeError:
        raise ValidationError(LABEL, "its signed entries are damaged (not UTF-8).") from None
    if not isinstance(doc, dict) or doc.get("format") != LOG_FORMAT:
        raise ValidationError(LABEL, "its embedded data is not a KAP Notes supervision log.")
    if doc.get("version") != LOG_VERSION:
        raise ValidationError(LABEL, f"is format version {doc.get('version')!r}; this "
                                     f"version of KAP Notes reads version {LOG_VERSION}.")
    if not isinstance(doc.get("entries"), list):
        raise ValidationError(LABEL, "its signed entries are missing.")
    return doc


def _minutes(entry: object) -> int:
    value = entry.get("minutes") if isinstance(entry, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def verify_log(path: Path, key: PublicKeyFile | None = None) -> VerifiedLog:
    """The signer and a summary of a supervision log PDF, or ValidationError saying why not."""
    data = read_bounded(Path(path).expanduser(), limit=MAX_LOG_PDF_BYTES, label=LABEL)
    doc = _document(_embedded(data))
    public_key = unb64(doc.get("public_key"), f"{LABEL} public key", size=32)
    signature = unb64(doc.get("signature"), f"{LABEL} signature", size=64)
    entries = doc["entries"]
    assert isinstance(entries, list)
    if not verify(public_key, signature, signed_entries(entries)):
        raise ValidationError(LABEL, "the signature does not match the entries: the log was "
                                     "changed after it was signed, or the signature is not "
                                     "its own. Do not rely on it.")
    signer = fingerprint(public_key)
    if key is not None and key.public_key != public_key:
        raise ValidationError(LABEL, f"was signed with key {signer}, not with "
                                     f"{key.profile.name}'s key {key.fingerprint}.")
    dates = sorted(str(e.get("date", "")) for e in entries if isinstance(e, dict))
    clinician = doc.get("clinician")
    return VerifiedLog(clinician if isinstance(clinician, str) else "", signer, len(entries),
                       sum(_minutes(e) for e in entries), dates[0] if dates else "",
                       dates[-1] if dates else "")
