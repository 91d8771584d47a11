"""A supervisor replying from their own vault records the session in their own supervision
log as supervision given (schema step 019), naming the therapist; it is kept apart from the
supervision they received (the log, its totals and its signed PDF) and cannot be removed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kapnotes.domain.errors import NotFoundError
from kapnotes.domain.review_model import reply_content_from
from kapnotes.services.clinician import set_clinician_profile
from kapnotes.services.review_keys import vault_identity
from kapnotes.services.review_replies import open_request, record_reply, write_reply
from kapnotes.services.review_requests import create_request
from kapnotes.storage import audit
from tests.services.review_helpers import (
    REVIEW,
    SUPERVISOR,
    THERAPIST,
    signed_ids,
    supervisor_services,
)


@pytest.fixture
def supervisor(tmp_path: Path) -> Any:
    services = supervisor_services(tmp_path / "sup")
    yield services
    services.vault.close()


def reply_from_vault(therapist: Any, supervisor: Any, tmp_path: Path,
                     *, with_session: bool = True) -> Any:
    set_clinician_profile(therapist.vault, *THERAPIST)
    ids = signed_ids(therapist)[:1]
    sent = create_request(therapist, tmp_path / "req.kapreview", session_ids=ids)
    request = open_request(sent.path.read_bytes(), passphrase=sent.passphrase)
    doc = json.loads(json.dumps(REVIEW))
    doc["verdicts"] = [{"session_id": ids[0], "verdict": "approved"}]
    if not with_session:
        doc["supervision"] = None
    result = write_reply(request, reply_content_from(doc, request.note_ids),
                         vault_identity(supervisor.vault), tmp_path / "reply.kapreview")
    record_reply(supervisor.vault, request, result)
    return result


def test_a_reply_sent_from_a_vault_logs_supervision_given(
        rich_services: Any, supervisor: Any, tmp_path: Path) -> None:
    result = reply_from_vault(rich_services, supervisor, tmp_path)
    given = supervisor.reviews.given()
    assert len(given) == 1
    entry = given[0]
    assert (entry.direction, entry.supervisee, entry.supervisor) == (
        "given", THERAPIST[0], SUPERVISOR[0])
    assert (entry.held_on, entry.minutes, entry.format) == ("2026-11-21", 60, "individual")
    assert entry.topics == ("dosing safety", "integration")
    assert entry.given_reply_id == result.reply_id
    # Supervision received (the log for registration, its totals and PDF) is unchanged.
    assert supervisor.reviews.log() == [] and supervisor.reviews.totals() == []
    actions = [e.event for e in audit.entries(supervisor.vault)]
    assert "review.reply" in actions and "supervision.given" in actions
    with pytest.raises(NotFoundError):
        supervisor.reviews.remove_logged(entry.id)
    assert len(supervisor.reviews.given()) == 1


def test_a_reply_without_a_session_logs_nothing_given(
        rich_services: Any, supervisor: Any, tmp_path: Path) -> None:
    reply_from_vault(rich_services, supervisor, tmp_path, with_session=False)
    assert supervisor.reviews.given() == []

