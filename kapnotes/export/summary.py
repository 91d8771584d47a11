"""Snapshots → Reports: the three PDF summaries a supervisor reads (docs/ARCHITECTURE.md, "PDF").

- `session_report`: one session note.
- `course_report`: a client's course (summary sections, then every note in order).
- `packet_report`: several clients' course summaries with a contents page.

Pure functions of the snapshots and options: nothing here reads storage or draws. Who the
client is (name or code) and what free text may say is decided in `summary_common`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from kapnotes.domain.course_label import course_label, protocol_label
from kapnotes.domain.models import Client, Course
from kapnotes.export.deidentify import scrub_report
from kapnotes.export.report import (
    Block,
    Heading,
    Paragraph,
    Report,
    SignatureLine,
    Table,
    concat,
)
from kapnotes.export.snapshot import CourseSnapshot, ExportOptions, SessionSnapshot
from kapnotes.export.summary_common import (
    CLINICIAN_MARK,
    CONTACT_MARK,
    DATE_MARK,
    NAME_MARK,
    Redactor,
    context_for,
    fmt_date,
)
from kapnotes.export.summary_course import course_blocks
from kapnotes.export.summary_overview import PACKET_COLUMNS, PACKET_WIDTHS, course_row
from kapnotes.export.summary_session import session_blocks, session_title

PRIVATE_LEFT_OUT = "Private process notes are not included in this export."
PRIVATE_INCLUDED = ("Private process notes are included in this export (marked “private”): "
                    "share it only with the supervisor they were written for.")
REDACTION_NOTICE = (f"The client's names (and their support person's), date of birth and "
                    f"contact details found anywhere in this export are replaced by "
                    f"{NAME_MARK}, {DATE_MARK} or {CONTACT_MARK}, the referring clinician's "
                    f"and prescribers' names by {CLINICIAN_MARK}; free text may still "
                    "identify the client in other ways.")
SUPERVISOR_SIGNATURE = "Supervisor signature and date"


def notices(options: ExportOptions) -> tuple[str, ...]:
    """What the PDF says at its top about what is in it and what is not."""
    out = [PRIVATE_INCLUDED if options.include_private else PRIVATE_LEFT_OUT]
    if options.deidentified:
        out.append(REDACTION_NOTICE)
    return tuple(out)


def _report(title: str, subtitle: str, options: ExportOptions, sections: Sequence[Block],
            *, contents: bool = False, lead: int = 0) -> Report:
    return Report(
        title=title, subtitle=subtitle, practice_name=options.practice_name,
        practice_logo=options.practice_logo, audit_head=options.audit_head,
        app_version=options.app_version, export_date=options.export_date,
        deidentified=options.deidentified, notices=notices(options),
        sections=tuple(sections), contents=contents, lead=lead,
    )


def session_report(snap: SessionSnapshot, *, client: Client, course: Course,
                   options: ExportOptions) -> Report:
    """One session note, with a line for the supervisor to sign."""
    ctx = context_for(client, options)
    blocks = session_blocks(snap, ctx, level=1, course_label=course_label(course))
    blocks.append(SignatureLine(SUPERVISOR_SIGNATURE))
    state = "signed" if snap.session.signed else "DRAFT, not signed"
    return _scrubbed(_report(f"Session note — {ctx.who}", f"{session_title(snap)} · {state}",
                             options, blocks), [client], [course.prescriber], options)


def course_report(snap: CourseSnapshot, options: ExportOptions) -> Report:
    """A client's course: summary sections first, then every session note in date order."""
    ctx = context_for(snap.client, options)
    subtitle = f"{course_label(snap.course)} · {snap.course.status.label}"
    blocks = course_blocks(snap, ctx, level=1)
    blocks.append(SignatureLine(SUPERVISOR_SIGNATURE))
    return _scrubbed(_report(f"Course summary — {ctx.who}", subtitle, options, blocks),
                     [snap.client], [snap.course.prescriber], options)


def packet_report(snaps: Sequence[CourseSnapshot], options: ExportOptions, *,
                  clinician: str = "") -> Report:
    """Several clients' course summaries in one PDF; the contents page lists the clients."""
    parts: list[list[Block]] = []
    for snap in snaps:
        ctx = context_for(snap.client, options)
        head: list[Block] = [
            Heading(f"{ctx.who} — {protocol_label(snap.course.protocol)}", 1),
            Paragraph(f"{course_label(snap.course)} · {snap.course.status.label}", "muted"),
        ]
        parts.append(head + course_blocks(snap, ctx, level=2)
                     + [SignatureLine(SUPERVISOR_SIGNATURE)])
    count = f"{len(snaps)} client" + ("" if len(snaps) == 1 else "s")
    subtitle = count + (f" · clinician {clinician}" if clinician else "")
    lead = packet_overview(snaps, options)
    body = concat(parts) if parts else (Paragraph("No clients chosen.", "muted"),)
    report = _report(f"Supervision packet — {fmt_date(options.export_date)}", subtitle, options,
                     (*lead, *body), contents=True, lead=len(lead))
    return _scrubbed(report, [s.client for s in snaps], [s.course.prescriber for s in snaps],
                     options)


def packet_overview(snaps: Sequence[CourseSnapshot], options: ExportOptions) -> list[Block]:
    """The cross-client table that opens a packet, before its contents page: one row per
    client (code when de-identified), de-identified with the rest of the report."""
    if not snaps:
        return []
    rows = [course_row(s, context_for(s.client, options).who) for s in snaps]
    return [Heading("Clients at a glance", 2, bookmark=False),
            Table(PACKET_COLUMNS, rows, widths=PACKET_WIDTHS)]


def _scrubbed(report: Report, clients: Sequence[Client], clinicians: Sequence[str],
              options: ExportOptions) -> Report:
    """A de-identified report redacted everywhere, with the list of places for review."""
    if not options.deidentified:
        return report
    scrubbed, places = scrub_report(report, Redactor(clients, clinicians=clinicians))
    return dataclasses.replace(scrubbed, redactions=places)


