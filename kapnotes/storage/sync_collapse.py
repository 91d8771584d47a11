"""A pulled page with several versions of one row, applied as its newest version only where
nothing could tell the difference (docs/BENCHMARKS.md, issue 20: a new workstation's first
sync receives each note's whole history, a draft and then its signing).

A row is collapsed only when it is new to this vault (no local copy, nothing of it waiting to
go out: so no conflict copy, field merge or lost answer depends on the older versions) and no
other row of the page between its first and its newest version names it (readings taken on a
draft before it was signed must meet the draft, not the signed note). The newest version is
applied where the first one stood.
"""

from __future__ import annotations

from collections import defaultdict

from kapnotes.domain.sync_ops import IncomingRow
from kapnotes.storage.vault import Vault


def newest_only(vault: Vault, rows: list[IncomingRow]) -> list[IncomingRow]:
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    newest: dict[str, int] = {}
    for i, row in enumerate(rows):
        first.setdefault(row.row_uuid, i)
        last[row.row_uuid] = i
        if row.row_version >= rows[newest.get(row.row_uuid, i)].row_version:
            newest[row.row_uuid] = i
    repeated = {u for u in first if first[u] != last[u]}
    if not repeated:
        return rows
    named_at: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        for key, value in row.payload.items():
            if key.endswith("_uuid") and isinstance(value, str) and value in repeated:
                named_at[value].append(i)
    collapsed = {u for u in repeated
                 if not any(first[u] < i < last[u] for i in named_at[u]) and _new_here(vault, u)}
    out = []
    for i, row in enumerate(rows):
        if row.row_uuid not in collapsed:
            out.append(row)
        elif i == first[row.row_uuid]:
            out.append(rows[newest[row.row_uuid]])
    return out


def _new_here(vault: Vault, row_uuid: str) -> bool:
    return (vault.query_one("SELECT 1 FROM sync_ids WHERE uuid = ?", (row_uuid,)) is None
            and vault.query_one("SELECT 1 FROM sync_outbox WHERE row_uuid = ?",
                                (row_uuid,)) is None)
