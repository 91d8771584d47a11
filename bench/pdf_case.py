"""The course-summary PDF the benchmark times, and its floor: a bare reportlab document.

Uses the app's export service (`kapnotes.services.exports`) when it is there: build the
report from the vault, render, write the file and audit it, as File → Export does. Before
that service existed, an equivalent report is assembled from `kapnotes.export.report` blocks
and rendered with `render_pdf`, so the measurement works either way (`via` says which).
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import time
from pathlib import Path
from typing import Any


def course_pdf(services: Any, client_id: int, course_id: int,
               out_dir: Path) -> tuple[bytes, str, float | None]:
    """(the PDF, how it was made, seconds of the second stage: render, write, fsync and
    audit, with the report already built; None when the stages cannot be told apart)."""
    try:
        exports = importlib.import_module("kapnotes.services.exports")
        build, write = exports.build_course_report, exports.export_pdf
    except (ImportError, AttributeError):
        return (_assembled(services, client_id, course_id), "assembled report + render_pdf",
                None)
    job = build(services, client_id, exports.options_for(services), course_id=course_id)
    path = out_dir / "bench-course-summary.pdf"
    try:
        started = time.perf_counter()
        write(services, job, path)
        rendered = time.perf_counter() - started
        return (path.read_bytes(), "services.exports.build_course_report + export_pdf",
                rendered)
    finally:
        path.unlink(missing_ok=True)


def _assembled(services: Any, client_id: int, course_id: int) -> bytes:
    from kapnotes.domain.templates import render_rows
    from kapnotes.export import report as r
    from kapnotes.export.pdf import render_pdf

    client = services.clients.get(client_id)
    blocks: list[Any] = [r.Heading(f"Course summary — {client.code}"),
                         r.KeyValues((("Client", client.full_name),
                                      ("Diagnosis", client.diagnosis)))]
    measures = services.measures.for_client(client_id)
    if measures:
        blocks.append(r.LineChart("PHQ-9", "Date", "Total", (r.Series(
            "PHQ-9", tuple((m.taken_on, float(m.total or 0)) for m in measures)),)))
    for s in services.notes.sessions_for_course(course_id):
        note = services.notes.note(int(s.id or 0))
        rows = render_rows(services.notes.template_for(s), note.values)
        blocks.append(r.Heading(f"{s.kind.value.title()} — {s.starts_at:%Y-%m-%d}", level=2))
        blocks.append(r.KeyValues(tuple((row.label, row.text) for row in rows
                                        if not row.heading and row.text)))
        if s.kind.value == "dosing":
            vitals = services.vault.query(
                "SELECT taken_at, role, systolic, diastolic, heart_rate, spo2"
                " FROM vitals_readings WHERE session_id = ? ORDER BY taken_at", (s.id,))
            blocks.append(r.Table(("Time", "Role", "BP", "HR", "SpO2"), tuple(
                (v[0][11:16], v[1], f"{v[2]}/{v[3]}", str(v[4]), str(v[5])) for v in vitals)))
    report = r.Report(title="Course summary", practice_name="Bench practice",
                      app_version="bench", export_date=dt.date.today(), sections=tuple(blocks))
    return render_pdf(report)


def page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def floor_pdf(pages: int) -> bytes:
    """A minimal reportlab document with the same number of pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4)
    for n in range(pages):
        canvas.drawString(72, 760, f"Page {n + 1}")
        canvas.showPage()
    canvas.save()
    return buf.getvalue()
