"""PDF exports for the UI and the CLI: build a report from the vault, render it, write the
file safely, and record the export in the audit log.

Threads: `build_*` read the vault, so they run where the vault connection lives; they return
an `ExportJob` holding only copied data. `render_to_file` may then run on any thread.
`record_export` writes the audit entry, back on the vault's thread. `export_pdf` does all
three in one go (CLI, tests).

Files: the PDF is rendered into memory, then written to an owner-only temporary file in the
target's own folder and renamed over the target, so no plaintext lands anywhere else (no
system temp folder) and a cancelled or failed export leaves nothing behind. The path goes
through `storage.output_guard` first: never the vault, its files or its backups folder, and an
existing file only when the caller allows replacing it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from pathlib import Path
from typing import ParamSpec, TypeVar

from kapnotes import __version__, policy
from kapnotes.domain import dates
from kapnotes.domain.errors import KapNotesError, NotFoundError, ValidationError
from kapnotes.domain.models import Client
from kapnotes.export.report import Report
from kapnotes.export.snapshot import DEFAULT_PRACTICE_NAME, ExportOptions
from kapnotes.export.summary import course_report, packet_report, session_report
from kapnotes.export.summary_common import Redactor
from kapnotes.services.changes import Changes, write
from kapnotes.services.container import Services
from kapnotes.services.export_gather import course_snapshot, current_course, session_snapshot
from kapnotes.services.settings_service import SettingsService
from kapnotes.storage import audit, output_guard

MAX_LOGO_BYTES = 2 * 1024 * 1024  # a header logo; anything bigger is not one
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")  # PNG, JPEG
AUDIT_EVENT = "export.pdf"
WITHHELD = "(file name withheld: it names a client)"

Progress = Callable[[float], None]
Cancelled = Callable[[], bool]
_P = ParamSpec("_P")
_R = TypeVar("_R")


class ExportCancelled(KapNotesError):
    """The user cancelled an export; nothing was written."""

    def __init__(self) -> None:
        super().__init__("Export cancelled; no file was written.")


@dataclass(frozen=True)
class ExportJob:
    """A report ready to render, with what the audit entry and the file name need."""

    report: Report
    kind: str  # "session", "course" or "packet"
    record_id: str  # session id, course id, or the packet's course ids joined by ","
    codes: tuple[str, ...]
    suggested_name: str
    # Finds any client's name in a file name the user typed (for the audit entry).
    names: Redactor = field(repr=False, compare=False)
    # The vault the report came from: the output guard keeps the PDF off it and its files.
    vault_path: Path | None = None

    @property
    def deidentified(self) -> bool:
        return self.report.deidentified


# -- options -------------------------------------------------------------------------------
def practice_name(services: Services) -> str:
    """The name in every PDF header: Settings' value under the practice policy (one source,
    `SettingsService`), or a neutral default when nobody set one."""
    return SettingsService(services.vault).practice_name() or DEFAULT_PRACTICE_NAME


def practice_logo(services: Services) -> bytes | None:
    """The practice logo's bytes for the PDF header, or None when none is set or the file
    is missing, too large or not a PNG/JPEG (the export goes on without it)."""
    path = SettingsService(services.vault).practice_logo()
    if path is None:
        return None
    try:
        with path.open("rb") as f:
            data = f.read(MAX_LOGO_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_LOGO_BYTES or not data.startswith(IMAGE_MAGIC):
        return None
    return data


def options_for(services: Services, *, deidentified: bool = True,
                include_private: bool = False, include_audit: bool = False) -> ExportOptions:
    """Options with the practice name, app version and today's date filled in."""
    return ExportOptions(deidentified=deidentified, include_private=include_private,
                         include_audit=include_audit, practice_name=practice_name(services),
                         practice_logo=practice_logo(services),
                         app_version=__version__, export_date=services.clock().date(),
                         audit_head=audit.head(services.vault).short())


def suggested_filename(kind: str, codes: Sequence[str], day: date, detail: str = "") -> str:
    """A file name from client codes only (never a name: file names show up in recent-file
    lists, mail attachments and the audit log)."""
    if kind == "packet":
        n = len(codes)
        base = f"Supervision packet {day.isoformat()} ({n} client{'s' if n != 1 else ''})"
    elif kind == "session":
        base = f"{codes[0]} {detail or 'session ' + day.isoformat()} note"
    else:
        base = f"{codes[0]} course summary {day.isoformat()}"
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "-", base) + ".pdf"


def suggested_name_for(services: Services, kind: str, *, session_id: int | None = None,
                       client_ids: Sequence[int] = ()) -> str:
    """The file name a save dialog offers before anything is built."""
    day = services.clock().date()
    if kind == "session" and session_id is not None:
        session = services.notes.session(session_id)
        code = services.clients.get(services.notes.client_id_of(session_id)).code
        detail = f"{session.kind.value} session {session.starts_at:%Y-%m-%d}"
        return suggested_filename("session", (code,), session.starts_at.date(), detail)
    codes = tuple(services.clients.get(i).code for i in client_ids)
    return suggested_filename(kind, codes, day)


# -- building ------------------------------------------------------------------------------
def _one_policy(build: Callable[_P, _R]) -> Callable[_P, _R]:
    """The build sees one practice policy, looked for once (`policy.held`): each dosing note's
    thresholds and rules would look for the file again (~120 times for a 60-session course);
    and one date order (`dates.order_held`), not the locale read from the environment for
    each of ~600 dates."""
    @functools.wraps(build)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with policy.held(), dates.order_held():
            return build(*args, **kwargs)
    return run


@_one_policy
def build_session_report(services: Services, session_id: int,
                         options: ExportOptions) -> ExportJob:
    snap = session_snapshot(services, session_id)
    course = services.courses.get(snap.session.course_id)
    client = services.clients.get(course.client_id)
    report = session_report(snap, client=client, course=course, options=options)
    detail = f"{snap.kind.value} session {snap.session.starts_at:%Y-%m-%d}"
    return ExportJob(report, "session", str(session_id), (client.code,),
                     suggested_filename("session", (client.code,),
                                        snap.session.starts_at.date(), detail),
                     Redactor([client]), services.vault.path)


@_one_policy
def build_course_report(services: Services, client_id: int, options: ExportOptions, *,
                        course_id: int | None = None) -> ExportJob:
    client = services.clients.get(client_id)
    if course_id is None:
        course = current_course(services, client_id)
        if course is None:
            raise NotFoundError(f"Client {client.code} has no course to summarise yet.")
        course_id = int(course.id or 0)
    elif services.courses.get(course_id).client_id != client_id:
        raise ValidationError("Course", f"course {course_id} is not a course of {client.code}.")
    snap = course_snapshot(services, course_id, include_audit=options.include_audit)
    return ExportJob(course_report(snap, options), "course", str(course_id), (client.code,),
                     suggested_filename("course", (client.code,), options.export_date),
                     Redactor([client]), services.vault.path)


@_one_policy
def build_packet_report(services: Services, client_ids: Sequence[int], options: ExportOptions,
                        *, clinician: str = "", progress: Progress | None = None,
                        cancelled: Cancelled | None = None) -> ExportJob:
    """Each client's current course; `progress` gets a fraction per client gathered and
    `cancelled` is asked between clients."""
    if not client_ids:
        raise ValidationError("Clients", "choose at least one client for the packet.")
    snaps, clients = [], []
    for n, client_id in enumerate(dict.fromkeys(client_ids)):
        if cancelled is not None and cancelled():
            raise ExportCancelled()
        client = services.clients.get(client_id)
        course = current_course(services, client_id)
        if course is None:
            raise NotFoundError(f"Client {client.code} has no course to summarise yet.")
        snaps.append(course_snapshot(services, int(course.id or 0),
                                     include_audit=options.include_audit))
        clients.append(client)
        if progress is not None:
            progress((n + 1) / len(client_ids))
    codes = tuple(c.code for c in clients)
    return ExportJob(packet_report(snaps, options, clinician=clinician), "packet",
                     ",".join(str(s.course.id) for s in snaps), codes,
                     suggested_filename("packet", codes, options.export_date),
                     Redactor(clients), services.vault.path)


# -- writing -------------------------------------------------------------------------------
def render_to_file(job: ExportJob, path: Path, *, password: str | None = None,
                   progress: Progress | None = None, cancelled: Cancelled | None = None,
                   replace: bool = False) -> Path:
    """Render and write atomically; safe off the vault's thread (touches only `job`).

    `replace`: an existing file may be replaced (the CLI's --force; a save dialog that asked).
    The output guard refuses the vault, its files and its backups folder in every case.
    """
    target = Path(path).expanduser()
    output_guard.check_output_path(target, job.vault_path, replace=replace)  # before rendering
    highest = 0.0

    def on_progress(fraction: float) -> None:
        nonlocal highest
        if cancelled is not None and cancelled():
            raise ExportCancelled()
        if progress is not None and fraction > highest:
            highest = fraction  # multi-pass layout restarts at 0; never go backwards
            progress(min(highest, 0.99))

    def before_commit() -> None:
        if cancelled is not None and cancelled():
            raise ExportCancelled()

    if cancelled is not None and cancelled():
        raise ExportCancelled()
    # Imported here: services must not load reportlab/pypdf just to be imported (the layering
    # test), only when a PDF is actually drawn.
    from kapnotes.export import pdf

    data = pdf.render_pdf(job.report, password=password, progress=on_progress)
    written = output_guard.write_output(target, data, job.vault_path, replace=replace,
                                        before_commit=before_commit)
    if progress is not None:
        progress(1.0)
    return written


def audit_detail(job: ExportJob, path: Path) -> str:
    """kind, de-identified or not, file name (withheld if it holds a client's name)."""
    name = Path(path).name
    if job.names(name) != name:
        name = WITHHELD
    return (f"kind={job.kind}; deidentified={'yes' if job.deidentified else 'no'}; "
            f"file={name}")


def record_export(services: Services, job: ExportJob, path: Path) -> None:
    with write(services.vault, Changes(exports=True)):
        audit.record(services.vault, AUDIT_EVENT, record_type=job.kind,
                     record_id=job.record_id, detail=audit_detail(job, path))


def export_pdf(services: Services, job: ExportJob, path: Path, *, password: str | None = None,
               progress: Progress | None = None, cancelled: Cancelled | None = None,
               replace: bool = False) -> Path:
    """Render, write and audit in one call (on the vault's thread)."""
    written = render_to_file(job, path, password=password, progress=progress,
                             cancelled=cancelled, replace=replace)
    record_export(services, job, written)
    return written


class Holder(Enum):
    """Whose client this is in the packet dialog; the value is the note shown beside the name."""

    MINE = ""
    OTHER = "other clinician"  # sessions were held, none by the current clinician
    NO_SESSIONS = "no sessions yet"  # nobody else's either: nothing held so far
    UNNAMED = "no clinician named"  # sessions, but none names who held it

    @property
    def mine(self) -> bool:
        return self is Holder.MINE


def active_clients(services: Services) -> list[tuple[Client, Holder]]:
    """Clients with an active course, each with whose it is by the sessions held in it (the
    packet dialog's default choice, "my active clients", is those held by the vault's current
    clinician; with no clinician set every client counts as theirs)."""
    me = services.vault.actor.clinician.strip().casefold()
    out = []
    for row in services.clients.list():
        course = current_course(services, row.id)
        if course is None or course.status.value != "active":
            continue
        sessions = services.notes.sessions_for_course(int(course.id or 0))
        out.append((services.clients.get(row.id), holder(me, [s.clinician for s in sessions])))
    return out


def holder(me: str, clinicians: Sequence[str]) -> Holder:
    """`me` casefolded; `clinicians` who held each session of the course ("" unnamed)."""
    named = {name.strip().casefold() for name in clinicians} - {""}
    if not me or me in named:
        return Holder.MINE
    if named:
        return Holder.OTHER
    return Holder.UNNAMED if clinicians else Holder.NO_SESSIONS
