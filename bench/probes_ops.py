"""The in-process measurements, each beside its floor measured in the same process."""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.probe import probe


def _services(args: argparse.Namespace) -> Any:
    from kapnotes.services.container import build_services
    from kapnotes.storage.lifecycle import unlock_vault

    vault = unlock_vault(Path(args.vault), passphrase=args.passphrase)
    return build_services(vault)


@contextlib.contextmanager
def _vault_copy(args: argparse.Namespace) -> Iterator[argparse.Namespace]:
    """`args` with `vault` a byte copy of the cached vault (its key file and any write-ahead
    log too) in a folder beside it, removed afterwards: a probe whose timed work writes (the
    PDF export's audit entry) leaves the cached vault as it found it. Untimed; the copy is
    fsynced, so no write-back of it falls into the timed commits."""
    source = Path(args.vault)
    work = Path(tempfile.mkdtemp(prefix="bench-copy-", dir=source.parent))
    try:
        for suffix in ("", ".keys", "-wal"):
            part = source.with_name(source.name + suffix)
            if part.exists():
                shutil.copyfile(part, work / part.name)
                with open(work / part.name, "rb") as copied:
                    os.fsync(copied.fileno())
        yield argparse.Namespace(**{**vars(args), "vault": str(work / source.name)})
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _window(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    """The app's window and workspace over the vault, shown and idle (as after start-up)."""
    from bench.qt_util import idle
    from kapnotes.app import application
    from kapnotes.storage.lifecycle import unlock_vault
    from kapnotes.ui.main_window import MainWindow
    from kapnotes.ui.prompter import MessageBoxPrompter
    from kapnotes.ui.settings import ui_settings
    from kapnotes.window_run import start_workspace

    app = application()
    vault = unlock_vault(Path(args.vault), passphrase=args.passphrase)
    window = MainWindow(vault, settings=ui_settings())
    workspace = start_workspace(window, MessageBoxPrompter())
    window.show()
    # As run_window does (an older checkout, measured for comparison, has no such step).
    getattr(workspace, "prepare_first_open_soon", lambda: None)()
    idle()
    return app, window, workspace


# A therapist's first click comes a moment after the window shows; the first-open probes wait
# as long (app and floor alike), so what the window prepares while idle is counted as done.
USER_PAUSE_S = 0.6


def _user_pause() -> None:
    from PySide6.QtWidgets import QApplication

    from bench.qt_util import idle

    end = time.monotonic() + USER_PAUSE_S
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.005)
    idle()


def _ms(seconds: float) -> float:
    return seconds * 1000.0


# -- open a client -------------------------------------------------------------------------
def _raw_client_rows(conn: Any, client_id: int, course_id: int) -> int:
    """The rows the client page shows, fetched with bare SQL: the floor for opening it."""
    n = 0
    for sql, params in (
        ("SELECT * FROM clients WHERE id = ?", (client_id,)),
        ("SELECT * FROM courses WHERE client_id = ?", (client_id,)),
        ("SELECT * FROM planned_slots WHERE course_id = ?", (course_id,)),
        ("SELECT * FROM sessions WHERE course_id = ?", (course_id,)),
        ("SELECT * FROM intentions WHERE course_id = ?", (course_id,)),
        ("SELECT r.* FROM intention_reviews r JOIN sessions s ON s.id = r.session_id"
         " WHERE s.course_id = ?", (course_id,)),
        ("SELECT m.* FROM theme_mentions m JOIN sessions s ON s.id = m.session_id"
         " WHERE s.course_id = ?", (course_id,)),
        ("SELECT * FROM measures WHERE client_id = ?", (client_id,)),
        ("SELECT v.* FROM vitals_readings v JOIN sessions s ON s.id = v.session_id"
         " WHERE s.course_id = ?", (course_id,)),
    ):
        n += len(conn.execute(sql, params).fetchall())
    return n


@probe("open_client")
def open_client(args: argparse.Namespace) -> dict[str, Any]:
    from bench.qt_util import idle

    _app, window, workspace = _window(args)
    facts = args.facts
    big, course = int(facts["big_client_id"]), int(facts["big_course_id"])
    other = int(facts["busiest_clients"][-1])
    times, floors = [], []
    for _ in range(args.repeat):
        workspace.open_client(other)
        idle()
        t0 = time.perf_counter()
        workspace.open_client(big)
        idle()
        times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        rows = _raw_client_rows(window.vault.conn, big, course)
        floors.append(time.perf_counter() - t0)
    shown = workspace.client_view.timeline_view.model().rowCount()
    return {"times_ms": [_ms(t) for t in times], "floors_ms": [_ms(t) for t in floors],
            "detail": {"timeline_rows": shown, "raw_rows": rows}}


@probe("open_client_first")
def open_client_first(args: argparse.Namespace) -> dict[str, Any]:
    """The first client opened after start-up (it also builds the client page, and its rows
    are read from the file for the first time): one sample per process."""
    from bench.qt_util import idle

    _app, _win, workspace = _window(args)
    _user_pause()
    t0 = time.perf_counter()
    workspace.open_client(int(args.facts["big_client_id"]))
    idle()
    return {"time_ms": _ms(time.perf_counter() - t0)}


@probe("open_client_first_floor")
def open_client_first_floor(args: argparse.Namespace) -> dict[str, Any]:
    """Its floor: the same window started, then the page's rows fetched cold with bare SQL."""
    _app, window, _workspace = _window(args)
    _user_pause()
    t0 = time.perf_counter()
    _raw_client_rows(window.vault.conn, int(args.facts["big_client_id"]),
                     int(args.facts["big_course_id"]))
    return {"time_ms": _ms(time.perf_counter() - t0)}


@probe("rss")
def rss(args: argparse.Namespace) -> dict[str, Any]:
    from bench.qt_util import idle, memory_mb

    _app, _win, workspace = _window(args)
    before = memory_mb()
    clients = [int(c) for c in args.facts["busiest_clients"]][:20]
    for client_id in clients:
        workspace.open_client(client_id)
        idle()
    return {"memory_mb": memory_mb(), "before_mb": before, "clients": len(clients)}


# -- search --------------------------------------------------------------------------------
def _queries(kind: str) -> list[str]:
    from bench.phrases import SEARCH_PHRASES, SEARCH_WORDS

    return list(SEARCH_WORDS) if kind == "word" else [f'"{p}"' for p in SEARCH_PHRASES]


@probe("search")
def search(args: argparse.Namespace) -> dict[str, Any]:
    from kapnotes.storage.search import fts_query

    services = _services(args)
    conn = services.vault.conn
    out: dict[str, Any] = {}
    for kind in ("word", "phrase"):
        times, floors, hits = [], [], []
        for _ in range(args.repeat):
            for q in _queries(kind):
                t0 = time.perf_counter()
                found = services.notes.search(q)
                times.append(time.perf_counter() - t0)
                hits.append(len(found))
                t0 = time.perf_counter()
                conn.execute("SELECT rowid FROM search_index WHERE search_index MATCH ?"
                             " LIMIT 200", (fts_query(q),)).fetchall()
                floors.append(time.perf_counter() - t0)
        out[kind] = {"times_ms": [_ms(t) for t in times], "floors_ms": [_ms(t) for t in floors],
                     "detail": {"queries": len(_queries(kind)),
                                "median_hits": statistics.median(hits)}}
    out["painted"] = _search_painted(services, args.repeat)
    return out


# What a therapist types on the way to a word: its one-, two- and three-letter starts too.
_TYPED_PREFIXES = ("a", "s", "th", "ca", "wal", "bre", "gri", "sle")


def _search_painted(services: Any, repeat: int) -> dict[str, Any]:
    """Keystroke → results painted in the real search dialog (the debounce pause aside: the
    query runs as its timer fires), beside a floor that runs the bare MATCH and paints the
    same number of plain rows in a bare QTreeWidget of the same size."""
    from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

    from bench.qt_util import idle
    from kapnotes.app import application
    from kapnotes.storage.search import fts_query
    from kapnotes.ui.dialogs.search_dialog import SearchDialog

    application()
    dialog = SearchDialog(services)
    dialog.show()
    bare = QTreeWidget()
    bare.resize(dialog.results.size())
    bare.show()
    idle()
    queries = [*_queries("word")[:20], *_TYPED_PREFIXES]
    times, floors, shown = [], [], []
    for _ in range(repeat):
        for q in queries:
            idle()
            t0 = time.perf_counter()
            dialog.query_edit.setText(q)  # the keystroke's edit …
            dialog.search_now()  # … and the debounce timer firing
            dialog.repaint()  # painted now, not at the next frame
            times.append(time.perf_counter() - t0)
            shown.append(dialog.results_shown)
            t0 = time.perf_counter()
            rows = services.vault.conn.execute(
                "SELECT snippet(search_index, 0, '', '', '…', 12) FROM search_index"
                " WHERE search_index MATCH ? ORDER BY rowid DESC LIMIT ?",
                (fts_query(q), max(dialog.results_shown, 1))).fetchall()
            bare.clear()
            bare.addTopLevelItems([QTreeWidgetItem(["", r[0]]) for r in rows])
            bare.repaint()
            floors.append(time.perf_counter() - t0)
    return {"times_ms": [_ms(t) for t in times], "floors_ms": [_ms(t) for t in floors],
            "detail": {"queries": len(queries), "prefixes": list(_TYPED_PREFIXES),
                       "median_rows_painted_first": statistics.median(shown)}}


# -- autosave ------------------------------------------------------------------------------
def _commit_floor(folder: Path, repeat: int) -> list[float]:
    """One-row commits to a bare SQLCipher file beside the vault, same durability settings."""
    from kapnotes.storage.vault import connect_keyed

    path = folder / f"floor-commit-{os.getpid()}.db"
    conn = connect_keyed(path, secrets.token_bytes(32))
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
        times = []
        for i in range(repeat):
            t0 = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT OR REPLACE INTO t (id, v) VALUES (1, ?)", (f"edit {i}",))
            conn.execute("COMMIT")
            times.append(time.perf_counter() - t0)
        return times
    finally:
        conn.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


@probe("autosave")
def autosave(args: argparse.Namespace) -> dict[str, Any]:
    from kapnotes.domain.templates import FieldType

    services = _services(args)
    session_id = int(args.facts["draft_session_id"])
    session = services.notes.session(session_id)
    template = services.notes.template_for(session)
    field = next(f for f in template.fields if f.type is FieldType.LONG_TEXT)
    base = str(services.notes.note(session_id).values.get(field.id, ""))
    n = max(args.repeat * 4, 20)
    times = []
    for i in range(n):
        text = f"{base} Edit {i}: settled, breathing slow." if i % 2 else base
        t0 = time.perf_counter()
        services.notes.save_fields(session_id, {field.id: text})
        times.append(time.perf_counter() - t0)
    services.notes.save_fields(session_id, {field.id: base})
    floors = _commit_floor(Path(args.vault).parent, n)
    return {"times_ms": [_ms(t) for t in times], "floors_ms": [_ms(t) for t in floors],
            "detail": {"session_id": session_id, "field": field.id}}


# -- course-summary PDF --------------------------------------------------------------------
@probe("pdf")
def pdf(args: argparse.Namespace) -> dict[str, Any]:
    """The in-app course PDF beside its floor, both whole (vault read → file) and by stage.

    Ours: `build_course_report` (the course read through the services, assembled,
    de-identified) then `export_pdf` (render, write, fsync, audit), the second stage timed
    apart. The floor: the same course's rows read with one plain SELECT per table and their
    texts through the same redactor (bench/pdf_floor_read.py), then the same text in the same
    font on the same pages, written and fsynced (`same_content_pdf`), that stage timed apart.
    Whole: ours ÷ floor; render: our second stage ÷ the floor's drawing. Both run on a copy
    of the cached vault made once per run (`_vault_copy`): the export audits, as in the app.
    Both are timed warm, after one untimed pair (its times are in the detail)."""
    with _vault_copy(args) as copy:
        return _pdf(copy)


def _pdf(args: argparse.Namespace) -> dict[str, Any]:
    from bench.pdf_case import course_pdf, floor_pdf
    from bench.pdf_floor_read import deidentify, read_course
    from bench.probes_pdf import page_lines, same_content_pdf

    services = _services(args)
    conn = services.vault.conn
    client_id, course_id = int(args.facts["pdf_client_id"]), int(args.facts["pdf_course_id"])
    out_dir = Path(args.vault).parent
    floor_out = out_dir / f"floor-{os.getpid()}.pdf"
    times, renders, floors, draws, bare = [], [], [], [], []
    cpu: list[float] = []  # CPU seconds, ours then the floor's, whole: on a loaded machine
    floor_cpu: list[float] = []  # wall time is mostly waiting for a core, CPU is not
    pages, how = 0, ""

    def pair() -> tuple[float, float]:
        """One export of ours, then the floor on the pages it made: (ours, floor) wall s."""
        nonlocal pages, how
        t0, c0 = time.perf_counter(), time.process_time()
        data, how, rendered = course_pdf(services, client_id, course_id, out_dir)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        renders.append(rendered)
        lines = page_lines(data)  # untimed: what the floor draws
        pages = len(lines)
        t0, c0 = time.perf_counter(), time.process_time()
        deidentify(read_course(conn, client_id, course_id))
        t1 = time.perf_counter()
        same_content_pdf(lines, floor_out)
        t2 = time.perf_counter()
        floor_cpu.append(time.process_time() - c0)
        floors.append(t2 - t0)
        draws.append(t2 - t1)
        return times[-1], floors[-1]

    # One pair untimed first: our first export imports reportlab and registers the fonts,
    # which the floor, run after it in this process, would never pay. Both sides are
    # compared warm here; a cold start against a cold floor is the `pdf_cli` row's (a fresh
    # process each).
    first, first_floor = pair()
    for samples in (times, cpu, renders, floors, floor_cpu, draws):
        samples.clear()
    for _ in range(args.repeat):
        pair()
        t0 = time.perf_counter()
        floor_pdf(pages)
        bare.append(time.perf_counter() - t0)
    floor_out.unlink(missing_ok=True)
    services.vault.close()  # before its copy is removed
    render_ms = (round(statistics.median(renders) * 1000, 2)  # type: ignore[type-var]
                 if None not in renders else None)
    draw_ms = round(statistics.median(draws) * 1000, 2)
    return {"times_ms": [_ms(t) for t in times], "floors_ms": [_ms(t) for t in floors],
            "detail": {"pages": pages, "via": how,
                       "sessions": int(args.facts["pdf_course_sessions"]),
                       "floor_is": "the course's rows read with one plain SELECT per table, "
                                   "their texts through the same redactor, then the same "
                                   "text, same font (DejaVu Sans), same pages, drawString per "
                                   "line, written and fsynced",
                       # The second stages alone: ours renders, writes and audits a report
                       # already built; the floor draws and writes lines already read.
                       "cpu_ms": round(statistics.median(cpu) * 1000, 2),
                       "floor_cpu_ms": round(statistics.median(floor_cpu) * 1000, 2),
                       "render_ms": render_ms,
                       "render_samples_ms": [_ms(t) for t in renders if t is not None],
                       "floor_draw_ms": draw_ms,
                       "floor_draw_samples_ms": [_ms(t) for t in draws],
                       "render_ratio": round(render_ms / draw_ms, 2) if render_ms else None,
                       "bare_pages_floor_ms": round(statistics.median(bare) * 1000, 2),
                       "first_export_ms": round(_ms(first), 1),
                       "first_floor_ms": round(_ms(first_floor), 1)}}
