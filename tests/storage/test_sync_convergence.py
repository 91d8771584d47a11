"""Two workstations editing the same records in random order, syncing at random (some answers
lost on the way back), end equal to the server once everyone has synced: every shared row in
each vault reads as the server's newest version of it (a voided one is gone), and no operation
is left waiting."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from helpers.basics import FakeClock
from helpers.sync_records import CODE, shared_draft, two_workstations
from helpers.sync_relay import Relay, pull_all, push_all, sync

from kapnotes.domain.models import SessionKind
from kapnotes.storage import sync_state
from kapnotes.storage.sync_payloads import TABLE_OF_KIND, local_id_of, payload_of


@pytest.fixture
def pair(tmp_path: Path, clock: FakeClock) -> Iterator[tuple[Any, Any]]:
    with two_workstations(tmp_path, clock) as vaults:
        yield vaults


def _drafts(s: Any) -> list[Any]:
    course = s.courses.for_client(s.clients.by_code(CODE).id)[0]
    return [x for x in s.notes.sessions_for_course(course.id) if not x.signed]


def _signed(s: Any) -> list[Any]:
    course = s.courses.for_client(s.clients.by_code(CODE).id)[0]
    return [x for x in s.notes.sessions_for_course(course.id) if x.signed]


def _step(rng: random.Random, s: Any, n: int) -> None:
    """One thing a clinician does at this workstation."""
    action = rng.choice(("draft", "draft", "client", "new", "sign", "addendum", "discard"))
    if action == "draft" and (drafts := _drafts(s)):
        s.notes.save_fields(rng.choice(drafts).id, {"insights": f"words {n}"})
    elif action == "client":
        client = s.clients.by_code(CODE)
        field, value = rng.choice((("phone", f"0400 000 {n:03}"),
                                   ("email", f"r{n}@example.org"),
                                   ("address", f"{n} Quiet Lane"), ("background", f"note {n}")))
        s.clients.update(replace(client, **{field: value}))
    elif action == "new":
        note = s.notes.create_session(course_id=s.courses.for_client(
            s.clients.by_code(CODE).id)[0].id, kind=SessionKind.INTEGRATION,
            starts_at=datetime(2026, 11, 10 + n % 10, 9, 30))
        s.notes.save_fields(note.id, {"insights": f"new note {n}"})
    elif action == "sign":
        note = s.notes.create_session(course_id=s.courses.for_client(
            s.clients.by_code(CODE).id)[0].id, kind=SessionKind.PREPARATION,
            starts_at=datetime(2026, 11, 1, 9, 30))
        s.notes.save_fields(note.id, {"reasons": f"reasons {n}", "intentions": ["Rest"]})
        s.notes.sign(note.id, signer="Dr Test")
    elif action == "addendum" and (signed := _signed(s)):
        s.notes.add_addendum(rng.choice(signed).id, f"addendum {n}", author="Dr Test")
    elif action == "discard" and len(drafts := _drafts(s)) > 1:
        s.notes.delete_draft(rng.choice(drafts).id)


def _newest(relay: Relay) -> dict[str, Any]:
    newest: dict[str, Any] = {}
    for row in relay.log:
        newest[row.row_uuid] = row
    return newest


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_and_syncs_end_with_every_vault_equal_to_the_server(
        pair: tuple[Any, Any], seed: int) -> None:
    rng = random.Random(seed)
    relay = Relay()
    shared_draft(*pair, relay)
    for n in range(40):
        s = rng.choice(pair)
        roll = rng.random()
        if roll < 0.6:
            _step(rng, s, n)
        elif roll < 0.75:
            push_all(s.vault, relay, "login", answer=rng.random() < 0.7)
        elif roll < 0.9:
            pull_all(s.vault, relay)
        else:
            sync(s.vault, relay, "login")
    for _round in range(4):  # everyone syncs until nothing moves
        for s in pair:
            sync(s.vault, relay, "login")
    for s in pair:
        assert sync_state.status(s.vault).pending == 0
        assert sync_state.status(s.vault).waiting == 0
        for row_uuid, row in _newest(relay).items():
            table = TABLE_OF_KIND[row.kind]
            local = local_id_of(s.vault, table, row_uuid)
            if row.payload.get("voided"):
                assert local is None, (row.kind, row_uuid)
                continue
            assert local is not None, (row.kind, row_uuid)
            mine = payload_of(s.vault, table, local) or {}
            mine.pop("id")
            assert mine == {k: v for k, v in row.payload.items() if k != "id"}, row.kind
