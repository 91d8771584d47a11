"""A practice server of one test's own, for restarting it mid-sync (the shared test server
serves other tests at the same time and must never be restarted).

Started with the same script as every other (scripts/practice_server.sh) in a fresh folder
under /tmp (traversable by the `postgres` user when the tests run as root); `restart()` is
PostgreSQL's own fast restart: open sessions are ended, uncommitted work rolled back, the same
port comes back.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "practice_server.sh"


@dataclass(frozen=True)
class PrivateServer:
    dsn: str
    folder: Path

    def restart(self) -> None:
        # The new server logs to its file: with pipes it would hold them open for good.
        command = [str(_bindir() / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast",
                   "-l", str(self.folder / "server.log"), "-w", "-t", "60", "restart"]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=True, timeout=120)


def _bindir() -> Path:
    chosen = os.environ.get("KAPNOTES_PG_BINDIR")
    if chosen:
        return Path(chosen)
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=False)
        if out.returncode == 0 and (Path(out.stdout.strip()) / "pg_ctl").exists():
            return Path(out.stdout.strip())
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                        key=lambda p: int(p.split("/")[-2]))
    return Path(candidates[-1])


@contextmanager
def private_server() -> Iterator[PrivateServer]:
    folder = Path(tempfile.mkdtemp(prefix="kapnotes-restart-"))
    env = {**os.environ, "KAPNOTES_PRACTICE_DIR": str(folder)}
    started = subprocess.run(["bash", str(SCRIPT), "start"], env=env, capture_output=True,
                             text=True, timeout=180, check=False, stdin=subprocess.DEVNULL)
    try:
        if started.returncode != 0:
            pytest.skip(f"no private practice server: {started.stderr.strip()}")
        yield PrivateServer(started.stdout.strip().splitlines()[-1], folder)
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=env, capture_output=True,
                       timeout=120, check=False, stdin=subprocess.DEVNULL)
        shutil.rmtree(folder, ignore_errors=True)
