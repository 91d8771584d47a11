"""What a request carries: nothing identifying when de-identified (the decrypted bundle is
grepped for every identifier of the client, as the PDF tests do), the identified opt-in, and
payloads that the shipped JSON Schema accepts (checked by the real `jsonschema` package)."""

from __future__ import annotations

import base64
import io
import json
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pyrage
import pytest
from pypdf import PdfReader
from review_helpers import REVIEW, THERAPIST, sign_note_naming_client, supervisor_services

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.review_model import reply_content_from
from kapnotes.services.clinician import set_clinician_profile
from kapnotes.services.review_files import review_schema
from kapnotes.services.review_keys import vault_identity
from kapnotes.services.review_replies import open_request, write_reply
from kapnotes.services.review_requests import create_request

sys.path.insert(0, str(Path(__file__).parents[1] / "export"))
from export_fixtures import identifying_values


@pytest.fixture
def therapist(rich_services: Any) -> Any:
    set_clinician_profile(rich_services.vault, *THERAPIST)
    return rich_services


def _decrypted(path: Path, passphrase: str) -> dict[str, Any]:
    return json.loads(pyrage.passphrase.decrypt(path.read_bytes(), passphrase))


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def _text_of(payload: dict[str, Any]) -> str:
    """The payload as text without its base64 and bech32 parts (the PDF, the keys), whose
    letters may spell any short word by chance; the PDF is read as text instead."""
    keys = {"signing_key": "", "age_recipient": ""}
    return json.dumps({**payload, "pdf": "", "therapist": {**payload["therapist"], **keys}},
                      ensure_ascii=False)


def _schema_errors(doc: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(
        review_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(review_schema())


@pytest.mark.parametrize("how", ["session", "course"])
def test_deidentified_request_holds_no_identifier(therapist: Any, tmp_path: Path,
                                                  how: str) -> None:
    sid = sign_note_naming_client(therapist)
    client = therapist.clients.get(therapist.notes.client_id_of(sid))
    kw = {"session_ids": [sid]} if how == "session" else {"client_id": client.id}
    sent = create_request(therapist, tmp_path / "r.kapreview", **kw)
    assert sent.deidentified and sent.redactions  # the typed name was found and replaced
    envelope = _decrypted(sent.path, sent.passphrase)
    assert _schema_errors(envelope) == []
    payload = envelope["payload"]
    assert sid in [n["session_id"] for n in payload["notes"]]
    pdf = base64.b64decode(payload["pdf"])
    # Base64 (the PDF, the signature, the keys) may spell any short word: text only, then
    # the PDF's text and its raw bytes.
    haystack = (_text_of(payload) + "\n" + _pdf_text(pdf)).casefold()
    for value in identifying_values(client):
        assert value.casefold() not in haystack, value
    for value in (client.full_name, client.email, client.phone):
        assert value.encode("utf-8") not in pdf and value.encode("utf-16-be") not in pdf
    assert client.code.casefold() in haystack  # the code is how a supervisor names a client


def test_identified_request_keeps_the_name_and_reply_matches_the_schema(
        therapist: Any, tmp_path: Path) -> None:
    sid = sign_note_naming_client(therapist)
    client = therapist.clients.get(therapist.notes.client_id_of(sid))
    sent = create_request(therapist, tmp_path / "r.kapreview", session_ids=[sid],
                          identified=True)
    envelope = _decrypted(sent.path, sent.passphrase)
    assert envelope["payload"]["deidentified"] is False
    assert client.full_name in json.dumps(envelope, ensure_ascii=False)
    supervisor = supervisor_services(tmp_path / "sup")
    request = open_request(sent.path.read_bytes(), passphrase=sent.passphrase)
    doc = {**REVIEW, "verdicts": [{"session_id": sid, "verdict": "approved"}],
           "cosignature": {"name": "Dr Ada Supervisor", "role": "", "registration": "",
                           "session_ids": [sid]}}
    reply = write_reply(request, reply_content_from(doc, request.note_ids),
                        vault_identity(supervisor.vault), tmp_path / "p.kapreview")
    me = vault_identity(therapist.vault)
    assert _schema_errors(json.loads(pyrage.decrypt(reply.path.read_bytes(),
                                                    [me.age_identity]))) == []
    supervisor.vault.close()


def test_several_clients_go_as_one_packet_request(therapist: Any, tmp_path: Path) -> None:
    codes = ("KAP-001", "KAP-002")
    clients = [therapist.clients.by_code(c) for c in codes]
    sent = create_request(therapist, tmp_path / "p.kapreview",
                          client_ids=[c.id for c in clients])
    payload = _decrypted(sent.path, sent.passphrase)["payload"]
    assert {n["client_code"] for n in payload["notes"]} == set(codes)
    pdf = base64.b64decode(payload["pdf"])
    haystack = (_text_of(payload) + "\n" + _pdf_text(pdf)).casefold()
    for client in clients:
        for value in identifying_values(therapist.clients.get(client.id)):
            at = haystack.find(value.casefold())
            assert at < 0, haystack[at - 300:at + 60]
    with pytest.raises(ValidationError, match="goes with one client"):
        create_request(therapist, tmp_path / "q.kapreview",
                       client_ids=[c.id for c in clients], course_id=1)
