"""Printable Schedule 8 register pages (docs/JURISDICTIONS.md): per register the period, the
balance carried in, every entry with its running balance, and columns to sign and witness.
Handed the pages the service gathered (kapnotes/services/s8_register.py); never reads storage.

Clients appear by their code only, as the register itself keeps them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from kapnotes.domain.jurisdiction_model import EntryKind
from kapnotes.domain.s8_register import RegisterEntry, RegisterPage, entry_details
from kapnotes.export.report import (
    Block,
    Heading,
    KeyValues,
    PageBreak,
    Paragraph,
    Report,
    SignatureLine,
    Table,
)
from kapnotes.export.snapshot import ExportOptions

COLUMNS = ("Date", "Entry", "Details", "In", "Out", "Balance", "Entered by", "Witness",
           "Signature")
WIDTHS = (1.2, 1.9, 2.95, 0.55, 0.75, 1.25, 1.25, 1.2, 1.6)
EMPTY = "No entries in this period."


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%d %b %Y %H:%M") if moment else ""


def _period(page: RegisterPage) -> str:
    start = page.start.astimezone().strftime("%d %b %Y") if page.start else "the first entry"
    end = page.end.astimezone().strftime("%d %b %Y") if page.end else "today"
    return f"From {start} to before {end}" if page.end else f"From {start} to {end}"


def _row(entry: RegisterEntry, page: RegisterPage) -> tuple[str, ...]:
    into = str(entry.change) if entry.change > 0 else ""
    out = str(-entry.change) if entry.change < 0 else ""
    return (_when(entry.occurred_at), f"{entry.id} {entry.kind.label}",
            entry_details(entry, page.register, page.corrected_by),
            into, out, str(entry.balance), entry.recorded_by, entry.witness, "")


def register_blocks(page: RegisterPage) -> list[Block]:
    reg = page.register
    blocks: list[Block] = [
        Heading(f"Schedule 8 register: {reg.title}"),
        KeyValues((("Jurisdiction", page.jurisdiction), ("Counted in", f"{reg.unit}s"),
                   ("Period", _period(page)),
                   ("Balance brought forward", str(page.opening_balance)),
                   ("Balance at end of period", str(page.closing_balance)))),
    ]
    if not page.entries:
        blocks.append(Paragraph(EMPTY, "muted"))
    else:
        flagged = frozenset(n for n, e in enumerate(page.entries)
                            if e.discrepancy or e.kind is EntryKind.CORRECTION
                            or e.id in page.corrected_by)
        blocks.append(Table(COLUMNS, tuple(_row(e, page) for e in page.entries), WIDTHS,
                            highlight_rows=flagged))
    blocks.append(SignatureLine("Register checked by (name, signature and date)"))
    return blocks


def register_report(pages: Sequence[RegisterPage], options: ExportOptions) -> Report:
    sections: list[Block] = []
    for n, page in enumerate(pages):
        if n:
            sections.append(PageBreak())
        sections.extend(register_blocks(page))
    if not pages:
        sections.append(Paragraph("No Schedule 8 register is kept in this vault yet.", "muted"))
    return Report(
        title="Schedule 8 drug register", subtitle=pages[0].jurisdiction if pages else "",
        practice_name=options.practice_name, practice_logo=options.practice_logo,
        audit_head=options.audit_head, app_version=options.app_version,
        export_date=options.export_date, deidentified=False,
        notices=("Entries are never changed: a correction is a later entry naming the one it "
                 "corrects, and both are shown. Clients appear by their code.",),
        sections=tuple(sections))
