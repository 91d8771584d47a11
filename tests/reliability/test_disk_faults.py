"""Failed writes on real filesystems: a full disk, a read-only folder, a vault file removed or
moved while open, and fsync/write errors injected with strace into a separate process.

Each time the service raises StorageWriteError (or VaultError at open) in plain words, nothing
half-written is kept, the vault passes the full integrity check, and the same save succeeds
once the cause is gone. Mounting needs root (CI runs as root); strace must be installed.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from kapnotes.domain.errors import StorageWriteError, VaultError
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.services.container import Services, build_services
from kapnotes.storage import backups, lifecycle
from kapnotes.storage.vault import Vault, integrity_problems

PASSPHRASE = "copper kettle 88 evenly"  # fictional
SAVE_ON_COMMAND = Path(__file__).with_name("save_on_command.py")
ONE_MB_NOTE = ("Client felt the music carry them; Zoë — 日本語 🌿\n" * 30_000)[:1_000_000]
# A 1 MB note needs about 3 MB of WAL and search index as it is written; 8 MB is the smallest
# disk on which it fails when the disk is full and fits once the filler is gone.
DISK_SIZE = "8m"


def _mount(*args: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root (CI runs as root)")
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"mount {' '.join(args)} failed here: {done.stderr.strip()}")


def _umount(target: Path) -> None:
    if subprocess.run(["umount", str(target)], capture_output=True).returncode != 0:
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real tmpfs of DISK_SIZE, unmounted after the test."""
    disk = tmp_path / "disk"
    disk.mkdir()
    _mount("-t", "tmpfs", "-o", f"size={DISK_SIZE},mode=0700", "tmpfs", str(disk))
    yield disk
    _umount(disk)


@dataclass
class Opened:
    vault: Vault
    services: Services
    session_id: int


def _open_with_a_note(path: Path, *, create: bool = True) -> Opened:
    """A vault with one client, course and dosing session whose narrative reads 'before'."""
    if create:
        vault = lifecycle.create_vault(path, PASSPHRASE).vault
    else:
        vault = lifecycle.unlock_vault(path, passphrase=PASSPHRASE)
    services = build_services(vault, practice_templates=path.parent / "templates")
    if create:
        client = services.clients.create(Client(code="KAP-701", full_name="Rowan Example"))
        course = services.courses.create(Course(client_id=int(client.id or 0),
                                                protocol="custom", start_date=date(2026, 3, 2)))
        session = services.notes.create_session(course_id=int(course.id or 0),
                                                kind=SessionKind.DOSING,
                                                starts_at=datetime(2026, 3, 3, 10, 0))
        services.notes.save_fields(int(session.id or 0), {"narrative": "before"})
    session_id = int(vault.query_one("SELECT max(id) FROM sessions")[0])
    return Opened(vault, services, session_id)


def _counts(vault: Vault) -> dict[str, int]:
    tables = ("clients", "courses", "sessions", "session_fields", "addenda", "audit_log")
    return {t: int(vault.query_one(f"SELECT count(*) FROM {t}")[0]) for t in tables}


def _fill(disk: Path) -> Path:
    """Write a filler file until the filesystem refuses another byte."""
    filler = disk / "filler.bin"
    with filler.open("wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def _assert_plain(message: str, *words: str) -> None:
    assert all(w in message for w in words), message
    assert "sqlite" not in message.lower() and "Traceback" not in message


# -- full disk ---------------------------------------------------------------------------
def test_full_disk_refuses_the_save_plainly_keeps_the_old_text_and_saves_once_freed(
    small_disk: Path,
) -> None:
    o = _open_with_a_note(small_disk / "vault.kapnotes")
    before = _counts(o.vault)
    filler = _fill(small_disk)

    for changes in ({"narrative": ONE_MB_NOTE},
                    {"observations": "calm, oriented", "narrative": ONE_MB_NOTE}):
        with pytest.raises(StorageWriteError) as refused:
            o.services.notes.save_fields(o.session_id, changes)
        _assert_plain(str(refused.value), "disk is full", "still in the editor")
        # All or nothing: the small field of the same save was not kept either.
        assert o.services.notes.note(o.session_id).values == {"narrative": "before"}
        assert _counts(o.vault) == before
        assert integrity_problems(o.vault.conn, full=True) == []

    # Closed and reopened while the disk is still full, as after a restart: all sound.
    o.vault.close()
    o = _open_with_a_note(small_disk / "vault.kapnotes", create=False)
    assert o.services.notes.note(o.session_id).values == {"narrative": "before"}
    assert integrity_problems(o.vault.conn, full=True) == []

    filler.unlink()
    o.services.notes.save_fields(o.session_id, {"narrative": ONE_MB_NOTE})
    assert o.services.notes.note(o.session_id).values["narrative"] == ONE_MB_NOTE
    o.vault.close()


def test_full_disk_refuses_a_new_client_and_leaves_no_row(small_disk: Path) -> None:
    o = _open_with_a_note(small_disk / "vault.kapnotes")
    before = _counts(o.vault)
    filler = _fill(small_disk)
    client = Client(code="KAP-702", full_name="Sam Example", background=ONE_MB_NOTE)
    with pytest.raises(StorageWriteError, match="disk is full"):
        o.services.clients.create(client)
    assert _counts(o.vault) == before
    assert o.services.clients.by_code("KAP-702") is None
    filler.unlink()
    stored = o.services.clients.create(client)
    assert o.services.clients.get(int(stored.id or 0)).background == ONE_MB_NOTE
    assert integrity_problems(o.vault.conn, full=True) == []
    o.vault.close()


# -- read-only folder ----------------------------------------------------------------------
def _digests(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_read_only_folder_is_refused_plainly_untouched_and_opens_once_writable(
    tmp_path: Path,
) -> None:
    """A read-only mount (write-protected stick, read-only share) of the vault's folder."""
    real, view = tmp_path / "real", tmp_path / "view"
    real.mkdir()
    view.mkdir()
    o = _open_with_a_note(real / "vault.kapnotes")
    o.vault.close()
    _mount("--bind", str(real), str(view))
    try:
        _mount("-o", "remount,ro,bind", str(view))
        before = _digests(real)
        with pytest.raises(VaultError) as refused:
            lifecycle.unlock_vault(view / "vault.kapnotes", passphrase=PASSPHRASE)
        _assert_plain(str(refused.value), "read-only", "nothing was changed")
        assert _digests(real) == before

        _mount("-o", "remount,rw,bind", str(view))
        o = _open_with_a_note(view / "vault.kapnotes", create=False)
        o.services.notes.save_fields(o.session_id, {"narrative": "after"})
        assert o.services.notes.note(o.session_id).values == {"narrative": "after"}
        o.vault.close()
    finally:
        _umount(view)


# -- vault file removed or moved while open ------------------------------------------------
def test_vault_file_removed_while_open_is_refused_and_a_backup_still_rescues_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "vault.kapnotes"
    o = _open_with_a_note(path)
    path.unlink()
    with pytest.raises(StorageWriteError) as refused:
        o.services.notes.save_fields(o.session_id, {"narrative": "after"})
    _assert_plain(str(refused.value), "moved or removed", "still in the editor", "Backup now")
    # Everything written before the removal is still in the open connection: Backup now
    # copies it into a new file that opens on its own.
    rescued = backups.write_backup(o.vault, tmp_path / "rescued.kapnotes")
    o.vault.close()
    r = _open_with_a_note(rescued, create=False)
    assert r.services.notes.note(r.session_id).values == {"narrative": "before"}
    assert integrity_problems(r.vault.conn, full=True) == []
    r.vault.close()


def test_vault_file_moved_away_is_refused_and_saving_works_once_it_is_back(
    tmp_path: Path,
) -> None:
    path = tmp_path / "vault.kapnotes"
    elsewhere = tmp_path / "moved.kapnotes"
    o = _open_with_a_note(path)
    path.rename(elsewhere)
    with pytest.raises(StorageWriteError, match="moved or removed"):
        o.services.notes.save_fields(o.session_id, {"narrative": "after"})
    elsewhere.rename(path)
    o.services.notes.save_fields(o.session_id, {"narrative": "after"})
    o.vault.close()
    o = _open_with_a_note(path, create=False)
    assert o.services.notes.note(o.session_id).values == {"narrative": "after"}
    o.vault.close()


def test_vault_file_replaced_by_another_file_is_refused(tmp_path: Path) -> None:
    """A sync tool swapping the file under the app: same name, different file."""
    path = tmp_path / "vault.kapnotes"
    o = _open_with_a_note(path)
    shutil.copyfile(path, tmp_path / "copy")
    os.replace(tmp_path / "copy", path)
    with pytest.raises(StorageWriteError, match="moved or removed"):
        o.services.notes.save_fields(o.session_id, {"narrative": "after"})
    o.vault.close()


# -- injected write and fsync errors (strace, in a separate process) ----------------------
def _strace() -> str:
    found = shutil.which("strace")
    if found is None:
        pytest.skip("strace is not installed (apt-get install -y strace); it injects the "
                    "fsync/write errors")
    return found


class SaverProcess:
    """save_on_command.py over a vault, driven line by line."""

    def __init__(self, path: Path, session_id: int) -> None:
        (path.parent / "passphrase.txt").write_text(PASSPHRASE + "\n", encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, str(SAVE_ON_COMMAND), "--vault", str(path), "--passphrase-file",
             str(path.parent / "passphrase.txt"), "--session", str(session_id)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self.ask_line() == "READY"

    def ask_line(self, command: str | None = None) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        if command is not None:
            self.proc.stdin.write(command + "\n")
            self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def ask(self, command: str) -> dict[str, Any]:
        return json.loads(self.ask_line(command))

    def quit(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("QUIT\n")
        self.proc.stdin.close()
        assert self.proc.wait() == 0
        assert self.proc.stdout is not None
        self.proc.stdout.close()


def _inject(strace: str, pid: int, fault: str) -> subprocess.Popen[str]:
    """Attach strace to `pid` with `fault`; returns once it is attached."""
    tracer = subprocess.Popen(
        [strace, "-p", str(pid), "-e", f"trace={fault.split(':')[0]}", "-e", f"inject={fault}",
         "-o", os.devnull],
        stderr=subprocess.PIPE, text=True,
    )
    assert tracer.stderr is not None
    line = tracer.stderr.readline()
    if "attached" not in line:
        tracer.kill()
        tracer.wait()
        pytest.skip(f"strace cannot attach here: {line.strip()}")
    return tracer


def _detach(tracer: subprocess.Popen[str]) -> None:
    tracer.terminate()  # strace detaches and lets the process run on untouched
    tracer.wait()
    assert tracer.stderr is not None
    tracer.stderr.close()


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("fsync:error=EIO", "input/output error"),
        ("pwrite64:error=EIO", "input/output error"),
        ("pwrite64:error=ENOSPC", "disk is full"),
    ],
)
def test_injected_io_error_is_plain_leaves_the_vault_sound_and_the_retry_saves(
    tmp_path: Path, fault: str, words: str,
) -> None:
    strace = _strace()
    path = tmp_path / "vault.kapnotes"
    o = _open_with_a_note(path)
    o.vault.close()
    saver = SaverProcess(path, o.session_id)
    try:
        tracer = _inject(strace, saver.proc.pid, fault)
        try:
            reply = saver.ask("SAVE 300000")
        finally:
            _detach(tracer)
        assert reply["ok"] is False and reply["error"] == "StorageWriteError", reply
        _assert_plain(reply["message"], words, "still in the editor")
        assert saver.ask("CHECK") == {"length": len("before"), "problems": []}
        assert saver.ask("SAVE 300000") == {"ok": True}
        assert saver.ask("CHECK") == {"length": 300_000, "problems": []}
    finally:
        saver.quit()
    o = _open_with_a_note(path, create=False)
    assert len(o.services.notes.note(o.session_id).values["narrative"]) == 300_000
    assert integrity_problems(o.vault.conn, full=True) == []
    o.vault.close()
