"""The fault harness's end checks, once faultless syncs have gone quiet: every workstation
holds exactly what the server holds for what its clinician may read, no acknowledged write
and no written text is lost, every conflict the server answered is a conflict copy, nothing
is left pending or refused, and every vault passes `kapnotes check`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
from helpers.basics import TEST_PASSPHRASE

from kapnotes.services import practice_link
from tests.practice.fault_engine import WireLog
from tests.practice.fault_world import Workstation
from tests.practice.sync_rows import vault_rows

# Kept as data but local to each vault: its own integer id and bookkeeping stamps.
LOCAL_KEYS = frozenset({"id"})


# Payload keys naming the row a row belongs to: when that row is voided, so is this one (a
# vault removes a discarded draft with its readings, as deleting it there does).
PARENT_KEYS = ("client_uuid", "course_uuid", "session_uuid")


def server_rows(dsn: str) -> dict[str, tuple[str, dict[str, Any], int]]:
    """uuid → (kind, newest payload, version) of every row the login may read, read with the
    clinician's own login (row-level security decides); voided rows and the rows under them
    left out."""
    with psycopg.connect(dsn, connect_timeout=15) as conn:
        rows = conn.execute(
            "SELECT DISTINCT ON (row_id) row_id::text, kind, payload, row_version "
            "FROM kap.change_log ORDER BY row_id, seq DESC").fetchall()
    newest = {r[0]: (r[1], r[2], r[3]) for r in rows}
    gone = {u for u, (_k, p, _v) in newest.items() if p.get("voided")}
    grew = True
    while grew:
        under = {u for u, (_k, p, _v) in newest.items() if u not in gone
                 and any(p.get(key) in gone for key in PARENT_KEYS)}
        gone |= under
        grew = bool(under)
    return {u: row for u, row in newest.items() if u not in gone}


def comparable(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k not in LOCAL_KEYS}


def direct_dsn(ws: Workstation, server_dsn: str) -> str:
    """The workstation's own login, straight to the server (not through the proxy)."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    link = practice_link.linked(ws.vault)
    assert link is not None, f"{ws.name} is not joined"
    port = str(conninfo_to_dict(server_dsn)["port"])
    return make_conninfo(link.dsn(), port=port)


def same_rows(ws: Workstation, server_dsn: str) -> list[str]:
    on_server = server_rows(direct_dsn(ws, server_dsn))
    in_vault = vault_rows(ws.vault)
    problems = []
    for uuid in sorted(on_server.keys() - in_vault.keys()):
        waiting = ws.vault.query_one("SELECT message FROM sync_inbox WHERE row_uuid = ?",
                                     (uuid,))
        ids = ws.vault.query_one("SELECT tbl, local_id, version FROM sync_ids WHERE uuid = ?",
                                 (uuid,))
        if ids is not None:
            problems.append(f"{ws.name}: sync_ids has {tuple(ids)} for {uuid} but no row")
        parent = on_server[uuid][1].get("session_uuid")
        note = parent and ws.vault.query_one(
            "SELECT s.signed_at IS NOT NULL, i.version FROM sync_ids i JOIN sessions s"
            " ON s.id = i.local_id WHERE i.tbl = 'sessions' AND i.uuid = ?", (parent,))
        problems.append(f"{ws.name}: {on_server[uuid][0]} {uuid} is on the server, "
                        f"not in the vault" + (f" (waiting: {waiting[0]})" if waiting else "")
                        + (f" (its note here: signed, version = {tuple(note)})"
                           if parent else ""))
    for uuid in sorted(in_vault.keys() - on_server.keys()):
        problems.append(f"{ws.name}: {in_vault[uuid][0]} {uuid} is in the vault, "
                        f"not on the server")
    for uuid in sorted(on_server.keys() & in_vault.keys()):
        theirs, mine = comparable(on_server[uuid][1]), comparable(in_vault[uuid][1])
        if theirs != mine:
            keys = sorted(k for k in theirs.keys() | mine.keys()
                          if theirs.get(k) != mine.get(k))
            known = ws.vault.query_one("SELECT version FROM sync_ids WHERE uuid = ?", (uuid,))
            copies = ws.vault.query_one("SELECT count(*) FROM sync_conflicts WHERE row_uuid = ?",
                                        (uuid,))[0]
            problems.append(
                f"{ws.name}: {on_server[uuid][0]} {uuid} differs in {keys} (server v"
                f"{on_server[uuid][2]} signed={theirs.get('signed')}; vault v"
                f"{known[0] if known else None} signed={mine.get('signed')}; "
                f"{copies} conflict copies)")
    return problems


def acknowledged_kept(admin_dsn: str, log: WireLog) -> list[str]:
    problems = []
    with psycopg.connect(admin_dsn) as conn:
        for p in log.acknowledged():
            row = conn.execute(
                "SELECT l.seq, l.row_version, l.payload FROM kap.change_log l "
                "WHERE l.op_id = %s", (p.op.op_id,)).fetchone()
            if row is None or (row[0], row[1]) != (p.seq, p.row_version):
                problems.append(f"acknowledged op {p.op.op_id} ({p.op.kind}) is not on the "
                                f"server as acknowledged")
            elif row[2] != json.loads(json.dumps(p.op.payload)):
                problems.append(f"acknowledged op {p.op.op_id} ({p.op.kind}) has another "
                                f"payload on the server")
    return problems


def conflicts_kept(stations: list[Workstation], log: WireLog) -> list[str]:
    problems = []
    by_login = {ws.login: ws for ws in stations}
    for p in log.pushes:
        if p.outcome != "conflict":
            continue
        ws = by_login[p.login]
        kept = ws.vault.query_one("SELECT count(*) FROM sync_conflicts WHERE row_uuid = ?",
                                  (p.op.row_uuid,))
        if not kept or not kept[0]:
            problems.append(f"{ws.name}: the conflict on {p.op.kind} {p.op.row_uuid} left no "
                            f"conflict copy")
    return problems


def texts_kept(ws: Workstation, admin_dsn: str) -> list[str]:
    """The last text written in each field is in that row's history on the server, or in
    this vault's conflict copies or field reviews: never silently gone."""
    local = " ".join(str(r[0]) for r in ws.vault.query(
        "SELECT payload FROM sync_conflicts UNION ALL "
        "SELECT coalesce(mine, '') || ' ' || coalesce(theirs, '') FROM sync_field_reviews"))
    problems = []
    with psycopg.connect(admin_dsn) as conn:
        for uuid, fields in ws.written.items():
            history = " ".join(r[0] for r in conn.execute(
                "SELECT payload::text FROM kap.change_log WHERE row_id = %s", (uuid,)))
            for field_id, token in fields.items():
                if token in history or token in local:
                    continue
                # A note signed on two workstations apart goes out again under a new UUID
                # (kapnotes/storage/sync_apply.py, `_two_signatures`): tokens are unique, so
                # the text anywhere in the server's history is kept.
                if conn.execute("SELECT 1 FROM kap.change_log WHERE payload::text LIKE %s"
                                " LIMIT 1", (f"%{token}%",)).fetchone() is None:
                    problems.append(f"{ws.name}: {field_id} of {uuid} ({token}) was lost")
    return problems


def nothing_left(ws: Workstation) -> list[str]:
    problems = []
    for table in ("sync_outbox", "sync_dirty", "sync_refusals", "sync_inbox"):
        count = ws.vault.query_one(f"SELECT count(*) FROM {table}")[0]
        if count:
            problems.append(f"{ws.name}: {count} rows left in {table}")
    for (message,) in ws.vault.query("SELECT message FROM sync_refusals LIMIT 5"):
        problems.append(f"{ws.name}: refused: {message}")
    for (message,) in ws.vault.query("SELECT message FROM sync_inbox LIMIT 5"):
        problems.append(f"{ws.name}: not applied: {message}")
    return problems


def kapnotes_check(ws: Workstation, tmp: Path) -> list[str]:
    """The real `kapnotes check` on the closed vault."""
    secret = tmp / f"{ws.name}.pass"
    secret.write_text(TEST_PASSPHRASE + "\n", encoding="utf-8")
    ws.close()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "kapnotes", "check", "--vault", str(ws.path),
             "--passphrase-file", str(secret)],
            capture_output=True, text=True, timeout=300, check=False,
            stdin=subprocess.DEVNULL)
    finally:
        ws.open()
    if result.returncode != 0:
        return [f"{ws.name}: kapnotes check failed: {result.stdout}{result.stderr}".strip()]
    return []
