"""Kinds of shared row added after schema step 020, one registry for the sync's shared code
(docs/PRACTICE-SERVER.md, "What is shared"): `sync_payloads` packs and writes them through it,
`sync_outbox` orders and filters them, `sync_apply` keeps insert-only ones as written.

Each entry names the vault table (or, for an entry kept inside another row, the name its UUID
has in `sync_ids`), the server kind, how to find the row's client code, whether the kind is
insert-only, and its payload codec. Parents come before children in this order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kapnotes.storage import sync_approvals, sync_consents
from kapnotes.storage.vault import Vault

_BY_CLIENT = "SELECT cl.code FROM {table} x JOIN clients cl ON cl.id = x.client_id WHERE x.id = ?"


@dataclass(frozen=True)
class RowKind:
    kind: str
    code_sql: str  # the client code of the row whose local id is the one parameter
    insert_only: bool
    pack: Callable[[Vault, int], dict[str, Any] | None]
    write: Callable[[Vault, str, dict[str, Any]], int]


KINDS: dict[str, RowKind] = {
    "consent_records": RowKind("consent", _BY_CLIENT.format(table="consent_records"), True,
                               sync_consents.pack_consent, sync_consents.write_consent),
    "consent_withdrawals": RowKind("consent_withdrawal",
                                   _BY_CLIENT.format(table="consent_records"), True,
                                   sync_consents.pack_withdrawal,
                                   sync_consents.write_withdrawal),
    "screens": RowKind("screen", _BY_CLIENT.format(table="screens"), True,
                       sync_consents.pack_screen, sync_consents.write_screen),
    "approvals": RowKind("approval", _BY_CLIENT.format(table="approvals"), False,
                         sync_approvals.pack_approval, sync_approvals.write_approval),
}
INSERT_ONLY_TABLES = frozenset(t for t, k in KINDS.items() if k.insert_only)
# Edited with a base version: a stale local edit becomes a conflict copy, as a course's.
EDITED_TABLES = frozenset(t for t, k in KINDS.items() if not k.insert_only)
