"""practice/sync_wire.py against a real server with a clinician's own login: push outcomes,
refusals as one line with their SQLSTATE, pages of pulls, my_clients, and a lost connection
told apart from a refusal."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from kapnotes.domain.sync_ops import OutgoingOp
from kapnotes.practice import sync_wire
from tests.practice.practice_helpers import enrol

CLIENT = "KAP-0401"
SECRET_TEXT = "fictional words that must not leave in a message"



def _op(kind: str = "note", row: str | None = None, base: int | None = None,
        client: str = CLIENT, **payload: object) -> OutgoingOp:
    return OutgoingOp(str(uuid.uuid4()), kind, client, row or str(uuid.uuid4()), base,
                      {"text": SECRET_TEXT, **payload})


def test_push_applies_once_and_a_retry_is_a_duplicate(server: str) -> None:
    with sync_wire.open_connection(enrol(server, "ther", "therapist", CLIENT)) as conn:
        op = _op()
        assert sync_wire.push(conn, op) == sync_wire.PushResult(1, "applied", 1)
        assert sync_wire.push(conn, op) == sync_wire.PushResult(1, "duplicate", 1)
        edit = _op(row=op.row_uuid, base=1)
        assert sync_wire.push(conn, edit).row_version == 2
        stale = _op(row=op.row_uuid, base=1)
        assert sync_wire.push(conn, stale) == sync_wire.PushResult(None, "conflict", 2)


def test_a_refusal_is_the_servers_line_with_its_sqlstate_never_the_payload(server: str) -> None:
    with sync_wire.open_connection(enrol(server, "nurse", "nurse", CLIENT)) as conn:
        with pytest.raises(sync_wire.PracticeRefused) as refused:
            sync_wire.push(conn, _op("note"))
        assert refused.value.sqlstate == "42501"
        assert f"for client {CLIENT} may not write note" in refused.value.message
        assert SECRET_TEXT not in refused.value.message
        with pytest.raises(sync_wire.PracticeRefused) as unassigned:
            sync_wire.push(conn, _op("vitals", client="KAP-0999"))
        assert "is not on the care team of client KAP-0999" in unassigned.value.message
        # The connection is still good after a refusal: each call is its own transaction.
        assert sync_wire.push(conn, _op("vitals")).outcome == "applied"


def test_a_server_that_needs_upgrading_refuses_with_0A000(
        server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync_wire, "OP_SCHEMA_VERSION", 99)
    with sync_wire.open_connection(enrol(server, "ther", "therapist", CLIENT)) as conn:
        with pytest.raises(sync_wire.PracticeRefused, match="upgrade the server") as refused:
            sync_wire.push(conn, _op())
    assert refused.value.sqlstate == sync_wire.UPGRADE_NEEDED


def test_pull_pages_after_a_sequence_and_my_clients(server: str) -> None:
    therapist = enrol(server, "ther", "therapist", CLIENT, "KAP-0402")
    with sync_wire.open_connection(therapist) as conn:
        ops = [_op("vitals", hr=60 + i) for i in range(5)]
        for op in ops:
            sync_wire.push(conn, op)
        first = sync_wire.pull(conn, 0, limit=2)
        assert [(r.seq, r.row_uuid, r.payload["hr"]) for r in first] == [
            (1, ops[0].row_uuid, 60), (2, ops[1].row_uuid, 61)]
        assert [r.seq for r in sync_wire.pull(conn, 2, limit=1000)] == [3, 4, 5]
        row = first[0]
        assert (row.kind, row.client_code, row.row_version) == ("vitals", CLIENT, 1)
        assert row.author == psycopg.conninfo.conninfo_to_dict(therapist)["user"]
        assert sync_wire.head_seq(conn) == 5
        assert [r.seq for r in sync_wire.pull_client(conn, CLIENT, 1, 3)] == [2, 3]
        assert sync_wire.my_clients(conn) == {CLIENT, "KAP-0402"}


def test_a_lost_connection_is_unreachable_not_a_refusal(server: str) -> None:
    with sync_wire.open_connection(enrol(server, "ther", "therapist", CLIENT)) as conn:
        pid = conn.info.backend_pid
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(sync_wire.PracticeUnreachable, match=r"connection .* was lost"):
            sync_wire.push(conn, _op())
    with pytest.raises(sync_wire.PracticeUnreachable, match="could not connect"):
        sync_wire.open_connection("host=127.0.0.1 port=1 dbname=x user=y password=hunter2 "
                                  "sslmode=disable")
