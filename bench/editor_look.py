"""The note editor's look and build cost: one PNG per template and state, and build timings.

    QT_QPA_PLATFORM=offscreen python -m bench.editor_look OUT_DIR [--repeat N] [--no-png]
    python -m bench.editor_look --compare BEFORE_DIR AFTER_DIR

Builds the demo vault (kapnotes/services/demo.py) on a fixed day in a temporary folder, opens
each note through the real main window's workspace (kapnotes/ui/workspace.py) for every template
in each state that styles differently (filled draft, empty draft, a field error shown and
cleared, signed, signed in the open editor, an addendum; a dosing session's monitoring tab too)
and saves the page as PNG and its Tab order as text, so a change to how the editor is built or
styled can be checked pixel for pixel (`--compare`). Timings: the medians of `--repeat` opens
after two warm-ups: opening (build, placed in the window), showing (polish, layout, paint), and
the CPU time of both.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kapnotes.services.container import Services

TODAY = date(2026, 11, 20)
SIZE = (1100, 800)
SIGNER = "Dr Demo Clinician"


def _environment(folder: Path) -> None:
    """The tests' isolation (tests/conftest.py): no real data folder, policy or locale."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["KAPNOTES_TEST_ONLY_KDF_ITERATIONS"] = "1000"
    os.environ["KAPNOTES_DATA_DIR"] = str(folder)
    os.environ["KAPNOTES_POLICY"] = str(folder / "no-practice-policy.json")
    for name in ("KAPNOTES_VAULT", "KAPNOTES_PASSPHRASE", "LC_ALL"):
        os.environ.pop(name, None)
    os.environ["LC_TIME"] = "C.UTF-8"
    os.environ["TZ"] = "UTC"
    time.tzset()


class _Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _services(folder: Path) -> Services:
    from kapnotes.services.container import build_services
    from kapnotes.services.demo import build_demo
    from kapnotes.storage import lifecycle

    vault = lifecycle.create_vault(folder / "demo.kapnotes", "lantern orchard 42 quietly").vault
    services = build_services(vault, clock=_Clock(datetime.combine(TODAY, datetime.min.time())
                                                  .replace(hour=9)),
                              practice_templates=folder / "templates")
    build_demo(services, today=TODAY)
    return services


def _sessions(s: Services) -> dict[str, int]:
    """Per kind: a signed demo note (one with an addendum), a draft with its values, and a new
    empty draft."""
    from kapnotes.domain.models import SessionKind
    from kapnotes.storage import sessions as stored

    chosen: dict[str, int] = {}
    course_id = None
    for client_id in (c.id for c in s.clients.list()):
        for course in s.courses.for_client(client_id):
            for session in s.notes.sessions_for_course(course.id):
                kind = session.kind.value
                if session.signed:
                    chosen.setdefault(f"{kind}-signed", session.id)
            course_id = course_id or course.id
    for kind in SessionKind:
        for state in ("empty", "draft"):
            fresh = s.notes.create_session(course_id=course_id, kind=kind,
                                           starts_at=datetime(2026, 11, 21, 10, 0),
                                           clinician=SIGNER)
            if state == "draft":  # the signed demo note's values, not signed
                signed = s.notes.note(chosen[f"{kind.value}-signed"])
                s.notes.save_fields(fresh.id, signed.values)
            chosen[f"{kind.value}-{state}"] = fresh.id
    # The storage stamps an addendum with the wall clock, not the services' clock: fix it so
    # two runs draw the same page.
    wall_clock, stored.now_utc_text = stored.now_utc_text, lambda: "2026-11-20T11:00:00Z"
    try:
        s.notes.add_addendum(chosen["integration-signed"], "A fictional late correction.",
                             author=SIGNER)
    finally:
        stored.now_utc_text = wall_clock
    return chosen


class _Window:
    """The real main window and workspace (kapnotes/ui/workspace.py opens each note)."""

    def __init__(self, services: Services, folder: Path) -> None:
        from PySide6.QtCore import QSettings

        from kapnotes.ui.main_window import MainWindow
        from kapnotes.ui.workspace import Workspace

        self.settings = QSettings(str(folder / "look.ini"), QSettings.Format.IniFormat)
        self.window = MainWindow(services.vault, settings=self.settings)
        self.workspace = Workspace(self.window, services, signer_name=SIGNER)
        self.window.resize(*SIZE)
        self.window.show()
        _settle()

    def open(self, session_id: int) -> Any:
        self.workspace.open_session(session_id)
        return self.workspace.editor

    def close(self) -> None:
        """Back to the start page; the editor is deleted (as switching to a client does)."""
        self.workspace.close_note("", "")
        _settle()


def _settle() -> None:
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    QApplication.sendPostedEvents(None, 0)  # deleteLater included
    QApplication.processEvents()


@contextmanager
def _editor(window: _Window, session_id: int) -> Iterator[Any]:
    editor = window.open(session_id)
    _settle()
    try:
        yield editor
    finally:
        window.close()


def _focus_chain(editor: Any) -> str:
    """The editor's focus chain (Tab order), one widget a line: behaviour to keep too."""
    lines, widget = [], editor.nextInFocusChain()
    while widget is not None and widget is not editor and len(lines) < 2000:
        if editor.isAncestorOf(widget):
            lines.append(f"{type(widget).__name__} {widget.objectName()!r} "
                         f"{widget.accessibleName()!r} {int(widget.focusPolicy())}")
        widget = widget.nextInFocusChain()
    return "\n".join(lines) + "\n"


def _save(editor: Any, out: Path, name: str) -> None:
    _settle()
    (out / f"{name}-focus.txt").write_text(_focus_chain(editor))
    editor.grab().save(str(out / f"{name}-top.png"))
    editor.scroll_area.widget().grab().save(str(out / f"{name}-page.png"))
    if editor.dosing is not None:
        editor.dosing.tabs.setCurrentIndex(0)
        _settle()
        editor.dosing.panel.grab().save(str(out / f"{name}-monitoring.png"))
        editor.dosing.tabs.setCurrentIndex(1)
        _settle()


def shoot(window: _Window, sessions: dict[str, int], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for key, session_id in sessions.items():
        with _editor(window, session_id) as editor:
            if editor.dosing is not None:
                editor.dosing.show_note()
            _save(editor, out, key)
            if key.endswith("-draft"):
                form = editor.form
                first = next(iter(form.editors))
                form.set_field_error(first, "A fictional problem with this field.")
                _save(editor, out, key.replace("-draft", "-error"))
                form.set_field_error(first, "")
                _save(editor, out, key.replace("-draft", "-cleared"))


def _sign_here(window: _Window, sessions: dict[str, int], out: Path) -> None:
    """Sign each kind's filled draft in an open editor: the restyle after the state change."""
    for key in [k for k in sessions if k.endswith("-draft")]:
        with _editor(window, sessions[key]) as editor:
            if editor.dosing is not None:
                editor.dosing.show_note()
            notes, session_id = editor.notes, sessions[key]
            refused = notes.sign_refusals(session_id) + notes.missing_for_signing(session_id)
            if refused:
                print(f"{key}: not signed here ({'; '.join(refused)})")
                continue
            reason = "A fictional reason." if notes.sign_blockers(session_id) else ""
            editor._sign(SIGNER, reason)
            _save(editor, out, key.replace("-draft", "-signed-here"))


def timings(window: _Window, sessions: dict[str, int], repeat: int) -> dict[str, dict]:
    """Per note: opening it (the workspace builds the editor and puts it in the window), then
    showing it (polish, layout, paint), wall and CPU; the medians of `repeat` after two."""
    results: dict[str, dict] = {}
    for key in sorted(k for k in sessions if not k.endswith("-empty")):
        build, show, cpu = [], [], []
        for n in range(repeat + 2):  # two warm-ups
            c0, t0 = time.process_time(), time.perf_counter()
            editor = window.open(sessions[key])
            t1 = time.perf_counter()
            _settle()
            editor.grab()
            t2, c2 = time.perf_counter(), time.process_time()
            window.close()
            if n >= 2:
                build.append((t1 - t0) * 1000)
                show.append((t2 - t1) * 1000)
                cpu.append((c2 - c0) * 1000)
        results[key] = {"build_ms": statistics.median(build), "show_ms": statistics.median(show),
                        "cpu_ms": statistics.median(cpu)}
    return results


def compare(before: Path, after: Path) -> int:
    from PySide6.QtGui import QImage

    bad = 0
    names = sorted(p.name for p in before.glob("*.png"))
    for name in names:
        a, b = QImage(str(before / name)), QImage(str(after / name))
        if a.size() != b.size():
            print(f"{name}: size {a.width()}x{a.height()} -> {b.width()}x{b.height()}")
            bad += 1
            continue
        a = a.convertToFormat(QImage.Format.Format_ARGB32)
        b = b.convertToFormat(QImage.Format.Format_ARGB32)
        diff = sum(1 for y in range(a.height()) for x in range(a.width())
                   if a.pixel(x, y) != b.pixel(x, y)) if a != b else 0
        if diff:
            print(f"{name}: {diff} pixels differ")
            bad += 1
    for text in sorted(before.glob("*.txt")):
        other = after / text.name
        if not other.exists() or other.read_text() != text.read_text():
            print(f"{text.name}: differs")
            bad += 1
    missing = sorted({p.name for p in after.glob("*.png")} ^ set(names))
    for name in missing:
        print(f"{name}: only in one folder")
    print(f"{len(names)} images compared, {bad} differ, {len(missing)} unmatched")
    return 1 if bad or missing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, nargs="?")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--no-png", action="store_true")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--profile", type=Path, help="write a cProfile of the timed builds")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="editor-look-") as tmp:
        _environment(Path(tmp))
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication(sys.argv[:1])
        app.setCursorFlashTime(0)  # a steady text cursor: a blink would differ between runs
        if args.compare:
            return compare(*args.compare)
        services = _services(Path(tmp))
        sessions = _sessions(services)
        window = _Window(services, Path(tmp))
        if not args.no_png and args.out is not None:
            shoot(window, sessions, args.out)
        run: Callable[[], dict[str, dict]] = lambda: timings(  # noqa: E731
            window, sessions, args.repeat)
        if args.profile is not None:
            import cProfile

            profiler = cProfile.Profile()
            results = profiler.runcall(run)
            profiler.dump_stats(str(args.profile))
        else:
            results = run()
        for key, row in results.items():
            print(f"{key:22s} build {row['build_ms']:6.1f} ms  show {row['show_ms']:6.1f} ms"
                  f"  cpu (both) {row['cpu_ms']:6.1f} ms")
        if not args.no_png and args.out is not None:
            _sign_here(window, sessions, args.out)  # last: it signs the drafts
        del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
