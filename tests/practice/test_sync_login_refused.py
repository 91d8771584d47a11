"""A login the server no longer accepts (its secret replaced, the role removed) is not
"offline": waiting will not help, so the sync says the login was refused and whom to ask
to get it back, and the changes still wait in the vault. Real vault, real server; fictional data."""

from __future__ import annotations

from pathlib import Path

import psycopg
from psycopg import sql

from tests.practice.workstations import open_workstation

CLIENT = "KAP-2001"



def test_a_refused_login_is_said_as_such_and_the_changes_wait(server: str,
                                                              tmp_path: Path) -> None:
    ws = open_workstation(tmp_path, server, "ther", "therapist", CLIENT)
    ws.new_client_with_course(CLIENT)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("ALTER ROLE {} PASSWORD 'replaced-by-the-administrator'").format(
            sql.Identifier(ws.login)))

    report = ws.sync()

    assert not report.offline
    assert "login" in report.error and "refused" in report.error
    assert "practice administrator" in report.error
    assert "replaced-by-the-administrator" not in report.error
    assert ws.status().pending >= 2  # the client and its course still wait
