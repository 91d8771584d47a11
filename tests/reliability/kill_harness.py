"""Kill -9 a writer process at random moments; after each kill the vault must open, pass the
full integrity check and hold every change the writer reported as committed, byte for byte.

    uv run python tests/reliability/kill_harness.py --kills 5000 --seed 7

Each writer run (tests/reliability/writer.py) has its own journal. The harness keeps the
expected state of the vault in memory: after a kill it applies every change the run reported
as committed ("done" lines), then compares the whole vault, read back through the services as
the next app start would (lifecycle.unlock_vault), with it. At most one change can be in
flight when the process dies (its "intent" is journalled, its "done" is not): the vault may
show it wholly applied or wholly absent, never partly; the harness settles which and goes on.
Text is compared as Python strings, i.e. code point for code point (byte for byte in UTF-8).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kapnotes.services.container import build_services
from kapnotes.storage import lifecycle
from kapnotes.storage.vault import integrity_problems

WRITER = Path(__file__).with_name("writer.py")
PASSPHRASE = "harbour lantern 19 slowly"  # fictional
State = dict[str, dict[int, Any]]


@dataclass
class Result:
    """What a harness run saw; `failures` is empty when every kill was survived."""

    kills: int = 0
    vaults: int = 0
    writes_verified: int = 0  # changes reported committed, each checked after every later kill
    record_checks: int = 0  # records compared, summed over all kills
    refused: int = 0
    in_flight_applied: int = 0
    in_flight_absent: int = 0
    torn_lines: int = 0
    lost_commits: int = 0
    integrity_failures: int = 0
    largest_note: int = 0
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"kill harness: {self.kills} kills, {self.lost_commits} lost commits, "
            f"{self.integrity_failures} integrity failures, {self.writes_verified:,} journalled "
            f"writes verified ({self.record_checks:,} record comparisons, {self.vaults} vaults; "
            f"in flight at the kill: {self.in_flight_applied} applied whole, "
            f"{self.in_flight_absent} absent whole; {self.torn_lines} torn journal lines; "
            f"{self.refused} writes refused by validation; largest note "
            f"{self.largest_note:,} characters)"
        )


# -- the expected state -------------------------------------------------------------------
def empty_state() -> State:
    return {"clients": {}, "courses": {}, "sessions": {}, "addenda": {}}


def apply(state: State, intent: dict[str, Any], new_id: int | None) -> None:
    """Apply one journalled change to the expected state."""
    kind = intent["type"]
    if kind in ("create_client", "update_client"):
        state["clients"][new_id if new_id is not None else intent["id"]] = intent["client"]
    elif kind == "create_course":
        state["courses"][new_id] = intent["course"]
    elif kind == "create_session":
        state["sessions"][new_id] = {"details": intent["session"], "fields": {},
                                     "signed_by": None}
    elif kind == "update_session":
        state["sessions"][intent["id"]]["details"] = intent["session"]
    elif kind == "save_fields":
        state["sessions"][intent["session_id"]]["fields"].update(intent["values"])
    elif kind == "sign":
        state["sessions"][intent["session_id"]]["signed_by"] = intent["signer"]
    elif kind == "addendum":
        state["addenda"][new_id] = {"session_id": intent["session_id"], "text": intent["text"],
                                    "author": intent["author"]}
    else:
        raise AssertionError(f"unknown change type {kind!r}")


CREATES = {"create_client": "clients", "create_course": "courses",
           "create_session": "sessions", "addendum": "addenda"}


def read_vault(path: Path, passphrase: str) -> tuple[State, list[str]]:
    """Open as the next app start would; the full integrity check, then everything read back."""
    vault = lifecycle.unlock_vault(path, passphrase=passphrase)
    try:
        problems = integrity_problems(vault.conn, full=True)
        s = build_services(vault, practice_templates=path.parent / "templates")
        state = empty_state()
        for summary in s.clients.list(include_archived=True):
            c = s.clients.get(summary.id)
            state["clients"][summary.id] = {
                "code": c.code, "full_name": c.full_name, "preferred_name": c.preferred_name,
                "date_of_birth": c.date_of_birth.isoformat() if c.date_of_birth else None,
                "diagnosis": c.diagnosis, "medicines": list(c.medicines),
                "background": c.background,
            }
            for course in s.courses.for_client(summary.id):
                state["courses"][course.id] = {
                    "client_id": course.client_id, "protocol": course.protocol,
                    "start_date": course.start_date.isoformat(), "title": course.title,
                    "prescriber": course.prescriber,
                    "maintenance_interval_weeks": course.maintenance_interval_weeks,
                }
                for session in s.notes.sessions_for_course(int(course.id or 0)):
                    note = s.notes.note(int(session.id or 0))
                    state["sessions"][session.id] = {
                        "details": {
                            "course_id": session.course_id, "kind": session.kind.value,
                            "starts_at": session.starts_at.isoformat(),
                            "duration_min": session.duration_min,
                            "clinician": session.clinician, "modality": session.modality.value,
                        },
                        "fields": note.values,
                        "signed_by": session.signed_by if session.signed else None,
                    }
                    for a in note.addenda:
                        state["addenda"][a.id] = {"session_id": a.session_id, "text": a.text,
                                                  "author": a.author}
        return state, problems
    finally:
        vault.close()


def differences(expected: State, found: State) -> list[str]:
    out = []
    for table, rows in expected.items():
        for key in rows.keys() | found[table].keys():
            if rows.get(key) != found[table].get(key):
                what = "missing" if key not in found[table] else (
                    "unexpected" if key not in rows else "different")
                out.append(f"{table} {key}: {what}")
    return out


# -- one writer run -------------------------------------------------------------------------
def read_journal(path: Path, result: Result) -> tuple[list[tuple[dict, dict]], dict | None]:
    """(committed (intent, done) pairs, the intent in flight or None). Only the last line may
    be torn by the kill."""
    lines = path.read_bytes().split(b"\n") if path.exists() else []
    if lines and lines[-1] == b"":
        lines.pop()
    intents: dict[int, dict] = {}
    committed: list[tuple[dict, dict]] = []
    settled: set[int] = set()
    for n, raw in enumerate(lines):
        try:
            entry = json.loads(raw.decode("utf-8"))
        except ValueError:
            if n != len(lines) - 1:
                raise AssertionError(f"{path.name}: line {n + 1} is torn but not last") from None
            result.torn_lines += 1
            continue
        op = entry["op"]
        if "intent" in entry:
            intents[op] = entry["intent"]
        elif "done" in entry:
            committed.append((intents[op], entry["done"]))
            settled.add(op)
        else:
            result.refused += 1
            settled.add(op)
    pending = [op for op in intents if op not in settled]
    if len(pending) > 1:
        raise AssertionError(f"{path.name}: {len(pending)} changes in flight at once")
    return committed, intents[pending[0]] if pending else None


def note_sizes(intent: dict) -> int:
    values = intent.get("values", {})
    return max((len(v) for v in values.values() if isinstance(v, str)), default=0)


def check_after_kill(path: Path, state: State, journal: Path, result: Result) -> State:
    """Apply the run's committed changes to `state`, compare with the vault, settle the change
    in flight. Returns the state the next run starts from (the vault's, when it matches)."""
    committed, in_flight = read_journal(journal, result)
    for intent, done in committed:
        apply(state, intent, done.get("id"))
        result.writes_verified += 1
        result.largest_note = max(result.largest_note, note_sizes(intent))
    found, problems = read_vault(path, PASSPHRASE)
    if problems:
        result.integrity_failures += 1
        raise AssertionError(f"integrity check: {problems[:3]}")
    result.record_checks += sum(len(rows) for rows in state.values())
    if found == state:
        if in_flight is not None:
            result.in_flight_absent += 1
        return state
    if in_flight is not None:
        applied = copy.deepcopy(state)
        table = CREATES.get(in_flight["type"])
        extra = sorted(found[table].keys() - state[table].keys()) if table else []
        if not table or len(extra) == 1:
            apply(applied, in_flight, extra[0] if extra else None)
            if found == applied:
                result.in_flight_applied += 1
                return applied
    diff = differences(state, found)
    result.lost_commits += sum(1 for d in diff if not d.endswith("unexpected"))
    raise AssertionError(f"vault differs from the journal: {diff[:5]} (in flight: "
                         f"{in_flight and in_flight['type']})")


def new_vault(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "vault.kapnotes"
    lifecycle.create_vault(path, PASSPHRASE).vault.close()
    (folder / "passphrase.txt").write_text(PASSPHRASE + "\n", encoding="utf-8")
    return path


class ForkServer:
    """writer.py --fork-server: imports the app once, then forks each writer on request (a
    fresh interpreter per writer cost more than the writing and the check together)."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, str(WRITER), "--fork-server"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def start(self, path: Path, journal: Path, seed: int) -> WriterProcess:
        """A writer forked now: it unlocks the vault (the app's own path) and prints READY."""
        assert self.proc.stdin is not None
        err_path = journal.with_suffix(".stderr")
        args = ["--vault", str(path), "--passphrase-file", str(path.parent / "passphrase.txt"),
                "--journal", str(journal), "--seed", str(seed)]
        self.proc.stdin.write(json.dumps({"args": args, "stderr": str(err_path)}).encode()
                              + b"\n")
        self.proc.stdin.flush()
        return WriterProcess(self, seed, err_path)

    def line(self) -> bytes:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError("the writer fork server ended")
        return line.strip()

    def stop(self) -> None:
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()
        self.proc.wait(timeout=60)


class WriterProcess:
    """One forked writer: `write_then_kill` waits for its READY, lets it write, SIGKILLs it
    and returns once it is gone (its vault lock released)."""

    def __init__(self, server: ForkServer, seed: int, err_path: Path) -> None:
        self.seed, self.err_path = seed, err_path
        self.pid, self.ready, self.exited = 0, False, -1
        for _ in range(2):  # "PID n" from the server and READY/FAILED from the writer, any order
            line = server.line()
            if line.startswith(b"PID "):
                self.pid = int(line.split()[1])
                with contextlib.suppress(ProcessLookupError, AttributeError):  # gone; no pidfd
                    self.exited = os.pidfd_open(self.pid)  # readable once the process is gone
            else:
                self.ready = line == b"READY"

    def _stderr(self) -> str:
        return self.err_path.read_text(errors="replace")[-2000:]

    def _gone(self, timeout: float) -> bool:
        if self.exited >= 0:
            return bool(select.select([self.exited], [], [], timeout)[0])
        deadline = time.monotonic() + timeout  # without pidfd (not Linux): ask for the pid
        while True:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:  # the fork server's children are reaped at once
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)

    def write_then_kill(self, delay_s: float) -> None:
        """Let it write for `delay_s` after READY, SIGKILL it, wait until it has ended."""
        try:
            if not self.ready:
                self._gone(60)
                raise AssertionError(f"writer (seed {self.seed}) did not start: {self._stderr()}")
            time.sleep(delay_s)
            if self._gone(0):
                raise AssertionError(f"writer (seed {self.seed}) died on its own: "
                                     f"{self._stderr()}")
            os.kill(self.pid, signal.SIGKILL)
            if not self._gone(60):
                raise AssertionError(f"writer (seed {self.seed}) outlived SIGKILL")
        finally:
            if self.exited >= 0:
                os.close(self.exited)


def run(kills: int, seed: int, workdir: Path, *, kills_per_vault: int = 10,
        max_delay_s: float = 0.15, progress: Callable[[str], None] | None = None) -> Result:
    """`kills` kill -9s; a fresh vault every `kills_per_vault` so each check stays quick."""
    rng = random.Random(seed)
    result = Result()
    state = empty_state()
    server = ForkServer()
    try:
        for k in range(kills):
            folder = workdir / f"vault-{k // kills_per_vault + 1:04d}"
            path, journal = folder / "vault.kapnotes", folder / f"journal-{k:05d}.jsonl"
            if k % kills_per_vault == 0:
                new_vault(folder)
                result.vaults += 1
                state = empty_state()
            writer = server.start(path, journal, rng.getrandbits(32))
            try:
                writer.write_then_kill(rng.uniform(0, max_delay_s))
                result.kills += 1
                state = check_after_kill(path, state, journal, result)
            except AssertionError as exc:
                result.failures.append(f"kill {k + 1} (writer seed {writer.seed}, {path}): {exc}")
                break  # the vault no longer matches what we know; the report says where
            if progress and (k + 1) % 50 == 0:
                progress(result.summary())
    finally:
        server.stop()
    return result


def run_side_by_side(kills: int, seed: int, workdir: Path, *, chains: int = 2) -> Result:
    """`kills` kill -9s shared between `chains` runs at the same time, each its own fork server,
    vaults and seed (`seed`, `seed + 1`, …): a run spends most of its time waiting for its
    writer (to start, to write for its random delay, to end), so two on two cores take about
    half as long, and every kill and check is the same as in one run."""
    shares = [kills // chains + (1 if n < kills % chains else 0) for n in range(chains)]
    with ThreadPoolExecutor(chains, thread_name_prefix="kill-chain") as pool:
        results = list(pool.map(lambda n: run(shares[n], seed + n, workdir / f"chain-{n + 1}"),
                                range(chains)))
    merged = Result()
    for n, result in enumerate(results):
        for name, value in vars(result).items():
            if name == "failures":
                merged.failures += [f"chain {n + 1} (seed {seed + n}): {f}" for f in value]
            elif name == "largest_note":
                merged.largest_note = max(merged.largest_note, value)
            else:
                setattr(merged, name, getattr(merged, name) + value)
    return merged


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="kill -9 a writer at random; check the vault each time")
    p.add_argument("--kills", type=int, default=200)
    p.add_argument("--seed", type=int, default=int(time.time()))
    p.add_argument("--workdir", type=Path, default=None,
                   help="where vaults and journals go (default: a new temporary folder)")
    p.add_argument("--kills-per-vault", type=int, default=10)
    p.add_argument("--max-delay-ms", type=float, default=150.0)
    args = p.parse_args(argv)
    import tempfile

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kapnotes-kill-"))
    print(f"seed {args.seed}, working in {workdir}", flush=True)
    result = run(args.kills, args.seed, workdir, kills_per_vault=args.kills_per_vault,
                 max_delay_s=args.max_delay_ms / 1000, progress=lambda s: print(s, flush=True))
    print(result.summary())
    for failure in result.failures:
        print(f"FAILED: {failure}")
    return 1 if result.failures else 0


if __name__ == "__main__":
    sys.exit(main())
