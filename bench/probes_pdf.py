"""PDF and memory probes: the course PDF beside a same-content floor, the real `kapnotes pdf`
command's floor process, and peak memory exporting from the window and while the window's
background integrity check runs."""

from __future__ import annotations

import argparse
import dataclasses
import io
import os
import time
from pathlib import Path
from typing import Any

from bench.probe import probe


def page_lines(data: bytes) -> list[list[str]]:
    """Each page's text lines, as a reader extracts them (the floor draws exactly these)."""
    from pypdf import PdfReader

    return [page.extract_text().splitlines() for page in PdfReader(io.BytesIO(data)).pages]


def same_content_pdf(pages: list[list[str]], out: Path) -> int:
    """The floor: the same text in the same font (DejaVu Sans 8.5 pt), line by line with
    `drawString`, on the same number of pages; written and fsynced like the export."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from kapnotes.export import fonts

    fonts.register_fonts()
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4)
    for lines in pages:
        canvas.setFont(fonts.REGULAR, 8.5)
        y = 800.0
        for line in lines:
            canvas.drawString(51, y, line)
            y -= 11
        canvas.showPage()
    canvas.save()
    with out.open("wb") as fh:
        fh.write(buf.getvalue())
        fh.flush()
        os.fsync(fh.fileno())
    return len(pages)


@probe("pdf_cli_floor")
def pdf_cli_floor(args: argparse.Namespace) -> dict[str, Any]:
    """A fresh process's least for `kapnotes pdf`: unwrap the key file (the same PBKDF2), open
    the vault with that key, read the course's rows and de-identify their texts
    (bench/pdf_floor_read.py), then the same-content PDF. Its page texts come from
    `BENCH_PDF_LINES` (a JSON file), read untimed."""
    import json

    from bench.pdf_floor_read import deidentify, read_course
    from kapnotes.storage import keyfile
    from kapnotes.storage.vault import connect_keyed

    path = Path(args.vault)
    key = keyfile.read_key_file(keyfile.key_file_for(path)).unlock(passphrase=args.passphrase)
    conn = connect_keyed(path, key)
    try:
        deidentify(read_course(conn, int(args.facts["pdf_client_id"]),
                               int(args.facts["pdf_course_id"])))
    finally:
        conn.close()
    pages = json.loads(Path(os.environ["BENCH_PDF_LINES"]).read_text(encoding="utf-8"))
    out = Path(args.vault).parent / f"floor-{os.getpid()}.pdf"
    try:
        same_content_pdf(pages, out)
    finally:
        out.unlink(missing_ok=True)
    return {"done": time.monotonic()}


@probe("pdf_rss")
def pdf_rss(args: argparse.Namespace) -> dict[str, Any]:
    """Peak memory exporting a course summary from the window (the export runner's calls:
    report built on the GUI thread, rendered and written by `render_to_file`): the
    100-session course, then its report with the sessions twice (as many pages as a
    200-session course), each from the window's own peak before."""
    from bench.probes_ops import _window
    from bench.qt_util import idle, memory_mb
    from kapnotes.services import exports

    _app, _window_shown, workspace = _window(args)
    client, course = int(args.facts["big_client_id"]), int(args.facts["big_course_id"])
    workspace.open_client(client)
    idle()
    services = workspace.services
    out_dir = Path(args.vault).parent
    before = memory_mb()["VmHWM"]
    job = exports.build_course_report(services, client, exports.options_for(services),
                                      course_id=course)
    sizes, paths = [], []
    try:
        for times in (1, 2):
            report = dataclasses.replace(job.report, sections=job.report.sections * times)
            path = out_dir / f"bench-window-{os.getpid()}-{times}.pdf"
            paths.append(path)
            exports.render_to_file(dataclasses.replace(job, report=report), path)
            sizes.append({"sessions": int(args.facts["big_course_sessions"]) * times,
                          "peak_mb": memory_mb()["VmHWM"]})
        for size, path in zip(sizes, paths, strict=True):  # counted after: pypdf's memory
            size["pages"] = _pages(path)
    finally:
        for path in paths:
            path.unlink(missing_ok=True)
    return {"before_mb": before, "exports": sizes}


def _pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


@probe("check_rss")
def check_rss(args: argparse.Namespace) -> dict[str, Any]:
    """Peak memory of the window while its background work runs: the whole-file check and
    the daily backup on a sibling connection (`BackgroundChecks`, as `run_window` starts it)."""
    from bench.probes_ops import _window
    from bench.qt_util import idle, memory_mb
    from kapnotes.ui.background_checks import BackgroundChecks
    from kapnotes.window_run import backup_retention

    app, window, workspace = _window(args)
    for client_id in [int(c) for c in args.facts["busiest_clients"]][:20]:
        workspace.open_client(client_id)  # a morning's work: the page cache is warm
        idle()
    before = memory_mb()["VmHWM"]
    checks = BackgroundChecks(window)
    found: list[Any] = []
    checks.finished.connect(found.append)
    started = time.monotonic()
    checks.start(window.vault, backup_retention(window.vault))
    while not found:
        app.processEvents()
        time.sleep(0.01)
    return {"memory_mb": memory_mb(), "before_mb": before,
            "seconds": round(time.monotonic() - started, 1),
            "problems": list(found[0].problems), "backup": found[0].backup_note}
