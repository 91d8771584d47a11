"""Before a reply is imported: who signed it and how their key compares with the pinned one,
so the window can ask the therapist to pin a new supervisor's key (trust on first use,
docs/REVIEW-FORMAT.md "Pinning") or show a changed key's refusal before anything is written.

Nothing here writes to the vault; `kapnotes.services.review_import.import_reply` does the
import itself and repeats every check.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from kapnotes.domain.review_model import (
    Profile,
    ReplyContent,
    Verdict,
    fingerprint,
    profile_from,
)
from kapnotes.services.review_files import open_file
from kapnotes.services.review_import import REPLY_LABEL, one_off_identity
from kapnotes.services.review_keys import vault_identity
from kapnotes.storage import reviews
from kapnotes.storage.vault import Vault


class KeyState(Enum):
    NEW = "new"  # first reply from this supervisor: the key will be pinned
    PINNED = "pinned"  # the same key as pinned before
    CHANGED = "changed"  # a different key: the import will be refused


@dataclass(frozen=True)
class ReplyPreview:
    supervisor: Profile
    fingerprint: str
    one_off_key: bool
    key_state: KeyState
    pinned_fingerprint: str  # "" when nothing is pinned for this supervisor
    pinned_at: str
    verdicts: int
    comments: int
    cosigned: int
    has_session: bool


def preview_reply(vault: Vault, data: bytes) -> ReplyPreview:
    """Decrypt and check the reply (signature, schema) and compare its key; ReviewFileError
    when the file itself is refused."""
    opened = open_file(data, "reply", label=REPLY_LABEL, identity=vault_identity(vault))
    p = opened.payload
    profile = profile_from("supervisor", p["supervisor"])
    one_off = p["supervisor"]["key_kind"] == "one-off"
    key_print = fingerprint(opened.signer_key)
    pinned = reviews.supervisor_by_identity(vault, profile.identity())
    if pinned is None and one_off:
        pinned = reviews.supervisor_by_identity(vault, one_off_identity(opened.signer_key))
    if pinned is None:
        state = KeyState.NEW
    elif pinned.public_key == opened.signer_key:
        state = KeyState.PINNED
    else:
        state = KeyState.CHANGED
    cosignature = p.get("cosignature") or {}
    return ReplyPreview(
        supervisor=profile, fingerprint=key_print, one_off_key=one_off, key_state=state,
        pinned_fingerprint=pinned.fingerprint if pinned else "",
        pinned_at=pinned.pinned_at if pinned else "",
        verdicts=len(p["verdicts"]), comments=len(p["comments"]),
        cosigned=len(cosignature.get("session_ids", [])),
        has_session=p.get("supervision") is not None)


def summary_line(content: ReplyContent) -> str:
    """What an import brought, in one line (counts only, never comment text)."""
    approved = sum(1 for v in content.verdicts.values() if v is Verdict.APPROVED)
    changes = len(content.verdicts) - approved
    parts = [f"{approved} approved", f"{changes} with changes requested",
             f"{len(content.comments)} comment{'s' if len(content.comments) != 1 else ''}"]
    if content.cosignature is not None:
        parts.append(f"{len(content.cosignature.session_ids)} co-signed")
    if content.supervision is not None:
        parts.append(f"supervision session of {content.supervision.minutes} min logged")
    return ", ".join(parts)
