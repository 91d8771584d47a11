"""Hostile review files: arbitrary bytes, generated JSON inside a real age file, and valid
requests and replies mutated at random paths and then re-signed (so the parser behind the
signature check is reached), through the reader and the import of a real vault.

Every outcome is a success or a refusal with the project's own error (`KapNotesError`), and a
refused import leaves the vault as it was. Never another exception.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyrage
import pytest
from helpers.basics import FakeClock
from helpers.vault_template import open_copy
from hypothesis import example, given
from hypothesis import strategies as st

from kapnotes.domain.errors import KapNotesError
from kapnotes.domain.review_model import Profile, reply_content_from
from kapnotes.services.clinician import set_clinician_profile
from kapnotes.services.review_files import AGE_MAGIC, open_file, signed_message
from kapnotes.services.review_import import import_reply
from kapnotes.services.review_keys import ReviewIdentity, b64, canonical, one_off_identity
from kapnotes.services.review_keys import vault_identity as identity_of
from kapnotes.services.review_replies import open_request, reply_payload
from kapnotes.services.review_requests import create_request
from tests.reliability.test_import_fuzz import (
    RAW_JSON,
    _dumps,
    _mutate,
    _paths,
    examples,
    json_value,
)
from tests.services.review_helpers import review_state, signed_ids

TALLY: Counter[str] = Counter()


class World:
    """A therapist's vault that sent one request, a one-off supervisor, a valid reply."""

    def __init__(self, services: Any, folder: Path) -> None:
        self.services = services
        set_clinician_profile(self.services.vault, "Dr Demo Clinician")
        self.me = identity_of(self.services.vault)
        self.supervisor = one_off_identity(Profile("Dr Ada Supervisor"))
        sent = create_request(self.services, folder / "r.kapreview",
                              session_ids=signed_ids(self.services)[:2])
        self.request = open_request(sent.path.read_bytes(), passphrase=sent.passphrase)
        plain = json.loads(pyrage.passphrase.decrypt(sent.path.read_bytes(), sent.passphrase))
        self.request_payload = plain["payload"]
        content = reply_content_from({"verdicts": [
            {"session_id": s, "verdict": "approved"} for s in self.request.note_ids],
            "comments": [{"session_id": None, "section": "", "text": "Fine."}],
            "supervision": {"date": "2026-11-21", "minutes": 30, "format": "group",
                            "topics": ["x"]}}, self.request.note_ids)
        self.reply = reply_payload(self.request, content, self.supervisor,
                                   "00000000-0000-4000-8000-000000000001")


@pytest.fixture(scope="module")
def world(rich_demo_vault: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("review-fuzz")
    with open_copy(rich_demo_vault, folder / "t.kapnotes", FakeClock(),
                   folder / "templates") as services:
        yield World(services, folder)


def _envelope(kind: str, payload: Any, signer: ReviewIdentity) -> dict[str, Any]:
    try:
        signature = b64(signer.sign(signed_message(kind, payload)))
    except (TypeError, ValueError):  # not JSON-able canonically (NaN, a bad key): unsigned
        signature = "A" * 86 + "=="
    return {"format": "kapnotes-review-signed", "version": 1, "kind": kind,
            "payload": payload, "signature": signature}


def _encrypt(text: bytes, to: ReviewIdentity) -> bytes:
    return pyrage.encrypt(text, [to.age_identity.to_public()])


def _import_or_refuse(world: World, data: bytes) -> str:
    before = review_state(world.services.vault)
    try:
        result = import_reply(world.services.vault, data)
    except KapNotesError as exc:
        assert "\n" not in exc.message
        assert review_state(world.services.vault) == before
        return "refused"
    return "already" if result.already_imported else "imported"


def test_the_unmutated_reply_imports(world: World) -> None:
    data = _encrypt(canonical(_envelope("reply", world.reply, world.supervisor)), world.me)
    assert _import_or_refuse(world, data) in ("imported", "already")


@examples(80)
@given(data=st.binary(max_size=600), prefix=st.sampled_from([b"", AGE_MAGIC,
                                                             AGE_MAGIC + b"-> scrypt "]))
@example(data=b"abc 99\n--- x", prefix=AGE_MAGIC + b"-> scrypt ")
@example(data=b"\n--- " + b"\x00" * 64, prefix=AGE_MAGIC)
def test_arbitrary_bytes_are_refused_cleanly(world: World, data: bytes, prefix: bytes) -> None:
    for kind in ("request", "reply"):
        with pytest.raises(KapNotesError):
            open_file(prefix + data, kind, label="review file", identity=world.me,
                      passphrase="x" * 20)
    assert _import_or_refuse(world, prefix + data) == "refused"


@examples(60)
@given(doc=json_value, raw=st.sampled_from(RAW_JSON))
def test_generated_json_in_a_real_age_file_is_refused_cleanly(world: World, doc: Any,
                                                              raw: str) -> None:
    data = _encrypt(_dumps(doc, raw), world.me)
    assert _import_or_refuse(world, data) == "refused"
    wrapped = _encrypt(_dumps({"format": "kapnotes-review-signed", "version": 1,
                               "kind": "reply", "payload": doc, "signature": "x"}, raw),
                       world.me)
    assert _import_or_refuse(world, wrapped) == "refused"


@examples(150)
@given(data=st.data(), how=st.sampled_from(["replace", "replace", "delete", "wrap", "extra",
                                            "nest"]), value=json_value)
def test_a_valid_reply_mutated_and_resigned_imports_or_is_refused_cleanly(
        world: World, data: Any, how: str, value: Any) -> None:
    path = data.draw(st.sampled_from(list(_paths(world.reply))), label="path")
    mutated = _mutate(world.reply, path, how, value)
    try:
        text = json.dumps(_envelope("reply", mutated, world.supervisor), ensure_ascii=False,
                          allow_nan=True).encode("utf-8", "surrogatepass")
    except (TypeError, ValueError):
        return
    TALLY[_import_or_refuse(world, _encrypt(text, world.me))] += 1


@examples(100)
@given(data=st.data(), how=st.sampled_from(["replace", "delete", "wrap", "extra", "nest"]),
       value=json_value)
def test_a_valid_request_mutated_and_resigned_opens_or_is_refused_cleanly(
        world: World, data: Any, how: str, value: Any) -> None:
    payload = copy.deepcopy(world.request_payload)
    payload["pdf"] = payload["pdf"][:64]  # the PDF's bytes are opaque: keep the walk short
    payload["report"]["sections"] = payload["report"]["sections"][:6]
    path = data.draw(st.sampled_from(list(_paths(payload))), label="path")
    mutated = _mutate(payload, path, how, value)
    try:
        text = json.dumps(_envelope("request", mutated, world.me), ensure_ascii=False,
                          allow_nan=True).encode("utf-8", "surrogatepass")
    except (TypeError, ValueError):
        return
    try:
        opened = open_request(_encrypt(text, world.supervisor), identity=world.supervisor)
    except KapNotesError as exc:
        assert "\n" not in exc.message
        TALLY["request refused"] += 1
        return
    assert opened.request_id == mutated["request_id"]
    TALLY["request opened"] += 1


@pytest.mark.parametrize("pdf", ["JVBERi0x%", "JVBERi0", "JVBERi\u00e9"])
def test_a_signed_request_whose_pdf_is_not_base64_is_refused(world: World, pdf: str) -> None:
    payload = {**world.request_payload, "pdf": pdf}
    data = _encrypt(canonical(_envelope("request", payload, world.me)), world.supervisor)
    with pytest.raises(KapNotesError, match="pdf"):
        open_request(data, identity=world.supervisor)


def test_zz_the_fuzzing_reached_both_outcomes() -> None:
    """Run after the fuzz tests in this module: the mutations were not all refused early."""
    if TALLY:
        assert TALLY["refused"] > 0 and TALLY["request refused"] > 0
        assert TALLY["request opened"] > 0


@examples(150)
@given(doc=json_value, ids=st.lists(st.integers(1, 5), max_size=3))
@example(doc={"verdicts": [{"session_id": 1, "verdict": "approved"}] * 3}, ids=[1])
@example(doc={"cosignature": {"name": "A", "session_ids": [1]}}, ids=[1])
@example(doc={"supervision": {"date": "2026-02-30", "minutes": True}}, ids=[])
@example(doc={"\n": None}, ids=[])  # an unknown key is named escaped, on one line
def test_a_review_file_is_read_or_refused_naming_a_field(doc: Any, ids: list[int]) -> None:
    """The `kapnotes review reply --review` file (and a reply's content) is checked by
    `reply_content_from`: any JSON gives content or a ValidationError, nothing else."""
    from kapnotes.domain.errors import ValidationError

    try:
        reply_content_from(doc, ids)
    except ValidationError as exc:
        assert exc.field and "\n" not in exc.message


@examples(100)
@given(doc=json_value, data=st.data())
def test_a_key_file_is_read_or_refused_cleanly(world: World, doc: Any, data: Any) -> None:
    from kapnotes.services.review_keys import key_file_data, parse_key_file

    valid = key_file_data(world.supervisor)
    path = data.draw(st.sampled_from(list(_paths(valid))), label="path")
    for candidate in (doc, _mutate(valid, path, "replace", doc)):
        try:
            parse_key_file(candidate)
        except KapNotesError as exc:
            assert "\n" not in exc.message


def test_a_key_file_value_json_cannot_hold_is_refused(world: World) -> None:
    """Found by the long fuzz run: a non-JSON value reached the signature's canonical form."""
    from kapnotes.services.review_keys import key_file_data, parse_key_file

    for key in ("name", "role", "registration"):
        with pytest.raises(KapNotesError):
            parse_key_file({**key_file_data(world.supervisor), key: [float("inf")]})
