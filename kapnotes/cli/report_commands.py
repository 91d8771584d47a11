"""`kapnotes report …`: the records a practice returns to regulators, for scripts.

    kapnotes report s8-register --vault V [--medicine PRODUCT] [--from D --to D] --out F.pdf
    kapnotes report tga-six-monthly | adverse-events | approvals | pbs-sheet …

Each report is a subcommand of `report`; a module adds its own with a function in `REPORTS`
(docs/JURISDICTIONS.md names the registers and their products).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from kapnotes.cli import regulator_commands
from kapnotes.cli.vault_commands import (
    add_force_option,
    add_vault_options,
    opened_vault,
    vault_path,
)
from kapnotes.domain.errors import ValidationError
from kapnotes.lazy import lazy_module

if TYPE_CHECKING:
    from kapnotes.services import container, exports, output_files, s8_exports
else:
    container = lazy_module("kapnotes.services.container")
    exports = lazy_module("kapnotes.services.exports")
    s8_exports = lazy_module("kapnotes.services.s8_exports")
    output_files = lazy_module("kapnotes.services.output_files")


def day(option: str, text: str | None) -> date | None:
    """A date given as YYYY-MM-DD, else exit 5 naming the option."""
    if text is None:
        return None
    try:
        if len(text.strip()) != 10:
            raise ValueError(text)
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(option, "must be a date like 2026-11-30.") from None


def _s8_register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("s8-register", help="the Schedule 8 drug register pages as PDF")
    add_vault_options(p)
    p.add_argument("--medicine", metavar="PRODUCT",
                   help="one register, by its product id (e.g. esketamine_28mg_nasal_device); "
                        "default: every register")
    p.add_argument("--from", dest="start", metavar="D", help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", metavar="D", help="last day, included (YYYY-MM-DD)")
    p.add_argument("--out", required=True, metavar="FILE", help="PDF file to write")
    add_force_option(p)
    p.set_defaults(handler=cmd_s8_register)


def cmd_s8_register(args: argparse.Namespace) -> int:
    start, end = day("--from", args.start), day("--to", args.end)
    out = Path(args.out).expanduser()
    output_files.check_output_path(out, vault_path(args), replace=args.force, label="--out")
    with opened_vault(args) as vault:
        services = container.build_services(vault)
        job = s8_exports.build_register_report(services, product_id=args.medicine,
                                               start=start, end=end)
        written = exports.export_pdf(services, job, out, replace=args.force)
    count = len(job.record_id.split(",")) if job.record_id else 0
    print(f"Wrote {written} (Schedule 8 register, {count} register(s)).")
    return 0


# Each adds one report's subcommand to `kapnotes report`.
REPORTS: list[Callable[[argparse._SubParsersAction], None]] = [
    _s8_register, *regulator_commands.REPORTS]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="reports for regulators: Schedule 8 register …")
    reports = p.add_subparsers(title="reports", metavar="REPORT", required=True)
    for add in REPORTS:
        add(reports)
