"""`kapnotes practice setup / add-clinician / assign` through the real console entry, against
a real PostgreSQL server over TLS (tests/practice/conftest.py)."""

from __future__ import annotations

import re

import psycopg

from tests.practice.practice_helpers import clinician_dsn, unique_login


def test_setup_creates_the_schema_and_is_idempotent(practice_dsn: str, run_kapnotes) -> None:
    first = run_kapnotes("practice", "setup", "--dsn", practice_dsn)
    assert first.returncode == 0, first.stderr
    assert ("applied 0001_base.sql, 0002_push_pull.sql, 0003_sync.sql, "
            "0004_stale_edit_of_signed.sql, 0005_payload_bound.sql, "
            "0006_void_insert_only.sql, 0007_op_id_is_one_operation.sql, "
            "0008_creator_claims_assigned_code.sql, 0009_consents_screens.sql, "
            "0010_register_and_audit.sql, 0011_void_needs_reason.sql, "
            "0012_register_stock_lines.sql, 0013_approvals.sql, "
            "0014_stock_lines_without_words.sql") in first.stdout
    again = run_kapnotes("practice", "setup", "--dsn", practice_dsn)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "Practice schema already up to date."
    with psycopg.connect(practice_dsn) as conn:
        versions = [r[0] for r in
                    conn.execute("SELECT version FROM kap.schema_migrations ORDER BY 1")]
        assert versions == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]
        forced = conn.execute("SELECT relforcerowsecurity FROM pg_class "
                              "WHERE oid = 'kap.change_log'::regclass").fetchone()
        assert forced == (True,)
        roles = [r[0] for r in conn.execute("SELECT role FROM kap.roles ORDER BY 1")]
        assert roles == ["administrator", "nurse", "prescriber", "supervisor", "therapist"]


def test_add_clinician_prints_a_code_that_logs_in_over_tls(practice_dsn: str, run_kapnotes) -> None:
    assert run_kapnotes("practice", "setup", "--dsn", practice_dsn).returncode == 0
    login = unique_login("ther")
    result = run_kapnotes("practice", "add-clinician", "--dsn", practice_dsn,
                          "--name", login, "--role", "therapist")
    assert result.returncode == 0, result.stderr
    codes = [line for line in result.stdout.splitlines() if line.startswith("Enrolment code: ")]
    assert len(codes) == 1
    code = codes[0].removeprefix("Enrolment code: ")
    assert re.fullmatch(r"[A-Z2-9]{5}(-[A-Z2-9]{5}){4}", code)
    with psycopg.connect(clinician_dsn(practice_dsn, login, code)) as conn:
        who, ssl = conn.execute("SELECT current_user, ssl FROM pg_stat_ssl "
                                "WHERE pid = pg_backend_pid()").fetchone() or (None, None)
        assert (who, ssl) == (login, True)
        assert conn.execute("SELECT role FROM kap.role_permissions LIMIT 1").fetchone()
    # The same name twice is refused, one line, nothing changed.
    twice = run_kapnotes("practice", "add-clinician", "--dsn", practice_dsn,
                         "--name", login, "--role", "nurse")
    assert twice.returncode == 1
    assert twice.stderr.strip() == (f"kapnotes: error: a login named {login} already exists "
                                    f"on this server")


def test_assign_puts_the_clinician_on_the_care_team(practice_dsn: str, run_kapnotes) -> None:
    assert run_kapnotes("practice", "setup", "--dsn", practice_dsn).returncode == 0
    login = unique_login("nurse")
    assert run_kapnotes("practice", "add-clinician", "--dsn", practice_dsn,
                        "--name", login, "--role", "nurse").returncode == 0
    result = run_kapnotes("practice", "assign", "--dsn", practice_dsn,
                          "--client", "KAP-0042", "--clinician", login)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{login} is on the care team of KAP-0042 as nurse."
    with psycopg.connect(practice_dsn) as conn:
        team = conn.execute("SELECT client_code, login, role FROM kap.care_team").fetchall()
    assert team == [("KAP-0042", login, "nurse")]


def test_bad_input_is_one_clear_line_and_changes_nothing(practice_dsn: str, run_kapnotes) -> None:
    assert run_kapnotes("practice", "setup", "--dsn", practice_dsn).returncode == 0
    bad_name = run_kapnotes("practice", "add-clinician", "--dsn", practice_dsn,
                            "--name", "Robert'); DROP TABLE x;--", "--role", "nurse")
    assert bad_name.returncode == 5
    assert bad_name.stderr.startswith("kapnotes: error: --name: ")
    assert len(bad_name.stderr.strip().splitlines()) == 1
    bad_role = run_kapnotes("practice", "add-clinician", "--dsn", practice_dsn,
                            "--name", "someone", "--role", "janitor")
    assert bad_role.returncode == 2
    nobody = run_kapnotes("practice", "assign", "--dsn", practice_dsn,
                          "--client", "KAP-1", "--clinician", unique_login("ghost"))
    assert nobody.returncode == 5 and "--clinician: no active clinician" in nobody.stderr
    with psycopg.connect(practice_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM kap.clinicians").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM kap.clients"
                            " WHERE code <> '@practice'").fetchone() == (0,)


def test_setup_refuses_a_clinician_login_and_an_unreachable_server(practice_dsn: str,
                                                                    run_kapnotes) -> None:
    assert run_kapnotes("practice", "setup", "--dsn", practice_dsn).returncode == 0
    login = unique_login("ther")
    added = run_kapnotes("practice", "add-clinician", "--dsn", practice_dsn,
                         "--name", login, "--role", "therapist")
    code = added.stdout.split("Enrolment code: ")[1].strip()
    as_clinician = run_kapnotes("practice", "setup", "--dsn",
                                clinician_dsn(practice_dsn, login, code))
    assert as_clinician.returncode == 1
    assert "needs the server's administrator login" in as_clinician.stderr
    assert code not in as_clinician.stderr
    unreachable = run_kapnotes("practice", "setup", "--dsn",
                               "host=127.0.0.1 port=1 dbname=x user=y password=hunter2")
    assert unreachable.returncode == 1
    assert unreachable.stderr.startswith(
        "kapnotes: error: could not connect to the practice server")
    assert "hunter2" not in unreachable.stderr
    assert len(unreachable.stderr.strip().splitlines()) == 1
