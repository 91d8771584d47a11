"""`kapnotes report` subcommands for approvals and regulator returns (docs/JURISDICTIONS.md):

    kapnotes report tga-six-monthly --vault V [--period 2026H2] --out F.csv|F.pdf
    kapnotes report adverse-events --vault V --from D --to D --out F.csv|F.pdf
    kapnotes report approvals --vault V [--lapsing-within DAYS]
    kapnotes report pbs-sheet --vault V --client CODE --out F.pdf

Bad options exit with one line naming the option and write nothing (kapnotes/cli/__init__.py).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from kapnotes.cli.vault_commands import (
    add_force_option,
    add_vault_options,
    opened_vault,
    vault_path,
)
from kapnotes.domain.errors import ValidationError
from kapnotes.lazy import lazy_module

if TYPE_CHECKING:
    from kapnotes.services import container, output_files, pbs_sheet, regulator_reports
else:
    container = lazy_module("kapnotes.services.container")
    output_files = lazy_module("kapnotes.services.output_files")
    regulator_reports = lazy_module("kapnotes.services.regulator_reports")
    pbs_sheet = lazy_module("kapnotes.services.pbs_sheet")


def _day(option: str, text: str | None) -> date | None:
    from kapnotes.cli.report_commands import day

    return day(option, text)


def _out(args: argparse.Namespace, suffixes: tuple[str, ...]) -> Path:
    out = Path(args.out).expanduser()
    if out.suffix.lower() not in suffixes:
        raise ValidationError("--out", f"must end in {' or '.join(suffixes)}")
    output_files.check_output_path(out, vault_path(args), replace=args.force, label="--out")
    return out


def _tga(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tga-six-monthly",
                       help="TGA Authorised Prescriber six-monthly report (CSV or PDF)")
    add_vault_options(p)
    p.add_argument("--period", metavar="YYYYH1|YYYYH2",
                   help="e.g. 2026H2 (default: the last period that has ended)")
    p.add_argument("--out", required=True, metavar="FILE", help=".csv or .pdf file to write")
    add_force_option(p)
    p.set_defaults(handler=cmd_tga_six_monthly)


def cmd_tga_six_monthly(args: argparse.Namespace) -> int:
    out = _out(args, (".csv", ".pdf"))
    with opened_vault(args) as vault:
        services = container.build_services(vault)
        report = regulator_reports.tga_six_monthly(services, args.period)
        written = regulator_reports.write_report(services, "tga_six_monthly", report, out,
                                                 replace=args.force)
    print(f"Wrote {written} (TGA six-monthly report {report.period.id}, "
          f"{len(report.rows)} authorisation(s)).")
    return 0


def _adverse(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("adverse-events", help="adverse-event line list for a period")
    add_vault_options(p)
    p.add_argument("--from", dest="start", required=True, metavar="D",
                   help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", required=True, metavar="D",
                   help="last day, included (YYYY-MM-DD)")
    p.add_argument("--out", required=True, metavar="FILE", help=".csv or .pdf file to write")
    add_force_option(p)
    p.set_defaults(handler=cmd_adverse_events)


def cmd_adverse_events(args: argparse.Namespace) -> int:
    start, end = _day("--from", args.start), _day("--to", args.end)
    assert start is not None and end is not None
    out = _out(args, (".csv", ".pdf"))
    with opened_vault(args) as vault:
        services = container.build_services(vault)
        events = regulator_reports.adverse_events(services, start, end)
        written = regulator_reports.write_report(services, "adverse_events", events, out,
                                                 replace=args.force)
    print(f"Wrote {written} ({len(events.lines)} adverse event(s)).")
    return 0


def _approvals(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("approvals", help="approvals, permits and authorisations (a table)")
    add_vault_options(p)
    p.add_argument("--lapsing-within", metavar="DAYS", type=str,
                   help="only those ending within DAYS days from today")
    p.set_defaults(handler=cmd_approvals)


def _days(text: str | None) -> int | None:
    if text is None:
        return None
    if len(text) > 5 or not text.strip().isdigit():
        raise ValidationError("--lapsing-within", "must be a whole number of days from 0 "
                                                  "to 3660")
    return int(text)


def cmd_approvals(args: argparse.Namespace) -> int:
    within = _days(args.lapsing_within)
    with opened_vault(args) as vault:
        services = container.build_services(vault)
        rows = services.approvals.lapsing(within) if within is not None else \
            services.approvals.rows(services.approvals.all())
        reminders = regulator_reports.reminders(services)
    if not rows:
        print("No approvals lapse in that time." if within is not None
              else "No approvals are recorded.")
    else:
        header = ("Ends", "Days", "Holder", "Approval", "Reference", "Medicine")
        table = [(r.approval.ends_on.isoformat(), str(r.days_left), r.holder,
                  r.title.split(" (")[0], r.approval.reference, r.approval.medicine)
                 for r in rows]
        widths = [max(len(h), *(len(row[n]) for row in table)) for n, h in enumerate(header)]
        for row in (header, *table):
            print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
                  .rstrip())
    for line in reminders:
        print(f"Reminder: {line}")
    return 0


def _pbs(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pbs-sheet", help="PBS eligibility sheet for a client's esketamine "
                                         "course (PDF)")
    add_vault_options(p)
    p.add_argument("--client", required=True, metavar="CODE", help="the client's code")
    p.add_argument("--out", required=True, metavar="FILE", help="PDF file to write")
    add_force_option(p)
    p.set_defaults(handler=cmd_pbs_sheet)


def cmd_pbs_sheet(args: argparse.Namespace) -> int:
    out = _out(args, (".pdf",))
    with opened_vault(args) as vault:
        services = container.build_services(vault)
        job = pbs_sheet.build_pbs_sheet(services, args.client)
        written = pbs_sheet.export(services, job, out, replace=args.force)
    print(f"Wrote {written} (PBS eligibility sheet).")
    return 0


REPORTS: list[Callable[[argparse._SubParsersAction], None]] = [_tga, _adverse, _approvals,
                                                                 _pbs]
