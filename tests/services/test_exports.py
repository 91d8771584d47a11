"""PDF exports from a real vault, read back with pypdf: text in order, nothing identifying in
a de-identified file (text or metadata), passwords, long courses, audit entries, safe files."""

from __future__ import annotations

import io
import re
import stat
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).parents[1] / "export"))

from export_fixtures import (
    CLINICIAN,
    PRIVATE_MARKER,
    RichCourse,
    build_long_course,
    identifying_values,
    open_world,
)

from kapnotes import __version__
from kapnotes.services import exports
from kapnotes.services.settings_service import SettingsService
from kapnotes.storage import audit

PASSWORD = "7KQM-X4PT-9HRW-C3ND-UE2A"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, RichCourse]]:
    services, rich = open_world(tmp_path_factory.mktemp("exports"))
    SettingsService(services.vault).set_practice_name("Harbour Lane Therapy")  # as Settings does
    yield services, rich
    services.vault.close()


@pytest.fixture
def svc(world: tuple[object, RichCourse]) -> object:
    return world[0]


@pytest.fixture
def rich(world: tuple[object, RichCourse]) -> RichCourse:
    return world[1]


def read(path: Path, password: str | None = None) -> tuple[list[str], dict[str, str]]:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    if password is not None:
        reader.decrypt(password)
    meta = {k: str(v) for k, v in (reader.metadata or {}).items()}
    return [p.extract_text() for p in reader.pages], meta


def in_order(text: str, *parts: str) -> None:
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"{part!r} missing or out of order"
        at = found + len(part)


def export(svc: object, job: exports.ExportJob, folder: Path, name: str | None = None,
           **kw: object) -> Path:
    return exports.export_pdf(svc, job, folder / (name or job.suggested_name), **kw)


def test_session_note_of_a_dosing_session(svc: object, rich: RichCourse, tmp_path: Path) -> None:
    job = exports.build_session_report(svc, rich.draft_dosing,
                                       exports.options_for(svc, deidentified=False))
    path = export(svc, job, tmp_path)
    pages, meta = read(path)
    text = "\n".join(pages)
    in_order(text, "Session note — Mira Solenne Hartwell (KAP-001)",
             "Private process notes are not included", "Dosing session 7 · 20 Nov 2026",
             "DRAFT — not signed", "Before dosing", "Arrived calm.", "Monitoring record",
             "Intramuscular (IM)", "0.5 mg/kg", "Vitals", "Pre-dose", "150/95",
             "consider delaying", "SpO2 90% is below 92%", "Sedation and dissociation",
             "Drowsy & calm <settled>", "Adverse effects", "Nausea", "Settled with ginger tea",
             "Supervisor signature and date")
    assert "Harbour Lane Therapy" in pages[0]
    assert re.search(r"Page 1 of \d", pages[0])
    assert meta["/Title"] == "Session note — Mira Solenne Hartwell (KAP-001)"
    assert meta["/Author"] == "Harbour Lane Therapy"
    assert job.suggested_name == "KAP-001 dosing session 2026-11-20 note.pdf"
    assert exports.suggested_name_for(svc, "session", session_id=rich.draft_dosing) \
        == job.suggested_name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_signed_session_names_signer_and_addendum(svc: object, rich: RichCourse,
                                                  tmp_path: Path) -> None:
    job = exports.build_session_report(svc, rich.signed_dosing, exports.options_for(svc))
    text = "\n".join(read(export(svc, job, tmp_path))[0])
    in_order(text, "Signed by Dr Demo Clinician on", "Monitoring record", "Addenda",
             "Addendum by Dr Demo Clinician", "pharmacy register")
    assert "DRAFT" not in text


def test_course_summary_sections_and_notes_in_order(svc: object, rich: RichCourse,
                                                    tmp_path: Path) -> None:
    options = exports.options_for(svc, deidentified=False, include_audit=True)
    job = exports.build_course_report(svc, int(rich.client.id or 0), options)
    pages, _ = read(export(svc, job, tmp_path))
    text = "\n".join(pages)
    # The one-page overview, then the details with the planned schedule after the vitals.
    in_order(text, "Course summary", "Overview", "Doses given", "Client", "Mira Solenne Hartwell",
             "Screening and risk",
             "Bipolar affective disorder", "Self-harm thoughts (PHQ-9 item 9)",
             "Intentions across sessions", "Meet my sadness with curiosity", "Themes",
             "self-compassion", "Outcomes", "PHQ-9 over the course", "Response ≤ 10",
             "Remission < 5", "Vitals and adverse events", "SpO2 90% is below 92%",
             "Adverse effect: Nausea", "Protocol and schedule",
             "Esketamine nasal spray (Spravato)", "Missed", "Audit log for this course",
             "Note signed",
             "Session notes", "Preparation session 1", "Dosing session 1",
             "Integration session 1")
    total = len(pages)
    for number, page in enumerate(pages, 1):
        assert f"Page {number} of {total}" in page


def test_user_text_renders_literally(svc: object, rich: RichCourse, tmp_path: Path) -> None:
    job = exports.build_session_report(svc, rich.draft_integration,
                                       exports.options_for(svc, deidentified=False))
    text = "\n".join(read(export(svc, job, tmp_path))[0])
    assert 'Said <b>not bold</b> & "AT&T" 😀' in text
    assert re.search(r'😀\s*\n\s*second line', text)


@pytest.mark.parametrize("kind", ["session", "course", "packet"])
def test_deidentified_exports_leak_nothing(svc: object, rich: RichCourse, tmp_path: Path,
                                           kind: str) -> None:
    options = exports.options_for(svc, deidentified=True, include_audit=True)
    cid = int(rich.client.id or 0)
    if kind == "session":
        job = exports.build_session_report(svc, rich.draft_integration, options)
    elif kind == "course":
        job = exports.build_course_report(svc, cid, options)
    else:
        job = exports.build_packet_report(svc, [cid, *rich.other_client_ids[:2]], options)
    path = export(svc, job, tmp_path)
    pages, meta = read(path)
    haystack = ("\n".join(pages) + "\n" + "\n".join(meta.values()) + "\n"
                + job.suggested_name).casefold()
    clients = [svc.clients.get(c) for c in [cid, *rich.other_client_ids[:2]]]
    for client in clients[: 1 if kind != "packet" else 3]:
        for value in identifying_values(client):
            assert value.casefold() not in haystack, (kind, value)
    assert rich.client.code in haystack.upper()
    assert "De-identified" in pages[-1]
    assert "may contain identifying details" in "\n".join(pages)
    # the raw bytes too (metadata, outline, anything the text extractor skips)
    raw = path.read_bytes()
    for value in (rich.client.full_name, rich.client.email, rich.client.phone):
        assert value.encode("utf-8") not in raw and value.encode("utf-16-be") not in raw
    entry = audit.entries(svc.vault)[-1]
    assert entry.event == "export.pdf" and entry.record_type == kind
    assert "deidentified=yes" in entry.detail and f"file={path.name}" in entry.detail
    for value in identifying_values(rich.client):
        assert value.casefold() not in entry.detail.casefold()


def test_private_notes_only_when_included(svc: object, rich: RichCourse,
                                          tmp_path: Path) -> None:
    plain = exports.build_session_report(svc, rich.draft_integration, exports.options_for(svc))
    text = "\n".join(read(export(svc, plain, tmp_path, "a.pdf"))[0])
    assert PRIVATE_MARKER not in text and "Private process notes are not included" in text
    shown = exports.build_session_report(svc, rich.draft_integration,
                                         exports.options_for(svc, include_private=True))
    text = "\n".join(read(export(svc, shown, tmp_path, "b.pdf"))[0])
    assert PRIVATE_MARKER in text and "Private process notes are included" in text


def test_password_protected_export_needs_the_password(svc: object, rich: RichCourse,
                                                      tmp_path: Path) -> None:
    job = exports.build_session_report(svc, rich.signed_dosing,
                                       exports.options_for(svc, deidentified=False))
    path = export(svc, job, tmp_path, password=PASSWORD)
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    assert reader.is_encrypted
    enc = reader.trailer["/Encrypt"].get_object()
    assert (enc["/V"], enc["/R"]) == (5, 6)
    assert reader.decrypt("wrong password 1") == 0
    assert rich.client.full_name.encode() not in path.read_bytes()  # metadata encrypted too
    pages, meta = read(path, PASSWORD)
    assert "Signed by" in "\n".join(pages) and "Hartwell" in meta["/Title"]


def test_packet_has_a_contents_page_listing_clients(svc: object, rich: RichCourse,
                                                    tmp_path: Path) -> None:
    ids = [int(rich.client.id or 0), *rich.other_client_ids[:2]]
    seen: list[float] = []
    job = exports.build_packet_report(svc, ids, exports.options_for(svc), clinician=CLINICIAN,
                                      progress=seen.append)
    assert seen == pytest.approx([1 / 3, 2 / 3, 1])
    rendered: list[float] = []
    path = export(svc, job, tmp_path, progress=rendered.append)
    assert rendered == sorted(rendered) and rendered[-1] == 1.0
    # Only the pages looked at are read back: the contents and each client's first two.
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    contents = reader.pages[0].extract_text()
    codes = [svc.clients.get(i).code for i in ids]
    in_order(contents, "Supervision packet", "Contents", *codes)
    for code in codes:
        # pypdf extracts each contents line as "… . . page" then the entry's text.
        listed = re.search(rf"(\d+)\s*\n{code} — ", contents)
        assert listed, code
        # Each client's part opens with its one-page overview; the details follow.
        start = int(listed.group(1)) - 1
        overview = reader.pages[start].extract_text()
        assert f"{code} — " in overview and "Overview" in overview
        assert f"Client code\n{code}" in reader.pages[start + 1].extract_text()


def test_audit_withholds_a_typed_file_name_holding_a_client_name(
        svc: object, rich: RichCourse, tmp_path: Path) -> None:
    job = exports.build_session_report(svc, rich.signed_dosing,
                                       exports.options_for(svc, deidentified=False))
    export(svc, job, tmp_path, "Mira Hartwell dose.pdf")
    entry = audit.entries(svc.vault)[-1]
    assert entry.detail == f"kind=session; deidentified=no; file={exports.WITHHELD}"
    assert entry.record_id == str(rich.signed_dosing)


def test_cancel_or_failure_leaves_no_file(svc: object, rich: RichCourse, tmp_path: Path) -> None:
    job = exports.build_course_report(svc, int(rich.client.id or 0), exports.options_for(svc))
    before = len(audit.entries(svc.vault))
    calls: list[float] = []
    with pytest.raises(exports.ExportCancelled):
        export(svc, job, tmp_path, progress=calls.append, cancelled=lambda: bool(calls))
    assert calls and list(tmp_path.iterdir()) == []
    with pytest.raises(exports.ExportCancelled):  # cancelled while writing: temp removed
        exports.render_to_file(job, tmp_path / "x.pdf", cancelled=_after_rendering())
    assert list(tmp_path.iterdir()) == []
    assert len(audit.entries(svc.vault)) == before  # nothing exported, nothing recorded


def _after_rendering() -> object:
    """Cancelled once asked from inside `write_output` (a walk up the calling frames; not
    inspect.stack(), which reads every frame's source lines on each of the many asks)."""
    import sys

    def cancelled() -> bool:
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_name == "write_output":
                return True
            frame = frame.f_back
        return False
    return cancelled


def test_a_60_session_course(services: object, tmp_path: Path) -> None:
    client_id, course_id = build_long_course(services, sessions=60)
    options = exports.options_for(services, deidentified=True, include_audit=True)
    job = exports.build_course_report(services, client_id, options, course_id=course_id)
    started = time.perf_counter()
    path = export(services, job, tmp_path)
    seconds = time.perf_counter() - started
    pages, _ = read(path)
    total = len(pages)
    assert total >= 60
    for number, page in enumerate(pages, 1):
        assert len(re.findall(r"Page \d+ of \d+", page)) == 1
        assert f"Page {number} of {total}" in page
    # Tables that span pages repeat their header row on each page they cover.
    spans = {}
    for header, start, end in (
            ("# Planned Kind Phase", "Planned sessions", "Audit log for this course"),
            ("Dose Date Dose (mg) Highest BP", "Vitals and adverse events", "No vitals alerts"),
            ("When (UTC) Event Record", "Audit log for this course", "Session notes")):
        first = next(i for i, p in enumerate(pages) if start in p)
        last = next(i for i, p in enumerate(pages) if end in p and i >= first)
        if _body(pages[last]).startswith(end):
            last -= 1  # the table ended on the page before
        spans[start] = last - first + 1
        for i in range(first, last + 1):
            assert header in _squash(pages[i]), (header, i + 1)
    assert spans["Planned sessions"] >= 2
    text = "\n".join(pages)
    assert text.count("Dosing session ") >= 20
    print(f"\n60-session course: {total} pages, {path.stat().st_size // 1024} KiB, "
          f"{seconds:.1f} s")


def _body(page: str) -> str:
    """Page text without the header, footer and DRAFT watermark (all drawn first)."""
    body = page.split(f"KAP Notes {__version__}\n", 1)[1]
    body = re.sub(r"^Audit log at export: [^\n]*\n", "", body)  # the footer's second line
    return body.removeprefix("DRAFT\n").lstrip()


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)
