"""`seals.current_seal` for every note of a course summary at once.

A summary prints each signed note's digest as it is now and whether it still matches the
seals made at signing. Asked note by note that is ~20 queries per note (its rows in every
table, its seals, its addenda twice); here each table is read once for all the notes
(`seal_check.note_digests` restricted to them) and the same rules are applied to each, so
the answer is `current_seal`'s (tests/cli/test_check_batched.py compares them).
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from typing import Any

from kapnotes.storage import seal_check
from kapnotes.storage.seals import (
    LATEST_FORM,
    NOTE,
    Seal,
    addendum_digest,
    seal_mac,
    seals_of,
)
from kapnotes.storage.vault_secrets import PURPOSE_SEAL, derived_key

CurrentSeal = tuple[str, str, bool]


def current_seals(db: Any, session_ids: Iterable[int]) -> dict[int, CurrentSeal | None]:
    """Session id → `current_seal(db, id)` for each of `session_ids` (None: a draft, or no
    such note)."""
    ids = sorted({int(i) for i in session_ids})
    if not ids:
        return {}
    listed = ",".join(map(str, ids))
    signed = [int(r[0]) for r in db.execute(
        f"SELECT id FROM sessions WHERE id IN ({listed}) AND signed_at IS NOT NULL"
        " ORDER BY id").fetchall()]
    stored: dict[int, list[Seal]] = {}
    for s in seals_of(db, session_ids=signed):
        if s.addendum_id >= 0:
            stored.setdefault(s.session_id, []).append(s)
    addenda: dict[int, list[tuple[int, str, str, str]]] = {}
    for r in db.execute(
            "SELECT session_id, id, text, author, created_at FROM addenda"
            f" WHERE session_id IN ({listed}) ORDER BY session_id, id").fetchall():
        addenda.setdefault(int(r[0]), []).append((int(r[1]), r[2], r[3], r[4]))
    # Re-hashed in the form each was sealed in, so the digest matches copies already sent.
    forms = {sid: (stored[sid][0].form if stored.get(sid) and stored[sid][0].addendum_id
                   == NOTE else LATEST_FORM) for sid in signed}
    sealed = {sid: (stored[sid][0].digest if stored.get(sid)
                    and stored[sid][0].addendum_id == NOTE else None) for sid in signed}
    digests = seal_check.sealed_digests(db, forms, sealed)
    key = derived_key(db, PURPOSE_SEAL)
    out: dict[int, CurrentSeal | None] = dict.fromkeys(ids)
    for sid in signed:
        mine = stored.get(sid, [])
        as_signed = digests.get(sid) or ""
        newest = as_signed
        for addendum in addenda.get(sid, []):
            newest = addendum_digest(newest, addendum)
        intact = (key is not None and bool(mine) and mine[0].addendum_id == NOTE
                  and mine[0].digest == as_signed and mine[-1].digest == newest
                  and len(mine) == 1 + len(addenda.get(sid, []))
                  and all(hmac.compare_digest(s.mac, seal_mac(key, s)) for s in mine))
        out[sid] = (as_signed, newest, intact)
    return out
