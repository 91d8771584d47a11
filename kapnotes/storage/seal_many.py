"""Seals for many newly signed notes at once (a practice sync's page; docs/BENCHMARKS.md,
issue 20).

A new workstation's first sync receives thousands of signed notes, and sealing each with
`seals.seal_session` read its rows with a dozen queries, derived the key and asked the schema
again, note by note. Here the notes of a page are sealed together: each table is read once for
all of them by `seal_check.note_digests`, which computes every digest with the same
`seals.digest_of` the per-note path uses, so each seal is the one `seal_session` would make
(same digest, form and MAC). A note that already holds addenda then has them sealed by
`seal_session`, chained to that seal, as usual.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from kapnotes.storage import seals
from kapnotes.storage.seal_check import note_digests
from kapnotes.storage.seals import LATEST_FORM, NOTE, Seal, seal_mac
from kapnotes.storage.vault_secrets import PURPOSE_SEAL, derived_key


def seal_signed(db: Any, session_ids: Iterable[int]) -> None:
    """Seal each of these notes that is signed and has no seal yet, inside the caller's
    transaction; notes unsigned, gone or sealed already are left as they are."""
    listed = ",".join(str(i) for i in sorted({int(i) for i in session_ids}))
    if not listed:
        return
    todo = [int(r[0]) for r in db.execute(
        f"SELECT id FROM sessions s WHERE id IN ({listed}) AND signed_at IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM note_seals n WHERE n.session_id = s.id"
        f" AND n.addendum_id = {NOTE})").fetchall()]
    if not todo:
        return
    key = derived_key(db, PURPOSE_SEAL)
    if key is None:
        raise RuntimeError("this vault has no integrity key yet (schema before 7)")
    at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    made = []
    for sid, digest in note_digests(db, dict.fromkeys(todo, LATEST_FORM), only=True):
        if digest is None:
            raise RuntimeError(f"session {sid} does not exist")
        made.append(Seal(sid, NOTE, digest, "", at, LATEST_FORM))
    db.executemany("INSERT INTO note_seals (session_id, addendum_id, digest, mac, sealed_at,"
                   " form) VALUES (?, ?, ?, ?, ?, ?)",
                   [(s.session_id, s.addendum_id, s.digest, seal_mac(key, s), s.sealed_at,
                     s.form) for s in made])
    for (sid,) in db.execute("SELECT DISTINCT session_id FROM addenda WHERE session_id IN"
                             f" ({','.join(map(str, todo))})").fetchall():
        seals.seal_session(db, int(sid))
