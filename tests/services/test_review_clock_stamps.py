"""Every time the supervision files and their records carry comes from the services'
injected clock (issue 17: one clock), never the wall clock: the request's created_at, the
reply's created_at, the import's reply/record/log/pin times and a trusted key's pin time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from review_helpers import REVIEW, THERAPIST, signed_ids, supervisor_services

from kapnotes.domain.review_model import reply_content_from
from kapnotes.services.clinician import set_clinician_profile
from kapnotes.services.review_import import import_reply
from kapnotes.services.review_keys import read_key_file, vault_identity, write_key_file
from kapnotes.services.review_replies import open_request, record_reply, write_reply
from kapnotes.services.review_requests import create_request
from kapnotes.services.review_trust import trust_key
from kapnotes.storage import reviews, supervision_log


def _utc(clock: Any) -> str:
    from datetime import UTC

    return clock().astimezone().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def therapist(rich_services: Any, clock: Any) -> Any:
    set_clinician_profile(rich_services.vault, *THERAPIST)
    clock.advance(days=-400)  # far from today's date: a wall-clock stamp cannot match
    return rich_services


def test_request_reply_import_and_pin_are_stamped_by_the_injected_clock(
        therapist: Any, clock: Any, tmp_path: Path) -> None:
    supervisor = supervisor_services(tmp_path / "sup")
    try:
        key = read_key_file(write_key_file(supervisor.vault, tmp_path / "ada.kapkey"))
        ids = signed_ids(therapist)[:1]
        sent = create_request(therapist, tmp_path / "req.kapreview", session_ids=ids,
                              to_key=key)
        sent_at = _utc(clock)
        (row,) = reviews.requests(therapist.vault)
        assert row.created_at == sent_at

        request = open_request(sent.path.read_bytes(),
                               identity=vault_identity(supervisor.vault))
        assert request.created_at == sent_at
        clock.advance(days=2)  # the supervisor answers two days later
        doc = json.loads(json.dumps(REVIEW))
        doc["verdicts"] = [{"session_id": sid, "verdict": "approved"}
                           for sid in request.note_ids]
        reply = write_reply(request, reply_content_from(doc, request.note_ids),
                            vault_identity(supervisor.vault), tmp_path / "reply.kapreview",
                            clock=clock)
        answered_at = _utc(clock)
        record_reply(supervisor.vault, request, reply, clock=clock)
        (given,) = supervisor.reviews.given()  # the supervisor's log: supervision given
        assert given.created_at == answered_at

        clock.advance(days=1)  # and the therapist imports it a day after that
        import_reply(therapist.vault, reply.path.read_bytes(), clock=clock)
        imported_at = _utc(clock)
        stored = reviews.reply(therapist.vault, reply.reply_id)
        assert stored is not None
        assert (stored.created_at, stored.imported_at) == (answered_at, imported_at)
        records = reviews.records_of_reply(therapist.vault, reply.reply_id)
        assert records and {r.created_at for r in records} == {imported_at}
        (pinned,) = reviews.supervisors(therapist.vault)
        assert pinned.pinned_at == imported_at
        logged = [e for e in supervision_log.entries(therapist.vault) if e.reply_id]
        assert logged and {e.created_at for e in logged} == {imported_at}

        # A key trusted by hand (the supervisor's new vault) is pinned at the clock's time.
        clock.advance(days=5)
        renewed = supervisor_services(tmp_path / "sup2")
        try:
            new_key = read_key_file(write_key_file(renewed.vault, tmp_path / "ada2.kapkey"))
            trust_key(therapist.vault, new_key, clock=clock)
        finally:
            renewed.vault.close()
        newest = max(reviews.supervisors(therapist.vault), key=lambda s: s.id)
        assert newest.fingerprint == new_key.fingerprint
        assert newest.pinned_at == _utc(clock)
    finally:
        supervisor.vault.close()
