"""Run a multi-statement SQL script inside the caller's transaction.

`executescript()` would COMMIT first and break a migration's all-or-nothing transaction, so
statements are split with SQLite's own `complete_statement` (it understands trigger bodies).
"""

from __future__ import annotations

from typing import Any

from sqlcipher3 import dbapi2 as sqlcipher


def split_statements(sql: str) -> list[str]:
    statements: list[str] = []
    buf = ""
    for line in sql.splitlines(keepends=True):
        if not buf and (not line.strip() or line.lstrip().startswith("--")):
            continue
        buf += line
        if sqlcipher.complete_statement(buf):
            statements.append(buf.strip())
            buf = ""
    if buf.strip():
        raise ValueError("SQL script ends with an incomplete statement")
    return statements


def run_script(conn: Any, sql: str) -> None:
    for statement in split_statements(sql):
        conn.execute(statement)
