"""An in-memory stand-in for the practice server's push/pull rules (kap.push in
kapnotes/practice/schema), for tests of the vault side of sync that need no PostgreSQL:
versions per row, base-version conflicts, duplicate op ids, a sequence-ordered log, and
payloads passed through JSON as the server's jsonb does. The real server is tested in
tests/practice."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from kapnotes.domain.sync_ops import IncomingRow, OutgoingOp
from kapnotes.storage import sync_apply, sync_outbox, sync_state

NOW = "2026-11-20T09:00:00Z"


@dataclass
class Relay:
    log: list[IncomingRow] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)
    answered: dict[str, int] = field(default_factory=dict)  # op_id → row version
    signed: set[str] = field(default_factory=set)

    def push(self, op: OutgoingOp, author: str) -> tuple[str, int]:
        if op.op_id in self.answered:
            return "duplicate", self.answered[op.op_id]
        current = self.versions.get(op.row_uuid)
        if current is not None and op.base_version != current:
            return "conflict", current  # stale, also when signed meanwhile (server step 0004)
        if op.row_uuid in self.signed:
            return "refused", current or 0  # a signed note is never edited
        version = (current or 0) + 1
        if op.payload.get("signed"):
            self.signed.add(op.row_uuid)
        self.versions[op.row_uuid] = version
        self.answered[op.op_id] = version
        self.log.append(IncomingRow(len(self.log) + 1, author, op.kind, op.client_code,
                                    op.row_uuid, version, json.loads(json.dumps(op.payload))))
        return "applied", version

    def pull(self, after: int) -> list[IncomingRow]:
        return [r for r in self.log if r.seq > after]


def push_all(vault: Any, relay: Relay, author: str, *, answer: bool = True) -> int:
    """Pack and push; each answer acknowledged (or kept as a conflict copy) unless `answer`
    is False (the connection dropped before the answer came back)."""
    with vault.transaction():
        sync_outbox.pack_outbox(vault, NOW)
    sent: set[str] = set()
    while ops := [op for op in sync_outbox.pending_ops(vault) if op.op_id not in sent]:
        for op in ops:
            sent.add(op.op_id)
            outcome, version = relay.push(op, author)
            if not answer:
                continue
            with vault.transaction():
                if outcome == "refused":
                    sync_outbox.record_refusal(vault, op.op_id, "signed: add an addendum", NOW)
                elif outcome == "conflict":
                    sync_outbox.keep_conflict_copy(vault, op.op_id, version, NOW)
                else:
                    sync_outbox.acknowledge(vault, op.op_id, version)
    return len(sent)


def pull_all(vault: Any, relay: Relay) -> sync_apply.ApplyOutcome:
    return sync_apply.apply_incoming(vault, relay.pull(sync_state.last_seq(vault)), NOW)


def sync(vault: Any, relay: Relay, author: str) -> sync_apply.ApplyOutcome:
    push_all(vault, relay, author)
    return pull_all(vault, relay)


def link(vault: Any) -> None:
    with vault.transaction():
        sync_state.set_linked(vault, True)
