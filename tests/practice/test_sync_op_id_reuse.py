"""An operation id is one operation: "duplicate" only answers a retry of that same operation
(same login, client, kind and row). Anything else reusing the id is refused, so a workstation
never takes another row's answer as the acknowledgement of its own write (and drops it).
Real server, the clinicians' own logins; fictional data."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from kapnotes.domain.sync_ops import OutgoingOp
from kapnotes.practice import sync_wire
from tests.practice.practice_helpers import enrol

CLIENT = "KAP-0401"
SECRET_TEXT = "fictional words that must not leave in a message"



def _op(kind: str = "note") -> OutgoingOp:
    return OutgoingOp(str(uuid.uuid4()), kind, CLIENT, str(uuid.uuid4()), None,
                      {"text": SECRET_TEXT})


def test_an_op_id_reused_for_another_row_or_by_another_login_is_refused(server: str) -> None:
    therapist = sync_wire.open_connection(enrol(server, "ther", "therapist", CLIENT))
    nurse = sync_wire.open_connection(enrol(server, "nurse", "nurse", CLIENT))
    try:
        first = _op()
        assert sync_wire.push(therapist, first).outcome == "applied"
        # The nurse can read the therapist's op id in the change log; reusing it is no retry.
        theirs = replace(_op("vitals"), op_id=first.op_id)
        with pytest.raises(sync_wire.PracticeRefused) as refused:
            sync_wire.push(nurse, theirs)
        assert refused.value.sqlstate == "22023"
        assert "operation id" in refused.value.message
        assert SECRET_TEXT not in refused.value.message
        # The same login reusing it for another row (a workstation bug) is refused alike.
        with pytest.raises(sync_wire.PracticeRefused):
            sync_wire.push(therapist, replace(_op(), op_id=first.op_id))
        # A true retry is still harmless.
        assert sync_wire.push(therapist, first) == sync_wire.PushResult(1, "duplicate", 1)
        assert len(sync_wire.pull(therapist, 0)) == 1
    finally:
        therapist.close()
        nurse.close()


@pytest.mark.parametrize("statement", [
    "UPDATE kap.change_log SET payload = '{}'::jsonb",
    "DELETE FROM kap.change_log",
    "TRUNCATE kap.change_log",
])
def test_the_change_log_is_append_only_even_for_its_owner(server: str, statement: str) -> None:
    import psycopg

    therapist = sync_wire.open_connection(enrol(server, "ther", "therapist", CLIENT))
    try:
        assert sync_wire.push(therapist, _op()).outcome == "applied"
    finally:
        therapist.close()
    with psycopg.connect(server) as conn:  # the administrator, acting as the schema's owner
        conn.execute("SET ROLE kap_owner")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            conn.execute(statement)
    with psycopg.connect(server) as conn:
        assert conn.execute("SELECT count(*) FROM kap.change_log").fetchone() == (1,)
