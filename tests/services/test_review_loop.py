"""The supervision loop through the services with two real vaults: request → reply → import;
the files are real age files (decrypted here with pyrage directly, not the app's reader)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pyrage
import pytest
from review_helpers import (
    REVIEW,
    SUPERVISOR,
    THERAPIST,
    review_state,
    signed_ids,
    supervisor_services,
)

from kapnotes.domain.errors import ConflictError
from kapnotes.domain.review_model import ReviewStatus, reply_content_from
from kapnotes.services.clinician import set_clinician_profile
from kapnotes.services.review_files import ReviewFileError, read_file
from kapnotes.services.review_import import import_reply
from kapnotes.services.review_keys import (
    read_key_file,
    vault_identity,
    write_key_file,
)
from kapnotes.services.review_replies import open_request, write_reply
from kapnotes.services.review_requests import create_request
from kapnotes.services.review_trust import trust_key
from kapnotes.storage import audit, reviews


@pytest.fixture
def therapist(rich_services: Any) -> Any:
    set_clinician_profile(rich_services.vault, *THERAPIST)
    return rich_services


@pytest.fixture
def supervisor(tmp_path: Path) -> Any:
    services = supervisor_services(tmp_path / "sup")
    yield services
    services.vault.close()


def _content(request: Any, *, verdict: str = "approved", cosign: bool = True) -> Any:
    doc = json.loads(json.dumps(REVIEW))
    doc["verdicts"] = [{"session_id": sid, "verdict": verdict} for sid in request.note_ids]
    doc["comments"].append({"session_id": request.note_ids[0], "section": "",
                            "text": "Good monitoring record."})
    if cosign and verdict == "approved":
        doc["cosignature"] = {"name": SUPERVISOR[0], "role": SUPERVISOR[1],
                              "registration": SUPERVISOR[2],
                              "session_ids": list(request.note_ids)}
    return reply_content_from(doc, request.note_ids)


def test_the_whole_loop_with_a_supervisor_key(therapist: Any, supervisor: Any,
                                              tmp_path: Path) -> None:
    key_file = write_key_file(supervisor.vault, tmp_path / "ada.kapkey")
    key = read_key_file(key_file)
    assert key.fingerprint == supervisor.reviews.fingerprint()
    assert len(key.fingerprint.split()) == 6

    ids = signed_ids(therapist)
    result = create_request(therapist, tmp_path / "req.kapreview", session_ids=ids,
                            to_key=key)
    assert result.passphrase is None and result.deidentified
    assert {n.session_id for n in result.notes} == set(ids)
    assert therapist.reviews.status(ids[0]) is ReviewStatus.AWAITING

    # A real age file: pyrage alone opens it with the supervisor's age identity.
    sup_id = vault_identity(supervisor.vault)
    raw = pyrage.decrypt(result.path.read_bytes(), [sup_id.age_identity])
    envelope = json.loads(raw)
    assert envelope["format"] == "kapnotes-review-signed" and envelope["kind"] == "request"
    assert base64.b64decode(envelope["payload"]["pdf"]).startswith(b"%PDF-")

    request = open_request(read_file(result.path, "request file"), identity=sup_id)
    assert request.therapist.name == THERAPIST[0]
    assert request.therapist_fingerprint == therapist.reviews.fingerprint()
    assert request.pdf.startswith(b"%PDF-") and request.note_ids == tuple(ids)

    reply = write_reply(request, _content(request), sup_id, tmp_path / "reply.kapreview")
    me = vault_identity(therapist.vault)
    plain = json.loads(pyrage.decrypt(reply.path.read_bytes(), [me.age_identity]))
    assert plain["payload"]["request_id"] == result.request_id

    before = len(audit.entries(therapist.vault))
    imported = import_reply(therapist.vault, reply.path.read_bytes())
    assert imported.newly_pinned and not imported.already_imported
    assert imported.fingerprint == key.fingerprint
    for sid in ids:
        assert therapist.reviews.status(sid) is ReviewStatus.COSIGNED
        kinds = [r.kind for r in therapist.reviews.records(sid)]
        assert "verdict" in kinds and "cosignature" in kinds
    assert any(r.kind == "comment" and r.session_id is None
               for r in therapist.reviews.reply_records(reply.reply_id))
    log = therapist.reviews.log()
    assert [(e.supervisor, e.minutes, e.format) for e in log] == [
        (SUPERVISOR[0], 60, "individual")]
    assert therapist.reviews.totals()[0].minutes == 60
    events = [e.event for e in audit.entries(therapist.vault)[before:]]
    assert "review.pin" in events and events.count("review.import") == len(ids) + 1
    assert therapist.reviews.pending() == []

    # Importing the same reply again is harmless: nothing changes.
    state = review_state(therapist.vault)
    again = import_reply(therapist.vault, reply.path.read_bytes())
    assert again.already_imported
    assert review_state(therapist.vault) == state


def test_passphrase_request_changes_requested_then_addendum_and_resend(
        therapist: Any, tmp_path: Path) -> None:
    ids = signed_ids(therapist)[:1]
    result = create_request(therapist, tmp_path / "req.kapreview", session_ids=ids)
    assert result.passphrase and len(result.passphrase) >= 20
    # Real age passphrase file, opened by pyrage directly.
    assert json.loads(pyrage.passphrase.decrypt(result.path.read_bytes(),
                                                result.passphrase))["kind"] == "request"
    # A supervisor without a vault: reads from the file alone, signs with a one-off key.
    from kapnotes.domain.review_model import Profile
    from kapnotes.services.review_keys import one_off_identity

    request = open_request(result.path.read_bytes(), passphrase=result.passphrase)
    one_off = one_off_identity(Profile(*SUPERVISOR))
    reply = write_reply(request, _content(request, verdict="changes_requested"), one_off,
                        tmp_path / "reply.kapreview")
    imported = import_reply(therapist.vault, reply.path.read_bytes())
    assert imported.one_off_key
    sid = ids[0]
    assert therapist.reviews.status(sid) is ReviewStatus.CHANGES_REQUESTED
    assert [p.session_id for p in therapist.reviews.pending()] == [sid]

    note_before = therapist.notes.note(sid).values
    therapist.reviews.answer_changes(sid, "Added the lot number as asked.",
                                     author=THERAPIST[0])
    assert therapist.notes.note(sid).values == note_before  # the note itself never changes
    again = create_request(therapist, tmp_path / "req2.kapreview", session_ids=ids)
    assert therapist.reviews.status(sid) is ReviewStatus.AWAITING
    rounds = therapist.reviews.rounds(sid)
    assert [r.request_id for r in rounds] == [result.request_id, again.request_id]
    assert rounds[0].verdict == "changes_requested"  # the history stays


def test_changed_supervisor_key_is_refused_with_both_fingerprints(
        therapist: Any, supervisor: Any, tmp_path: Path) -> None:
    ids = signed_ids(therapist)[:1]
    sup_id = vault_identity(supervisor.vault)
    for n, identity in enumerate((sup_id, None)):
        result = create_request(therapist, tmp_path / f"r{n}.kapreview", session_ids=ids)
        request = open_request(result.path.read_bytes(), passphrase=result.passphrase)
        if identity is None:  # the same supervisor (same registration) with another vault
            other = supervisor_services(tmp_path / "other")
            identity = vault_identity(other.vault)
        reply = write_reply(request, _content(request), identity, tmp_path / f"p{n}.kapreview")
        if n == 0:
            import_reply(therapist.vault, reply.path.read_bytes())
            continue
        state = review_state(therapist.vault)
        with pytest.raises(ConflictError) as exc:
            import_reply(therapist.vault, reply.path.read_bytes())
        assert sup_id.fingerprint in exc.value.message
        assert identity.fingerprint in exc.value.message
        assert review_state(therapist.vault) == state
        # Confirmed in person: the therapist trusts the new key file; the reply then imports,
        # and the old pin stays as history.
        new_key = read_key_file(write_key_file(other.vault, tmp_path / "new.kapkey"))
        trusted = trust_key(therapist.vault, new_key)
        assert trusted.replaced == sup_id.fingerprint and not trusted.already
        assert trust_key(therapist.vault, new_key).already
        assert [s.fingerprint for s in therapist.reviews.supervisors()] == [
            sup_id.fingerprint, identity.fingerprint]
        other.vault.close()
        # A one-off key in the name of a supervisor with a pinned key is refused the same way.
        from kapnotes.domain.review_model import Profile
        from kapnotes.services.review_keys import one_off_identity

        one_off = write_reply(request, _content(request), one_off_identity(Profile(*SUPERVISOR)),
                              tmp_path / "one-off.kapreview")
        state = review_state(therapist.vault)
        with pytest.raises(ConflictError, match="one-off key"):
            import_reply(therapist.vault, one_off.path.read_bytes())
        assert review_state(therapist.vault) == state
        assert not import_reply(therapist.vault, reply.path.read_bytes()).newly_pinned
        assert therapist.reviews.status(ids[0]) is ReviewStatus.COSIGNED


def test_reply_signed_by_another_key_than_the_request_was_sent_to(
        therapist: Any, supervisor: Any, tmp_path: Path) -> None:
    key = read_key_file(write_key_file(supervisor.vault, tmp_path / "k.kapkey"))
    result = create_request(therapist, tmp_path / "r.kapreview",
                            session_ids=signed_ids(therapist)[:1], to_key=key)
    request = open_request(result.path.read_bytes(), identity=vault_identity(supervisor.vault))
    impostor = supervisor_services(tmp_path / "imp", name=("Someone Else", "", "X1"))
    reply = write_reply(request, _content(request), vault_identity(impostor.vault),
                        tmp_path / "p.kapreview")
    state = review_state(therapist.vault)
    with pytest.raises(ReviewFileError, match="request was sent to key"):
        import_reply(therapist.vault, reply.path.read_bytes())
    assert review_state(therapist.vault) == state
    impostor.vault.close()


def test_profile_is_needed_to_send(rich_services: Any, tmp_path: Path) -> None:
    from kapnotes.domain.errors import ValidationError

    with pytest.raises(ValidationError, match="Your name"):
        create_request(rich_services, tmp_path / "r.kapreview",
                       session_ids=signed_ids(rich_services)[:1])
    assert not (tmp_path / "r.kapreview").exists()
    assert reviews.requests(rich_services.vault) == []
