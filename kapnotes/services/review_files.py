"""Write and read review files (docs/REVIEW-FORMAT.md): signed JSON inside an age file.

Writing: the payload is signed with Ed25519 over its canonical bytes, wrapped in a small
envelope, and encrypted with age (pyrage) to recipients' X25519 keys or to a passphrase.
Reading works from the file alone (no vault needed) and refuses, with one line naming the
file and never echoing its content: anything over the size limit, anything that is not an
age file, a passphrase file with an outsized work factor, a file that does not decrypt (wrong
passphrase or key, damaged, cut short), JSON that the bounded reader or the schema refuses,
the wrong kind of file, a newer format version, and a signature that does not match.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyrage

from kapnotes.domain.bounded_input import loads_bounded, read_bounded
from kapnotes.domain.errors import ValidationError
from kapnotes.paths import resource_path
from kapnotes.services import age_passphrase
from kapnotes.services.portable_schema import check_against
from kapnotes.services.review_keys import ReviewIdentity, b64, canonical, unb64, verify

SIGNED_FORMAT = "kapnotes-review-signed"
FORMATS = {"request": "kapnotes-review-request", "reply": "kapnotes-review-reply"}
VERSION = 1
SCHEMA_FILE = "kapnotes-review-v1.schema.json"
MAX_FILE_BYTES = 64 * 1024 * 1024  # a long course's PDF and data fit many times over
AGE_MAGIC = b"age-encryption.org/v1\n"
MAX_SCRYPT_LOG_N = 22  # what age itself accepts by default; more would take minutes
_SCRYPT = re.compile(rb"^-> scrypt \S+ (\d+)$", re.MULTILINE)
_HEADER_END = b"\n--- "


class ReviewFileError(ValidationError):
    """A review file refused; `field` names the file ("request file", "reply file")."""


def refuse(label: str, why: str) -> ReviewFileError:
    return ReviewFileError(label, why)


@cache
def review_schema() -> dict[str, Any]:
    import json

    return json.loads(resource_path("schema", SCHEMA_FILE).read_text(encoding="utf-8"))


def signed_message(kind: str, payload: dict[str, Any]) -> bytes:
    """What a signature covers: a fixed prefix, the kind, and the canonical payload, so a
    request's signature can never pass as a reply's (or any other file's)."""
    return b"kapnotes-review-v1\n" + kind.encode("ascii") + b"\n" + canonical(payload)


def digest(payload: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(payload)).hexdigest()


def seal(kind: str, payload: dict[str, Any], identity: ReviewIdentity, *,
         recipients: list[str] | None = None, passphrase: str | None = None) -> bytes:
    """The age-encrypted file bytes of a signed `payload` (to recipients, or a passphrase)."""
    check_against(payload, review_schema(), kind)  # never write what the reader refuses
    envelope = {"format": SIGNED_FORMAT, "version": VERSION, "kind": kind, "payload": payload,
                "signature": b64(identity.sign(signed_message(kind, payload)))}
    data = canonical(envelope)
    if passphrase is not None:
        return age_passphrase.encrypt(data, passphrase)  # a fixed work factor (its docstring)
    keys = [pyrage.x25519.Recipient.from_str(r) for r in dict.fromkeys(recipients or [])]
    if not keys:
        raise ValueError("a review file needs a recipient or a passphrase")
    return pyrage.encrypt(data, keys)


def read_file(path: Path, label: str) -> bytes:
    """The bytes of a review file, bounded (a device, FIFO or huge file is refused)."""
    return read_bounded(Path(path).expanduser(), limit=MAX_FILE_BYTES, label=label)


def _header(data: bytes, label: str) -> bytes:
    if len(data) > MAX_FILE_BYTES:
        raise refuse(label, "is too large to be a review file.")
    if not data.startswith(AGE_MAGIC):
        raise refuse(label, "is not a KAP Notes review file (it is not an age-encrypted file).")
    end = data.find(_HEADER_END, 0, 64 * 1024)
    if end < 0:
        raise refuse(label, "is damaged or cut short (its encryption header is incomplete).")
    return data[:end]


def needs_passphrase(data: bytes, label: str = "review file") -> bool:
    """Whether the file was encrypted to a passphrase (else to keys)."""
    return bool(_SCRYPT.search(_header(data, label)))


@dataclass(frozen=True)
class OpenedFile:
    kind: str
    payload: dict[str, Any]
    digest: str  # SHA-256 of the canonical payload: what a reply binds to
    signer_key: bytes


def decrypt(data: bytes, label: str, *, identity: ReviewIdentity | None = None,
            passphrase: str | None = None) -> bytes:
    header = _header(data, label)
    scrypt = _SCRYPT.search(header)
    try:
        if scrypt is not None:
            if passphrase is None:
                raise refuse(label, "is protected by a passphrase: enter the one the sender "
                                    "gave you.")
            if int(scrypt.group(1)) > MAX_SCRYPT_LOG_N:
                raise refuse(label, "asks for an unreasonable passphrase work factor; refused.")
            return pyrage.passphrase.decrypt(data, passphrase)
        if identity is None:
            raise refuse(label, "is encrypted to a key: open it with the vault it was sent to.")
        return pyrage.decrypt(data, [identity.age_identity])
    except pyrage.DecryptError as exc:
        why = str(exc).casefold()
        if "no matching" in why:
            raise refuse(label, "was not encrypted to this vault's key (it is for someone "
                                "else).") from None
        # rage says "Decryption failed" when the passphrase does not unwrap the file key.
        if scrypt is not None and ("decryption failed" in why or "mac" in why):
            raise refuse(label, "cannot be opened with this passphrase (or it was changed)."
                         ) from None
        raise refuse(label, "cannot be decrypted: it is damaged, cut short or was changed."
                     ) from None


def open_file(data: bytes, kind: str, *, label: str, identity: ReviewIdentity | None = None,
              passphrase: str | None = None) -> OpenedFile:
    """Decrypt, parse (bounded), check the schema and the signature; ReviewFileError."""
    plain = decrypt(data, label, identity=identity, passphrase=passphrase)
    try:
        text = plain.decode("utf-8")
    except UnicodeDecodeError:
        raise refuse(label, "does not hold KAP Notes review data (not UTF-8 text).") from None
    try:
        envelope = loads_bounded(text, label=label)
    except ValidationError as exc:
        raise refuse(label, f"does not hold KAP Notes review data ({exc.reason}).") from None
    if not isinstance(envelope, dict) or envelope.get("format") != SIGNED_FORMAT:
        raise refuse(label, "does not hold KAP Notes review data.")
    version = envelope.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        raise refuse(label, f"was written by a newer KAP Notes (format version {version}); "
                            "update KAP Notes to open it.")
    if envelope.get("kind") in FORMATS and envelope.get("kind") != kind:
        raise refuse(label, f"is a review {envelope.get('kind')}, not a {kind}.")
    try:
        check_against(envelope, review_schema(), "signed")
        check_against(envelope["payload"], review_schema(), kind)
    except ValidationError as exc:
        raise refuse(label, f"is not a valid review {kind}: {exc.message}") from None
    payload = envelope["payload"]
    who = payload["therapist" if kind == "request" else "supervisor"]
    signer = unb64(who["signing_key"], f"{label} signing key", size=32)
    signature = unb64(envelope["signature"], f"{label} signature", size=64)
    if not verify(signer, signature, signed_message(kind, payload)):
        raise refuse(label, "its signature does not match its content: it was changed after "
                            "it was signed.")
    return OpenedFile(kind, payload, digest(payload), signer)
