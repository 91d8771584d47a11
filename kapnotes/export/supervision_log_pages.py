"""The supervision log as a PDF for registration bodies (docs/SUPERVISION.md): who supervised,
when, for how long, individual or group, on what; totals per period; and the signature line
with the clinician's key fingerprint and the Ed25519 signature over the log's entries.
Handed plain rows by kapnotes/services/supervision_log_pdf.py; never reads storage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kapnotes.export.report import (
    Block,
    Heading,
    KeyValues,
    Paragraph,
    Report,
    SignatureLine,
    Table,
)
from kapnotes.export.snapshot import ExportOptions

COLUMNS = ("Date", "Supervisor", "Min", "Format", "Topics", "Source")
WIDTHS = (1.5, 2.3, 0.7, 1.1, 3.2, 1.0)
TOTAL_COLUMNS = ("Period", "Sessions", "Minutes", "Hours", "Individual min", "Group min")
EMPTY = "No supervision sessions in this period."


@dataclass(frozen=True)
class LogPages:
    """Everything the pages show, already gathered and signed."""

    clinician: str  # name, role, registration in one line
    period: str
    rows: Sequence[tuple[str, str, int, str, str, str]]
    totals: Sequence[tuple[str, int, int, int, int]]  # period, sessions, min, indiv, group
    by: str  # "month" or "year"
    fingerprint: str
    signature: str  # base64 Ed25519 over the canonical entries (docs/SUPERVISION.md)


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}"


def log_blocks(pages: LogPages) -> list[Block]:
    blocks: list[Block] = [
        Heading("Sessions"),
        KeyValues((("Clinician", pages.clinician), ("Period", pages.period),
                   ("Sessions", str(len(pages.rows))),
                   ("Total", f"{sum(r[2] for r in pages.rows)} min "
                             f"({_hours(sum(r[2] for r in pages.rows))} h)"))),
    ]
    if not pages.rows:
        blocks.append(Paragraph(EMPTY, style="muted"))
    else:
        blocks.append(Table(COLUMNS, [(d, who, str(m), f, topics, src)
                                      for d, who, m, f, topics, src in pages.rows],
                            widths=WIDTHS))
        blocks.append(Heading(f"Totals per {pages.by}", level=2))
        blocks.append(Table(TOTAL_COLUMNS, [(p, str(n), str(m), _hours(m), str(i), str(g))
                                            for p, n, m, i, g in pages.totals]))
    blocks.append(Paragraph(
        "Sessions marked “reply” came in a supervisor's signed reply file; “by hand” were "
        "entered by the clinician.", style="muted"))
    blocks.append(Paragraph(
        f"Signed electronically by {pages.clinician} with the KAP Notes signing key "
        f"{pages.fingerprint}. Ed25519 signature of the entries above: {pages.signature}"))
    blocks.append(SignatureLine("Clinician's signature and date"))
    return blocks


def log_report(pages: LogPages, options: ExportOptions) -> Report:
    return Report(title="Supervision log", practice_name=options.practice_name,
                  app_version=options.app_version, export_date=options.export_date,
                  subtitle=pages.period, audit_head=options.audit_head,
                  practice_logo=options.practice_logo, sections=tuple(log_blocks(pages)))
