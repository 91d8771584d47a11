"""The vault's integrity key: a random 256-bit secret kept inside the encrypted vault.

The audit chain (HMAC) and the seals of signed notes use keys derived from it with HKDF, one
per purpose. It lives in the vault, not in the key file, so it stays the same when the data
key is replaced (`passwd --rekey`): old entries and seals still verify after a re-key, and a
backup carries the key its own chain was made with. Anyone who can open the vault can read it;
what it stops is the quiet edit with a generic SQLite tool (an altered row no longer matches
its MAC) and, with the digests printed in PDFs and the chain heads kept in backups, an edit
made after a copy left the vault (docs/RELIABILITY.md, "What check can and cannot prove").
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

INTEGRITY = "integrity"
PURPOSE_AUDIT = "audit-chain"
PURPOSE_SEAL = "note-seal"


def derived_key(db: Any, purpose: str) -> bytes | None:
    """The key for `purpose`, or None in a vault older than the integrity key (schema < 7).

    `db` is a Vault or a raw connection (migrations): anything with `execute`.
    """
    # Asked, not caught: a Vault reports a missing table as a project error, a raw connection
    # as the driver's own, and either error may also mean a closed vault (no key then is wrong).
    migrated = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                          "AND name = 'vault_secrets'").fetchone()
    if migrated is None:  # not migrated yet
        return None
    row = db.execute("SELECT value FROM vault_secrets WHERE name = ?", (INTEGRITY,)).fetchone()
    if row is None:
        return None
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=f"kapnotes/{purpose}".encode())
    return hkdf.derive(bytes(row[0]))
