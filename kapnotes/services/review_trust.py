"""Pin a supervisor's key from their key file, before any reply or to replace a changed key.

A reply pins its signer on first use (kapnotes/services/review_import.py) and a later reply
from the same supervisor with another key is refused. When the supervisor really has a new
key (a new computer, a new vault), the therapist compares the new fingerprint with them in
person or by phone and then trusts their new key file here: the new key is pinned as a new
generation of the same supervisor ("identity#2"), the old pin stays as history, and the
audit log records both fingerprints (docs/REVIEW-FORMAT.md, "Pinning").
"""

from __future__ import annotations

from dataclasses import dataclass

from kapnotes.services.changes import Changes, write
from kapnotes.services.clock import Clock, system_clock, utc_stamp
from kapnotes.services.review_keys import PublicKeyFile
from kapnotes.storage import audit, reviews
from kapnotes.storage.vault import Vault


@dataclass(frozen=True)
class TrustResult:
    fingerprint: str
    replaced: str | None  # the fingerprint pinned before, when the key changed
    already: bool  # this key was already the pinned one: nothing changed


def trust_key(vault: Vault, key: PublicKeyFile, *, clock: Clock = system_clock
              ) -> TrustResult:
    """Pin `key` for the supervisor its file names (checked and signed: read_key_file), at
    the time by `clock` (the services' clock)."""
    identity = key.profile.identity()
    pinned = reviews.supervisor_by_identity(vault, identity)
    if pinned is not None and pinned.public_key == key.public_key:
        return TrustResult(key.fingerprint, None, True)
    generation = reviews.pin_count(vault, identity)
    stored = identity if generation == 0 else f"{identity}#{generation + 1}"
    row = reviews.SupervisorRow(0, stored, key.profile.name, key.profile.role,
                                key.profile.registration, key.public_key, key.fingerprint,
                                utc_stamp(clock))
    with write(vault, Changes(reviews=True)):
        supervisor_id = reviews.pin_supervisor(vault, row)
        detail = f"key {key.fingerprint}" + (f"; replaces {pinned.fingerprint}" if pinned
                                              else "")
        audit.record(vault, "review.trust", record_type="supervisor", record_id=supervisor_id,
                     detail=detail)
    return TrustResult(key.fingerprint, pinned.fingerprint if pinned else None, False)
