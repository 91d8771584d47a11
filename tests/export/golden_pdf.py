"""Frozen reports and the text of each page they rendered to: the reference that renderer
speed work (cheaper table cells, streamed pages) is checked against.

The reports are stored as data (`data/golden-reports.json`), not rebuilt from the demo vault,
so a change to what a summary *says* does not move the reference; only a change to how the
renderer lays out and draws does. The page texts (`data/golden-pages.json`) were written by
the renderer as it was before that work (`python tests/export/golden_pdf.py --write`, run on
the commit named in the file). Regenerate them only for an intended change of layout.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from kapnotes.export import report as r

DATA = Path(__file__).resolve().parent / "data"
REPORTS = DATA / "golden-reports.json"
PAGES = DATA / "golden-pages.json"
_BLOCKS = {cls.__name__: cls for cls in (
    r.Heading, r.Paragraph, r.KeyValues, r.Table, r.LineChart, r.Banner, r.DraftMark,
    r.SignatureLine, r.PageBreak, r.Series, r.ReferenceLine, r.Marker)}


def encode(value: Any) -> Any:
    """Report dataclasses → JSON values (dates and bytes tagged, sets sorted)."""
    if dataclasses.is_dataclass(value):
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"$type": type(value).__name__, **fields}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, frozenset):
        return {"$set": [encode(v) for v in sorted(value)]}
    if isinstance(value, tuple | list):
        return [encode(v) for v in value]
    return value


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(decode(v) for v in value)
    if not isinstance(value, dict):
        return value
    if "$date" in value:
        return dt.date.fromisoformat(value["$date"])
    if "$bytes" in value:
        return base64.b64decode(value["$bytes"])
    if "$set" in value:
        return frozenset(decode(v) for v in value["$set"])
    kind = value["$type"]
    fields = {k: decode(v) for k, v in value.items() if k != "$type"}
    return r.Report(**fields) if kind == "Report" else _BLOCKS[kind](**fields)


def load_reports() -> dict[str, r.Report]:
    return {name: decode(data) for name, data in
            json.loads(REPORTS.read_text(encoding="utf-8")).items()}


def load_pages() -> dict[str, list[str]]:
    return json.loads(PAGES.read_text(encoding="utf-8"))["pages"]


def _build_reports(folder: Path) -> dict[str, r.Report]:
    """The demo course (every kind of block), a 60-session course (long tables across
    pages) and the demo course as a de-identified packet (a contents page: two layout
    passes), from the test fixtures."""
    from export_fixtures import build_long_course, open_world

    from kapnotes.export.snapshot import ExportOptions
    from kapnotes.export.summary import course_report, packet_report
    from kapnotes.services.export_gather import course_snapshot

    services, rich = open_world(folder)
    try:
        options = ExportOptions(deidentified=False, include_audit=True, app_version="9.8.7",
                                practice_name="Harbour Lane Therapy",
                                export_date=dt.date(2026, 11, 20),
                                audit_head="1,204 entries, head 3f2a9c1b77d0")
        _client, long_course = build_long_course(services, sessions=60)
        snaps = [course_snapshot(services, rich.course_id),
                 course_snapshot(services, long_course)]
        return {
            "demo_course": course_report(course_snapshot(services, rich.course_id,
                                                         include_audit=True), options),
            "long_course": course_report(snaps[1], options),
            "packet": packet_report(snaps[:1], dataclasses.replace(options, deidentified=True),
                                    clinician="Dr Demo Clinician"),
        }
    finally:
        services.vault.close()


def write(folder: Path) -> None:
    from helpers.pdf_text import page_texts

    from kapnotes.export.pdf import render_pdf

    reports = _build_reports(folder)
    DATA.mkdir(exist_ok=True)
    REPORTS.write_text(json.dumps({k: encode(v) for k, v in reports.items()},
                                  ensure_ascii=False, separators=(",", ":")) + "\n",
                       encoding="utf-8")
    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                            cwd=DATA, check=True).stdout.strip()
    # Rendered from the stored JSON, exactly as the test will.
    pages = {name: page_texts(render_pdf(rep)) for name, rep in load_reports().items()}
    PAGES.write_text(json.dumps({"rendered_at_commit": commit, "pages": pages}, indent=1,
                                ensure_ascii=False) + "\n", encoding="utf-8")
    for name, texts in pages.items():
        print(f"{name}: {len(texts)} pages")


if __name__ == "__main__":
    import tempfile

    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/export/golden_pdf.py --write")
    here = Path(__file__).resolve().parent
    sys.path[:0] = [str(here), str(here.parent), str(here.parent.parent)]
    with tempfile.TemporaryDirectory() as tmp:
        write(Path(tmp))
