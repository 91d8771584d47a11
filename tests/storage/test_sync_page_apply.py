"""A pulled page applied as one piece (kapnotes/storage/sync_apply.py, `apply_incoming`;
docs/BENCHMARKS.md, issue 20): no savepoint spans the usual page, a page with a row that
cannot apply yet is rolled back and redone row by row, and the notes signed elsewhere that a
page brings are sealed and audited at its end exactly as one by one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from helpers.basics import FakeClock
from helpers.sync_records import CODE, by_code, record, sessions_of, two_workstations
from helpers.sync_relay import NOW, Relay, push_all

from kapnotes.domain.models import SessionKind
from kapnotes.storage import audit, seals, sync_apply, sync_state


@pytest.fixture
def pair(tmp_path: Path, clock: FakeClock) -> Iterator[tuple[Any, Any]]:
    with two_workstations(tmp_path, clock) as vaults:
        yield vaults


def _statements(vault: Any) -> list[str]:
    seen: list[str] = []
    vault.conn.set_trace_callback(seen.append)
    return seen


def _written_in_savepoints(statements: list[str]) -> list[str]:
    """The writes of records (not of the audit log, appended in one piece) made while a
    savepoint was open."""
    depth, found = 0, []
    for sql in statements:
        verb = sql.split()[0].upper()
        if verb == "SAVEPOINT":
            depth += 1
        elif verb == "RELEASE":
            depth -= 1
        elif depth and verb in ("INSERT", "UPDATE", "DELETE") and "audit_log" not in sql:
            found.append(sql)
    return found


def test_the_usual_page_is_applied_with_no_savepoint_and_its_signed_notes_sealed(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    ids = record(a)
    relay = Relay()
    push_all(a.vault, relay, "therapist")
    seen = _statements(b.vault)
    outcome = sync_apply.apply_incoming(b.vault, relay.pull(0), NOW)
    b.vault.conn.set_trace_callback(None)
    assert outcome.applied == len(relay.log) and outcome.waiting == []
    # One transaction, and no record written inside a savepoint: a savepoint spanning the
    # page made SQLite walk its whole sub-journal at the end of every statement.
    assert [s for s in seen if s.split()[0].upper() == "BEGIN"] == ["BEGIN IMMEDIATE"]
    assert "ROLLBACK" not in seen and _written_in_savepoints(seen) == []
    # The signed note (with its addendum) is sealed as signing it here would have: the seal
    # matches the note as stored, its MAC holds, and the addendum is chained to it.
    prep = sessions_of(b, by_code(b).id)[SessionKind.PREPARATION]
    digest, newest, intact = seals.current_seal(b.vault, prep.id) or ("", "", False)
    assert intact and digest != newest
    assert [s.addendum_id for s in seals.seals_of(b.vault, prep.id)] == [
        seals.NOTE, *(r[0] for r in b.vault.query(
            "SELECT id FROM addenda WHERE session_id = ? ORDER BY id", (prep.id,)))]
    assert b.notes.note(prep.id).values == a.notes.note(ids["prep"]).values
    received = [e for e in audit.entries(b.vault) if e.event == "practice.signed_note"]
    assert [(e.record_id, e.detail) for e in received] == [
        (str(prep.id), "signed elsewhere; pushed by therapist")]
    assert audit.first_broken_entry(b.vault) is None


def test_a_page_with_a_row_that_cannot_apply_yet_is_redone_row_by_row(
        pair: tuple[Any, Any]) -> None:
    a, b = pair
    record(a)
    relay = Relay()
    push_all(a.vault, relay, "therapist")
    rows = relay.pull(0)
    client = next(r for r in rows if r.kind == "client")
    # A course whose client is not here yet, in the middle of the page: the rest applies.
    orphan = replace(next(r for r in rows if r.kind == "course"), seq=len(rows) + 1,
                     row_uuid="0b6c6e1e-52a3-4c1f-9d55-2b7f2f1a9c01",
                     payload={**next(r for r in rows if r.kind == "course").payload,
                              "client_uuid": "6f0d3a52-7a9e-4a47-b1d4-3c1e8f0a2b77"})
    page = [*rows[:3], orphan, *rows[3:]]
    seen = _statements(b.vault)
    outcome = sync_apply.apply_incoming(b.vault, page, NOW)
    b.vault.conn.set_trace_callback(None)
    assert "ROLLBACK" in seen  # the first try of the page left nothing behind
    assert outcome.applied == 8 and len(outcome.waiting) == 1
    assert "6f0d3a52-7a9e-4a47-b1d4-3c1e8f0a2b77" in outcome.waiting[0]
    # Everything else arrived once, not twice: the record is whole and sealed.
    assert b.vault.query_one("SELECT count(*) FROM clients")[0] == 1
    assert b.vault.query_one("SELECT count(*) FROM courses")[0] == 1
    assert by_code(b).code == CODE and client.client_code == CODE
    prep = sessions_of(b, by_code(b).id)[SessionKind.PREPARATION]
    assert (seals.current_seal(b.vault, prep.id) or ("", "", False))[2]
    assert len([e for e in audit.entries(b.vault) if e.event == "practice.signed_note"]) == 1
    assert sync_state.last_seq(b.vault) == len(rows) + 1
