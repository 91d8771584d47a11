"""What a workstation sends to and gets from the practice server (docs/PRACTICE-SERVER.md).

Plain data shared by the vault side (storage/sync_*.py builds and applies them) and the wire
(practice/sync_wire.py sends and receives them); neither imports the other. A payload is the
row's columns by name; it never goes into a log line or an error message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The kinds of row a workstation shares this round (the server's role policy names them).
SYNC_KINDS = ("client", "course", "note", "addendum", "vitals", "measure", "consent",
              "consent_withdrawal", "screen", "approval")


@dataclass(frozen=True)
class OutgoingOp:
    """One packed change waiting in the vault's outbox; op_id is fixed when packed, so a
    retry after a dropped connection is the same operation (the server answers duplicate)."""

    op_id: str
    kind: str
    client_code: str
    row_uuid: str
    base_version: int | None
    payload: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class IncomingRow:
    """One row version pulled from the server's change log."""

    seq: int
    author: str
    kind: str
    client_code: str
    row_uuid: str
    row_version: int
    payload: dict[str, Any] = field(repr=False)
