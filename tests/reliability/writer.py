"""A writer process for the kill harness: real service writes, each journalled once committed.

Run as `python tests/reliability/writer.py --vault PATH --passphrase-file F --journal FILE
--seed N`. It unlocks the vault as the app does (lifecycle.unlock_vault + build_services),
prints READY, then writes until it is killed (or until `--ops` operations are done).

`--fork-server` imports all that once and then forks one such writer per JSON line on stdin
(its arguments): the kill harness starts hundreds of writers, and each one would otherwise spend
most of its life starting Python and importing the app. Each fork is its own process, killed
with SIGKILL by the harness like any other; the server prints `PID n` for it, and the writer
prints READY (or FAILED and its error on its stderr file).

Journal (JSON lines, appended with O_APPEND):
- before a call: {"op": n, "intent": {...}}: what is about to be written and its expected
  read-back. Written, not fsynced: it only tells the checker which single change may be in
  flight when the process dies.
- after the call returned: {"op": n, "done": {...ids}} and fsync. A "done" line is the writer
  reporting the change as committed; the checker demands every such change, byte for byte.
- a refused call (ValidationError/ConflictError): {"op": n, "refused": message}.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import tempfile
import traceback
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.domain.models import Client, Course, Modality, Session, SessionKind
from kapnotes.domain.templates import FieldType, TemplateField
from kapnotes.services.container import Services, build_services
from kapnotes.storage import lifecycle

PIECES = (
    "calm", "breath", "the client said", "Zoë", "Ångström", "naïve café", "日本語のメモ",
    "🌿", "😀", "👩🏽‍⚕️", "مرحبا", "שלום", "e\u0301", "Ω≈ç√", "'); DROP TABLE clients; --",
    '"quoted"', "back\\slash", "%s %d {0}", "NULL", "<b>bold</b>", "\u200b", "\ufeff", "𝔘𝔫𝔦",
)
MULTILINE_PIECES = ("\n", "\r\n", "\t", "\n\n")
NOTE_ONLY_PIECES = ("\x00", "\x07", "\x1b[31m")  # note fields keep what was typed, even these


def words(rng: random.Random, n: int, *, multiline: bool = False, note: bool = False) -> str:
    pool = PIECES + (MULTILINE_PIECES if multiline else ()) + (NOTE_ONLY_PIECES if note else ())
    text = " ".join(rng.choice(pool) for _ in range(max(1, n)))
    return text if multiline else text.strip() or "x"


def long_text(rng: random.Random) -> str:
    """Mostly a paragraph; now and then a very large note (100 kB to 1 MB of characters)."""
    if rng.random() < 0.03:
        size = rng.randint(100_000, 1_000_000)
        unit = words(rng, 40, multiline=True, note=True) + "\n"
        return (unit * (size // len(unit) + 1))[:size]
    return words(rng, rng.randint(1, 80), multiline=True, note=True)


def field_value(rng: random.Random, f: TemplateField) -> Any:
    """A valid value already in stored (normalised) form, so read-back must equal it."""
    t = f.type
    if t is FieldType.SHORT_TEXT:
        return words(rng, rng.randint(1, 8), note=True)
    if t is FieldType.LONG_TEXT:
        return long_text(rng)
    if t is FieldType.SINGLE_CHOICE:
        return rng.choice(f.options).id
    if t in (FieldType.MULTI_CHOICE, FieldType.CHECKLIST):
        return [o.id for o in f.options if rng.random() < 0.5] or [f.options[0].id]
    if t is FieldType.SCALE_0_10:
        return rng.randint(0, 10)
    if t is FieldType.NUMBER:
        lo, hi = int(f.min if f.min is not None else 0), int(f.max if f.max is not None else 500)
        return rng.randint(lo, hi)
    if t is FieldType.TIME:
        return f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
    if t is FieldType.DATE:
        return (date(2026, 1, 1) + timedelta(days=rng.randint(0, 400))).isoformat()
    if t is FieldType.REPEATING_LIST:
        return [words(rng, rng.randint(1, 6)) for _ in range(rng.randint(1, 4))]
    if t is FieldType.INTENTIONS_REVIEW:
        return [{"intention_id": i, "progress": rng.choice([None, *range(11)]),
                 "note": words(rng, 5, note=True)} for i in range(1, rng.randint(1, 4) + 1)]
    if t is FieldType.THEMES:
        return [{"theme": words(rng, 2), "evidence": words(rng, 6, multiline=True)}
                for _ in range(rng.randint(1, 3))]
    raise AssertionError(f"no generator for {t}")


def client_record(rng: random.Random, code: str) -> dict[str, Any]:
    dob = date(1940, 1, 1) + timedelta(days=rng.randint(0, 25_000))
    return {
        "code": code, "full_name": words(rng, rng.randint(1, 4)),
        "preferred_name": rng.choice(["", words(rng, 1)]),
        "date_of_birth": rng.choice([None, dob.isoformat()]),
        "diagnosis": words(rng, rng.randint(0, 10), multiline=True).strip(),
        "medicines": [words(rng, 2) for _ in range(rng.randint(0, 3))],
        "background": words(rng, rng.randint(0, 60), multiline=True),
    }


def to_client(rec: dict[str, Any], client_id: int | None = None) -> Client:
    dob = rec["date_of_birth"]
    return Client(code=rec["code"], full_name=rec["full_name"],
                  preferred_name=rec["preferred_name"],
                  date_of_birth=date.fromisoformat(dob) if dob else None,
                  diagnosis=rec["diagnosis"], medicines=tuple(rec["medicines"]),
                  background=rec["background"], id=client_id)


class Writer:
    """Chooses and performs one real service write at a time, journalling each."""

    def __init__(self, services: Services, journal: Path, rng: random.Random) -> None:
        self.s = services
        self.rng = rng
        self.fd = os.open(journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self.op = self._last_op(journal)
        self.clients = {c.id: c.code for c in services.clients.list(include_archived=True)}
        self.courses = [c.id for cid in self.clients for c in services.courses.for_client(cid)]
        self.sessions = {s.id: s for course in self.courses
                         for s in services.notes.sessions_for_course(int(course or 0))}

    @staticmethod
    def _last_op(journal: Path) -> int:
        last = 0
        if journal.exists():
            for line in journal.read_text(encoding="utf-8").splitlines():
                try:
                    last = max(last, int(json.loads(line)["op"]))
                except (ValueError, KeyError, TypeError):
                    pass  # a line torn by an earlier kill
        return last

    def _write(self, entry: dict[str, Any], *, sync: bool) -> None:
        os.write(self.fd, (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8"))
        if sync:
            os.fsync(self.fd)

    def step(self) -> None:
        self.op += 1
        choices = ["create_client"] * 2
        if self.clients:
            choices += ["update_client", "create_course"]
        if self.courses:
            choices += ["create_session"] * 2
        drafts = [sid for sid, s in self.sessions.items() if not s.signed]
        if drafts:
            choices += ["save_fields"] * 8 + ["update_session", "sign"]
        if any(s.signed for s in self.sessions.values()):
            choices += ["addendum"]
        kind = self.rng.choice(choices)
        intent, call = getattr(self, f"_plan_{kind}")()
        intent.setdefault("type", kind)
        self._write({"op": self.op, "intent": intent}, sync=False)
        try:
            done = call()
        except (ValidationError, ConflictError) as exc:
            self._write({"op": self.op, "refused": str(exc)}, sync=True)
            return
        self._write({"op": self.op, "done": done}, sync=True)

    # -- plans: (intent with expected read-back, the call returning ids) ------------------
    def _plan_create_client(self) -> tuple[dict[str, Any], Any]:
        rec = client_record(self.rng, f"W{self.rng.getrandbits(48):012X}")

        def call() -> dict[str, Any]:
            new_id = int(self.s.clients.create(to_client(rec)).id or 0)
            self.clients[new_id] = rec["code"]
            return {"id": new_id}
        return {"client": rec}, call

    def _plan_update_client(self) -> tuple[dict[str, Any], Any]:
        cid = self.rng.choice(list(self.clients))
        rec = client_record(self.rng, self.clients[cid])

        def call() -> dict[str, Any]:
            self.s.clients.update(to_client(rec, cid))
            return {}
        return {"id": cid, "client": rec}, call

    def _plan_create_course(self) -> tuple[dict[str, Any], Any]:
        rec = {
            "client_id": self.rng.choice(list(self.clients)),
            "protocol": self.rng.choice(["esketamine", "iv_ketamine", "kap_sublingual_im",
                                         "custom"]),
            "start_date": (date(2026, 1, 5) + timedelta(days=self.rng.randint(0, 300))).isoformat(),
            "title": words(self.rng, 3), "prescriber": words(self.rng, 2),
            "maintenance_interval_weeks": self.rng.randint(1, 4),
        }

        def call() -> dict[str, Any]:
            course = self.s.courses.create(Course(**{**rec, "start_date": date.fromisoformat(
                rec["start_date"])}))
            self.courses.append(course.id)
            return {"id": course.id}
        return {"course": rec}, call

    def _session_details(self, course_id: int, kind: str) -> dict[str, Any]:
        starts = datetime(2026, 2, 1, 9, 0) + timedelta(minutes=15 * self.rng.randint(0, 30_000))
        return {"course_id": course_id, "kind": kind, "starts_at": starts.isoformat(),
                "duration_min": self.rng.randint(0, 1440), "clinician": words(self.rng, 2),
                "modality": self.rng.choice(["in_person", "telehealth"])}

    def _plan_create_session(self) -> tuple[dict[str, Any], Any]:
        rec = self._session_details(int(self.rng.choice(self.courses) or 0),
                                    self.rng.choice(["preparation", "dosing", "integration"]))

        def call() -> dict[str, Any]:
            s = self.s.notes.create_session(
                course_id=rec["course_id"], kind=SessionKind(rec["kind"]),
                starts_at=datetime.fromisoformat(rec["starts_at"]),
                duration_min=rec["duration_min"], clinician=rec["clinician"],
                modality=Modality(rec["modality"]))
            self.sessions[int(s.id or 0)] = s
            return {"id": s.id}
        return {"session": rec}, call

    def _plan_update_session(self) -> tuple[dict[str, Any], Any]:
        sid = self.rng.choice([k for k, s in self.sessions.items() if not s.signed])
        old = self.sessions[sid]
        rec = self._session_details(old.course_id, old.kind.value)

        def call() -> dict[str, Any]:
            self.sessions[sid] = self.s.notes.update_details(Session(
                id=sid, course_id=old.course_id, kind=old.kind,
                starts_at=datetime.fromisoformat(rec["starts_at"]),
                duration_min=rec["duration_min"], clinician=rec["clinician"],
                modality=Modality(rec["modality"]), template_id=old.template_id,
                template_version=old.template_version))
            return {}
        return {"id": sid, "session": rec}, call

    def _fillable(self, sid: int) -> list[TemplateField]:
        template = self.s.notes.template_for(self.sessions[sid])
        return [f for f in template.fields if f.type is not FieldType.HEADING]

    def _plan_save_fields(self, sid: int | None = None,
                          fields: list[TemplateField] | None = None) -> tuple[dict, Any]:
        if sid is None:
            sid = self.rng.choice([k for k, s in self.sessions.items() if not s.signed])
        if fields is None:
            fillable = self._fillable(sid)
            fields = self.rng.sample(fillable, self.rng.randint(1, min(3, len(fillable))))
        values = {f.id: field_value(self.rng, f) for f in fields}

        def call() -> dict[str, Any]:
            self.s.notes.save_fields(sid, values)
            return {}
        return {"type": "save_fields", "session_id": sid, "values": values}, call

    def _plan_sign(self) -> tuple[dict[str, Any], Any]:
        sid = self.rng.choice([k for k, s in self.sessions.items() if not s.signed])
        missing = self.s.notes.missing_for_signing(sid)
        if missing:  # fill the required fields first; signing comes on a later pick
            required = [f for f in self._fillable(sid) if f.label in missing]
            return self._plan_save_fields(sid, required)
        signer = words(self.rng, 2)

        def call() -> dict[str, Any]:
            self.sessions[sid] = self.s.notes.sign(sid, signer=signer)
            return {}
        return {"session_id": sid, "signer": signer}, call

    def _plan_addendum(self) -> tuple[dict[str, Any], Any]:
        sid = self.rng.choice([k for k, s in self.sessions.items() if s.signed])
        text, author = words(self.rng, self.rng.randint(1, 40), multiline=True), words(
            self.rng, 2)

        def call() -> dict[str, Any]:
            return {"id": self.s.notes.add_addendum(sid, text, author=author).id}
        return {"session_id": sid, "text": text, "author": author}, call


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--vault", required=True, type=Path)
    p.add_argument("--passphrase-file", required=True, type=Path)
    p.add_argument("--journal", required=True, type=Path)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--ops", type=int, default=0, help="stop after this many (0: until killed)")
    p.add_argument("--wait-for-go", action="store_true",
                   help="import everything, then wait for a GO line on stdin before unlocking")
    args = p.parse_args(argv)
    if args.wait_for_go and sys.stdin.readline().strip() != "GO":
        return 0  # the harness no longer needs this writer
    passphrase = args.passphrase_file.read_text(encoding="utf-8").rstrip("\n")
    vault = lifecycle.unlock_vault(args.vault, passphrase=passphrase)
    writer = Writer(build_services(vault, practice_templates=args.vault.parent / "templates"),
                    args.journal, random.Random(args.seed))
    print("READY", flush=True)
    done = 0
    while not args.ops or done < args.ops:
        writer.step()
        done += 1
    vault.close()
    return 0


def _import_what_writers_use() -> None:
    """Import here, once, the services kapnotes/services/container.py builds on first use (and
    their ~70 modules): else every forked writer imports them again. They are built whole on a
    throwaway vault, so what is imported follows container.py, not a list kept here."""
    with tempfile.TemporaryDirectory(prefix="kapnotes-fork-server-") as folder:
        path = Path(folder) / "vault.kapnotes"
        vault = lifecycle.create_vault(path, "throwaway fork-server passphrase").vault
        try:
            services = build_services(vault, practice_templates=path.parent / "templates")
            _ = services.courses  # the first read builds them all
        finally:
            vault.close()


def serve_forks() -> int:
    """Fork a writer per request line until stdin closes; the kernel reaps the children."""
    _import_what_writers_use()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            os._exit(_forked_writer(request))
        print(f"PID {pid}", flush=True)
    return 0


def _forked_writer(request: dict[str, Any]) -> int:
    code = 1
    try:
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)  # the server's requests are not for this writer
        err = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(err, 2)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        code = main(request["args"])
    except BaseException:  # reported to the harness; then this process ends
        traceback.print_exc()
        print("FAILED", flush=True)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return code


if __name__ == "__main__":
    sys.exit(serve_forks() if sys.argv[1:] == ["--fork-server"] else main())
