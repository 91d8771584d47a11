"""The practice server's foundations: the local server script, sequence numbers under a
lock, and the solo app never loading psycopg."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.practice.practice_helpers import enrol, pull, push

ROOT = Path(__file__).resolve().parents[2]
CLIENT = "KAP-0100"


def test_the_script_names_the_package_when_postgresql_is_missing(tmp_path: Path) -> None:
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "practice_server.sh"), "start"],
        env={"PATH": "/usr/bin:/bin", "KAPNOTES_PG_BINDIR": str(tmp_path / "no-postgres"),
             "KAPNOTES_PRACTICE_DIR": str(tmp_path / "server")},
        capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert "apt-get install postgresql" in result.stderr
    assert not (tmp_path / "server").exists()


def test_the_local_server_takes_only_tls_logins(practice_server_dsn: str) -> None:
    plain = practice_server_dsn.replace("sslmode=verify-full", "sslmode=disable")
    with pytest.raises(psycopg.OperationalError, match=r"no pg_hba\.conf entry"):
        psycopg.connect(plain, connect_timeout=10).close()
    with psycopg.connect(practice_server_dsn) as conn:
        row = conn.execute("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        ssl, version = row.fetchone() or (False, "")
        assert ssl and version.startswith("TLSv1.")
        assert conn.execute("SHOW password_encryption").fetchone() == ("scram-sha-256",)


def test_a_push_that_commits_late_is_never_skipped_by_a_pull(practice_schema_dsn: str) -> None:
    therapist = enrol(practice_schema_dsn, "ther", "therapist", CLIENT)
    slow = psycopg.connect(therapist)
    slow.execute("SELECT * FROM kap.push(%s, %s, 'vitals', %s, NULL, 1, '{}')",
                 (uuid.uuid4(), CLIENT, uuid.uuid4()))  # seq 1, not yet committed
    second: list[tuple[int | None, str, int]] = []
    worker = threading.Thread(target=lambda: second.append(
        push(therapist, CLIENT, "vitals", uuid.uuid4(), {"hr": 70})))
    worker.start()
    try:
        _wait_until_a_push_waits_on_the_lock(practice_schema_dsn)
        assert pull(therapist) == []  # nothing visible, and nothing numbered past the gap
    finally:
        slow.commit()
        slow.close()
    worker.join(timeout=60)
    assert second and second[0][:2] == (2, "applied")
    assert [r[0] for r in pull(therapist)] == [1, 2]


def _wait_until_a_push_waits_on_the_lock(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as admin:
        for _ in range(300):
            waiting = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query LIKE '%kap.push%'").fetchone()
            if waiting and waiting[0]:
                return
            time.sleep(0.05)
    pytest.fail("the second push never waited for the first one's lock")


def test_a_signed_note_reaches_the_supervisor_who_cannot_change_it(
        practice_schema_dsn: str) -> None:
    therapist = enrol(practice_schema_dsn, "ther", "therapist", CLIENT)
    supervisor = enrol(practice_schema_dsn, "sup", "supervisor", CLIENT)
    note = uuid.uuid4()
    push(therapist, CLIENT, "note", note, {"text": "fictional", "signed": True})
    assert [(r[2], r[3], r[4]["signed"]) for r in pull(supervisor)] == [("note", note, True)]
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="may not write note"):
        push(supervisor, CLIENT, "note", uuid.uuid4(), {"text": "fictional"})
    assert push(supervisor, CLIENT, "review", uuid.uuid4(), {"note": str(note)})[1] == "applied"


def test_the_solo_app_never_imports_psycopg() -> None:
    code = ("import sys, kapnotes.cli, kapnotes.services.container, kapnotes.storage.vault;"
            "kapnotes.cli.build_parser();"
            "print(sorted(m for m in sys.modules if m.startswith('psycopg')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
