"""Review files that must be refused with one clear error and change nothing: tampered,
truncated, re-signed, foreign, replayed, for another version of the request, about notes no
longer in the vault, the wrong kind, a newer version; and a key file that was edited."""

from __future__ import annotations

import base64
import dataclasses
import json
from pathlib import Path
from typing import Any

import pyrage
import pytest
from review_helpers import REVIEW, THERAPIST, review_state, signed_ids, supervisor_services

from kapnotes.domain.errors import KapNotesError, ValidationError
from kapnotes.domain.review_model import ReviewStatus, reply_content_from
from kapnotes.services.clinician import set_clinician_profile
from kapnotes.services.review_files import ReviewFileError, digest, signed_message
from kapnotes.services.review_import import import_reply
from kapnotes.services.review_keys import (
    b64,
    canonical,
    parse_key_file,
    read_key_file,
    vault_identity,
    write_key_file,
)
from kapnotes.services.review_replies import open_request, write_reply
from kapnotes.services.review_requests import create_request


@pytest.fixture
def therapist(rich_services: Any) -> Any:
    set_clinician_profile(rich_services.vault, *THERAPIST)
    return rich_services


@pytest.fixture
def loop(therapist: Any, tmp_path: Path) -> dict[str, Any]:
    """A request (passphrase) for two signed notes, opened by a supervisor, and a reply."""
    supervisor = supervisor_services(tmp_path / "sup")
    ids = signed_ids(therapist)[:2]
    sent = create_request(therapist, tmp_path / "req.kapreview", session_ids=ids)
    request = open_request(sent.path.read_bytes(), passphrase=sent.passphrase)
    identity = vault_identity(supervisor.vault)
    reply = write_reply(request, _content(request), identity, tmp_path / "reply.kapreview")
    yield {"sent": sent, "request": request, "identity": identity, "reply": reply,
           "data": reply.path.read_bytes(), "supervisor": supervisor, "ids": ids}
    supervisor.vault.close()


def _content(request: Any, verdict: str = "approved") -> Any:
    doc = json.loads(json.dumps(REVIEW))
    doc["verdicts"] = [{"session_id": s, "verdict": verdict} for s in request.note_ids]
    return reply_content_from(doc, request.note_ids)


def _refused(therapist: Any, data: bytes, match: str) -> str:
    state = review_state(therapist.vault)
    with pytest.raises(KapNotesError, match=match) as exc:
        import_reply(therapist.vault, data)
    assert review_state(therapist.vault) == state
    message = exc.value.message
    assert "\n" not in message and message.startswith("reply file")
    return message


def _reencrypt(therapist: Any, data: bytes, change: Any, *, resign: Any = None) -> bytes:
    """Decrypt with the therapist's key, change the envelope, encrypt again (a forger with
    the therapist's public recipient can do exactly this; only the signature stops them)."""
    me = vault_identity(therapist.vault)
    envelope = json.loads(pyrage.decrypt(data, [me.age_identity]))
    change(envelope)
    if resign is not None:
        envelope["signature"] = b64(resign.sign(signed_message(envelope["kind"],
                                                               envelope["payload"])))
    return pyrage.encrypt(canonical(envelope), [me.age_identity.to_public()])


def test_bit_flips_and_truncations_are_refused(therapist: Any, loop: dict[str, Any]) -> None:
    data = loop["data"]
    for at in (30, len(data) // 2, len(data) - 1):
        flipped = data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]
        _refused(therapist, flipped, "reply file")
    for size in (0, 10, 60, len(data) // 2, len(data) - 1):
        _refused(therapist, data[:size], "reply file")


def test_a_changed_payload_fails_its_signature(therapist: Any, loop: dict[str, Any]) -> None:
    def approve_more(envelope: dict[str, Any]) -> None:
        envelope["payload"]["supervision"]["minutes"] = 600

    _refused(therapist, _reencrypt(therapist, loop["data"], approve_more),
             "signature does not match")


def test_a_forged_second_reply_resigned_by_another_key_is_refused(
        therapist: Any, loop: dict[str, Any], tmp_path: Path) -> None:
    import_reply(therapist.vault, loop["data"])  # pins the real supervisor
    forger = vault_identity(supervisor_services(tmp_path / "forger").vault)

    def as_forger(envelope: dict[str, Any]) -> None:
        p = envelope["payload"]
        p["reply_id"] = "00000000-0000-4000-8000-000000000001"
        p["supervisor"]["signing_key"] = b64(forger.public_key)

    _refused(therapist, _reencrypt(therapist, loop["data"], as_forger, resign=forger),
             "already answered")


def test_foreign_and_other_version_requests_are_refused(
        therapist: Any, loop: dict[str, Any], tmp_path: Path) -> None:
    me = vault_identity(therapist.vault)
    request, identity = loop["request"], loop["identity"]
    # A request this vault never sent (its id unknown here), addressed to this vault's key.
    stranger = dataclasses.replace(request, request_id="00000000-0000-4000-8000-00000000000f",
                                   therapist_recipient=me.recipient)
    foreign = write_reply(stranger, _content(request), identity, tmp_path / "f.kapreview")
    _refused(therapist, foreign.path.read_bytes(), "did not send")
    altered = dataclasses.replace(request, digest="0" * 64)
    other = write_reply(altered, _content(request), identity, tmp_path / "o.kapreview")
    _refused(therapist, other.path.read_bytes(), "different version")
    # A reply for another vault's key altogether.
    other_vault = supervisor_services(tmp_path / "elsewhere", name=("Dr Other", "", ""))
    elsewhere = dataclasses.replace(request,
                                    therapist_recipient=vault_identity(other_vault.vault).recipient)
    for_other = write_reply(elsewhere, _content(request), identity, tmp_path / "x.kapreview")
    _refused(therapist, for_other.path.read_bytes(), "not encrypted to this vault")
    other_vault.vault.close()


def test_a_second_reply_to_an_answered_request_is_a_replay(
        therapist: Any, loop: dict[str, Any], tmp_path: Path) -> None:
    first = import_reply(therapist.vault, loop["data"])
    assert not first.already_imported
    second = write_reply(loop["request"], _content(loop["request"], "changes_requested"),
                         loop["identity"], tmp_path / "second.kapreview")
    _refused(therapist, second.path.read_bytes(), "already answered")
    assert therapist.reviews.status(loop["ids"][0]) is ReviewStatus.APPROVED
    assert import_reply(therapist.vault, loop["data"]).already_imported


def test_a_reply_about_notes_no_longer_in_the_vault(therapist: Any, loop: dict[str, Any]
                                                    ) -> None:
    client = therapist.clients.get(therapist.notes.client_id_of(loop["ids"][0]))
    therapist.clients.delete(client.id, typed_code=client.code)
    _refused(therapist, loop["data"], "not in this vault")


def test_deleting_a_client_takes_its_review_records_and_nothing_else_can(
        therapist: Any, loop: dict[str, Any]) -> None:
    import_reply(therapist.vault, loop["data"])
    sid = loop["ids"][0]
    with pytest.raises(KapNotesError):
        therapist.vault.execute("DELETE FROM review_records WHERE session_id = ?", (sid,))
    with pytest.raises(KapNotesError):
        therapist.vault.execute("UPDATE review_records SET text = 'x' WHERE session_id = ?",
                                (sid,))
    reply_id = loop["reply"].reply_id
    section = [r for r in therapist.reviews.reply_records(reply_id) if r.session_id is None]
    assert section  # the request-wide comment of REVIEW
    with pytest.raises(KapNotesError):
        therapist.vault.execute("DELETE FROM review_records WHERE session_id IS NULL")
    client = therapist.clients.get(therapist.notes.client_id_of(sid))
    therapist.clients.delete(client.id, typed_code=client.code)
    assert therapist.reviews.records(sid) == []
    # The supervisor's words about the request as a whole went with the client too.
    assert therapist.reviews.reply_records(reply_id) == []


def test_wrong_kind_and_newer_version(therapist: Any, loop: dict[str, Any]) -> None:
    me = vault_identity(therapist.vault)
    request_file = create_request(therapist, loop["sent"].path.with_name("mine.kapreview"),
                                  session_ids=loop["ids"][:1])
    plain = pyrage.passphrase.decrypt(request_file.path.read_bytes(), request_file.passphrase)
    as_request = pyrage.encrypt(plain, [me.age_identity.to_public()])
    _refused(therapist, as_request, "is a review request, not a reply")

    def newer(envelope: dict[str, Any]) -> None:
        envelope["version"] = 2

    _refused(therapist, _reencrypt(therapist, loop["data"], newer), "newer KAP Notes")


def test_request_passphrase_and_key_refusals(loop: dict[str, Any], tmp_path: Path) -> None:
    data = loop["sent"].path.read_bytes()
    with pytest.raises(ReviewFileError, match="protected by a passphrase"):
        open_request(data)
    with pytest.raises(ReviewFileError, match="cannot be opened with this passphrase"):
        open_request(data, passphrase="WRONG-WRONG-WRONG")
    # The digest a reply binds to is the canonical payload's.
    assert loop["request"].digest == digest(json.loads(pyrage.passphrase.decrypt(
        data, loop["sent"].passphrase))["payload"])


def test_an_edited_key_file_is_refused(loop: dict[str, Any], tmp_path: Path) -> None:
    path = write_key_file(loop["supervisor"].vault, tmp_path / "k.kapkey")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert read_key_file(path).fingerprint == doc["fingerprint"]
    other = vault_identity(supervisor_services(tmp_path / "o").vault)
    for key, value in (("age_recipient", other.recipient), ("name", "Someone Else"),
                       ("signing_key", b64(other.public_key)), ("fingerprint", "0000"),
                       ("signature", base64.b64encode(b"x" * 64).decode())):
        with pytest.raises(ValidationError):
            parse_key_file({**doc, key: value})
    with pytest.raises(ValidationError, match=r"too large|regular file"):
        read_key_file(Path("/dev/zero"))
