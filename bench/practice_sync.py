"""`make bench ARGS=--practice [--repeat N]`: workstation sync at practice scale (issue 20).

A local practice server (`scripts/practice_server.sh`) gets a database `kapnotes_bench`,
filled once (kept for later runs while `POPULATION_VERSION` and the size stay the same) by
`bench/practice_populate.py`: 20 clinicians, 2,000 clients, 100,000 sessions, with payloads
the vault's own encoder made from notes written through the services. Then, N times each:

- **first sync**: a new vault joins as the therapist with 500 clients on their care team and
  runs `sync_once` until it has pulled everything (target ≤ 60 s);
- **a day's work**: that workstation writes 50 sessions through the services (untimed), then
  one `sync_once` pushes them and pulls their echoes (target ≤ 2 s).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from bench import notes_gen
from bench.phrases import Writer
from bench.practice_populate import PayloadTemplates, PracticeSize, enrolment_code, populate
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.services import practice_link, practice_sync
from kapnotes.services.container import Services, build_services
from kapnotes.storage import lifecycle, sync_payloads

REPO = Path(__file__).resolve().parent.parent
DB = "kapnotes_bench"
PREFIX = "bnch_"
POPULATION_VERSION = 2
PASSPHRASE = "bench orchard lantern quietly 7"
RESULTS = Path(__file__).resolve().parent / "practice_results.json"
NOW = datetime(2026, 11, 20, 17, 0)


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def server_dsn() -> str:
    out = subprocess.run(["bash", str(REPO / "scripts" / "practice_server.sh"), "start"],
                         capture_output=True, text=True, check=True, timeout=300)
    return out.stdout.strip().splitlines()[-1]


# -- payload templates: notes written through the services, encoded by the vault ----------
def _written_vault(folder: Path, notes: int, rng: random.Random) -> Services:
    created = lifecycle.create_vault(folder / "templates.kapnotes", PASSPHRASE)
    services = build_services(created.vault, clock=lambda: NOW,
                              practice_templates=folder / "templates")
    client = services.clients.create(Client(code="BN-TEMPLATE", full_name="Fictional Person",
                                            phone="0400 000 000", diagnosis="Fictional"))
    course = services.courses.create(Course(client_id=int(client.id or 0), protocol="custom",
                                            start_date=date(2026, 9, 1), title="Course"))
    write_day(services, int(course.id or 0), notes, rng, sign=True)
    return services


def write_day(services: Services, course_id: int, count: int, rng: random.Random, *,
              sign: bool) -> list[int]:
    """`count` sessions with their notes written as a therapist writes them."""
    w = Writer(rng)
    kinds = (SessionKind.PREPARATION, SessionKind.DOSING, SessionKind.INTEGRATION)
    ids = []
    for n in range(count):
        kind = kinds[n % 3]
        session = services.notes.create_session(
            course_id=course_id, kind=kind, starts_at=NOW - timedelta(days=count - n),
            clinician="Fictional Therapist")
        sid = int(session.id or 0)
        intentions = notes_gen.course_intentions(w)
        values = (notes_gen.preparation(w, intentions) if kind is SessionKind.PREPARATION
                  else notes_gen.dosing(w, intentions) if kind is SessionKind.DOSING
                  else {k: v for k, v in notes_gen.integration(w, []).items()
                        if k != "intentions_review"})
        services.notes.save_fields(sid, values)
        if kind is SessionKind.DOSING:
            services.monitoring.add_reading(sid, "extra", {"systolic": 124, "diastolic": 80,
                                                           "heart_rate": 72},
                                            at=session.starts_at + timedelta(minutes=40))
        if sign and kind is not SessionKind.DOSING:
            services.notes.sign(sid, signer="Fictional Therapist", reason="bench")
        ids.append(sid)
    return ids


def templates(folder: Path, rng: random.Random) -> PayloadTemplates:
    services = _written_vault(folder, 30, rng)
    vault = services.vault
    try:
        def payload(table: str, local_id: int) -> dict[str, Any]:
            found = sync_payloads.payload_of(vault, table, local_id)
            assert found is not None
            return found

        notes = []
        for (sid,) in vault.query("SELECT id FROM sessions ORDER BY id"):
            signed = payload("sessions", int(sid))
            draft = {**signed, "signed": False, "signed_at": None, "signed_by": "",
                     "sign_reason": ""}
            notes.append((draft, signed))
        first = lambda table: int(vault.query_one(f"SELECT min(id) FROM {table}")[0])  # noqa: E731
        return PayloadTemplates(client=payload("clients", first("clients")),
                                course=payload("courses", first("courses")), notes=notes,
                                vitals=payload("vitals_readings", first("vitals_readings")),
                                measure=_measure(services))
    finally:
        vault.close()


def _measure(services: Services) -> dict[str, Any]:
    client = services.clients.list()[0]
    m = services.measures.enter(client_id=int(client.id or 0), scale_id="phq9",
                                taken_on=NOW.date(), total=9)
    found = sync_payloads.payload_of(services.vault, "measures", int(m.id or 0))
    assert found is not None
    return found


# -- the server -----------------------------------------------------------------------------
def bench_database(admin: str, size: PracticeSize, rng: random.Random) -> str:
    """The populated bench database (kept between runs when current)."""
    dsn = make_conninfo(admin, dbname=DB)
    want = {"version": POPULATION_VERSION, **asdict(size)}
    try:
        with psycopg.connect(dsn) as conn:
            have = conn.execute("SELECT meta FROM public.bench_meta").fetchone()
            if have and have[0] == want:
                log(f"practice bench: reusing {DB} ({have[0]})")
                return dsn
    except psycopg.Error:
        pass
    maintenance = make_conninfo(admin, dbname="postgres")
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(DB)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB)))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kapnotes-bench-tpl-") as folder:
        tpl = templates(Path(folder), rng)
    counts = populate(dsn, PREFIX, size, tpl)
    seconds = time.perf_counter() - started
    with psycopg.connect(dsn) as conn:
        conn.execute("CREATE TABLE public.bench_meta (meta jsonb NOT NULL)")
        conn.execute("INSERT INTO public.bench_meta VALUES (%s)", (json.dumps(want),))
    log(f"practice bench: populated {DB} in {seconds:.0f} s: {counts}")
    return dsn


def _join(folder: Path, dsn: str, login: str, n: int) -> Services:
    code = enrolment_code(dsn, login)
    created = lifecycle.create_vault(folder / f"ws{n}.kapnotes", PASSPHRASE)
    services = build_services(created.vault, clock=lambda: NOW,
                              practice_templates=folder / "templates")
    practice_link.join(created.vault, dsn, code, login)
    return services


def measure_once(dsn: str, n: int, folder: Path, rng: random.Random) -> dict[str, Any]:
    login = f"{PREFIX}th00"
    services = _join(folder, dsn, login, n)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        first = practice_sync.sync_once(services.vault, clock=lambda: NOW)
        first_s = time.perf_counter() - started
        first_cpu = time.process_time() - cpu
        assert not first.error, first.error
        clients = services.clients.list()
        course = services.courses.for_client(int(clients[0].id or 0))[0]
        write_day(services, int(course.id or 0), 50, rng, sign=False)
        started, cpu = time.perf_counter(), time.process_time()
        day = practice_sync.sync_once(services.vault, clock=lambda: NOW)
        day_s = time.perf_counter() - started
        day_cpu = time.process_time() - cpu
        assert not day.error, day.error
        size_mb = services.vault.path.stat().st_size / 1e6
    finally:
        services.vault.close()
    log(f"  run {n}: first sync {first_s:.1f} s (CPU {first_cpu:.1f} s; {first.pulled} rows, "
        f"{len(clients)} clients, {size_mb:.0f} MB), day's work {day_s:.2f} s "
        f"(CPU {day_cpu:.2f} s; {day.pushed} pushed); load {load()}")
    return {"first_sync_s": first_s, "first_sync_cpu_s": first_cpu, "day_cpu_s": day_cpu,
            "load_after": load(), "first_pulled": first.pulled, "clients": len(clients),
            "vault_mb": round(size_mb, 1), "day_s": day_s, "day_pushed": day.pushed,
            "day_pulled": day.pulled}


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run(repeat: int, size: PracticeSize | None = None) -> dict[str, Any]:
    size = size or PracticeSize()
    rng = random.Random(20261203)
    dsn = bench_database(server_dsn(), size, rng)
    runs, loads = [], []
    with tempfile.TemporaryDirectory(prefix="kapnotes-bench-ws-") as folder:
        for n in range(repeat):
            loads.append(load())
            runs.append(measure_once(dsn, n, Path(folder), rng))
    result: dict[str, Any] = {"generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
                              "size": asdict(size), "repeat": repeat, "load": loads,
                              "runs": runs}
    for key, target in (("first_sync_s", 60.0), ("day_s", 2.0)):
        values = [r[key] for r in runs]
        result[key] = {"median": statistics.median(values), "min": min(values),
                       "max": max(values), "target": target,
                       "pass": statistics.median(values) <= target}
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def report(result: dict[str, Any]) -> str:
    lines = ["operation          median   spread (min–max)   target   result"]
    for key, name in (("first_sync_s", "first sync"), ("day_s", "day's work")):
        r = result[key]
        lines.append(f"{name:<17} {r['median']:7.2f} s  {r['min']:6.2f}–{r['max']:.2f} s"
                     f"   ≤ {r['target']:.0f} s   {'pass' if r['pass'] else 'FAIL'}")
    lines.append(f"load averages (1/5/15 min) before each run: {result['load']}")
    return "\n".join(lines)
