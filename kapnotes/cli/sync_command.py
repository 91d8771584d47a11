"""`kapnotes sync --vault V`: one sync with the practice server (docs/PRACTICE-SERVER.md).

Prints what moved; exit 0. A vault that has not joined, or a server that cannot be reached, is
one line on stderr and exit 1 (the vault's changes wait for the next sync).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from kapnotes.cli.vault_commands import add_vault_options, opened_vault
from kapnotes.domain.errors import KapNotesError
from kapnotes.lazy import lazy_module

if TYPE_CHECKING:
    from kapnotes.services import practice_review, practice_sync
    from kapnotes.services.practice_sync import SyncReport
else:
    practice_sync = lazy_module("kapnotes.services.practice_sync")  # psycopg only when syncing
    practice_review = lazy_module("kapnotes.services.practice_review")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sync", help="sync this vault with the practice server once")
    add_vault_options(p)
    p.set_defaults(handler=cmd_sync)


def cmd_sync(args: argparse.Namespace) -> int:
    with opened_vault(args) as vault:
        report = practice_sync.sync_once(vault)
    moved = summary(report)
    if report.error:
        if report.pushed or report.pulled or report.refused or report.conflicts:
            print("\n".join(moved))  # what did move before the sync stopped
        raise KapNotesError(f"{report.error}; changes wait in the vault for the next sync"
                            if report.offline else report.error)
    print("\n".join(moved))
    return 0


def summary(report: SyncReport) -> list[str]:
    lines = [f"Pushed {_count(report.pushed, 'change')}, pulled {report.pulled}, "
             f"{_count(report.conflicts, 'conflict copy', 'conflict copies')}, "
             f"{report.refused} refused."]
    # The kind in the words of the window's review list (File → Practice), not its code.
    kinds = practice_review.KIND_NAMES
    lines += [f"Refused: client {r.client_code}, {kinds.get(r.kind, r.kind).lower()}: "
              f"{r.message}" for r in report.refusals]
    if report.field_reviews:
        lines.append(f"{_count(report.field_reviews, 'client field')} edited on two "
                     f"workstations: choose which to keep (File → Practice in the window).")
    lines += [f"Removed: {words}." for words in report.removed]
    lines += [f"Removed client {code} from this vault: no longer on your care team."
              for code in report.purged_codes]
    lines += [f"Kept client {code}: no longer on your care team, but changes made here never "
              f"reached the server; read them (File → Practice → Conflicts and field reviews), "
              f"then sync again to remove it." for code in report.held_codes]
    return lines


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"
