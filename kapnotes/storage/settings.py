"""Vault-level practice settings: JSON values in the `settings` key/value table (m001).

Generic on purpose: any service may keep its practice settings here under its own key prefix
(e.g. "monitoring.thresholds"). Settings are not clinical content, but still live inside the
encrypted vault so they travel with it and its backups.
"""

from __future__ import annotations

import json
from typing import Any

from kapnotes.storage.vault import Vault


def get_json(vault: Vault, key: str, default: Any = None) -> Any:
    """The stored value for `key`, or `default` when unset or unreadable."""
    row = vault.query_one("SELECT value FROM settings WHERE key = ?", (key,))
    if row is None:
        return default
    try:
        return json.loads(row[0])
    except ValueError:
        # A hand-edited or damaged value must not stop the app; the default is safe.
        return default


def set_json(vault: Vault, key: str, value: Any) -> None:
    vault.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, json.dumps(value, ensure_ascii=False, sort_keys=True)),
    )


def delete(vault: Vault, key: str) -> None:
    vault.execute("DELETE FROM settings WHERE key = ?", (key,))


def keys(vault: Vault, prefix: str = "") -> list[str]:
    rows = vault.query("SELECT key FROM settings WHERE key LIKE ? ESCAPE '\\' ORDER BY key",
                       (_like_prefix(prefix),))
    return [r[0] for r in rows]


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"
