"""What the import window shows before a reply is imported (kapnotes/services/review_preview.py)
and the supervision log's signed PDF (kapnotes/services/supervision_log_pdf.py), through the
services with two real vaults: a new supervisor, the same key again, a changed key; nothing
is written by a preview; the log PDF read back carries a signature that verifies."""

from __future__ import annotations

import base64
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from review_helpers import REVIEW, THERAPIST, review_state, signed_ids, supervisor_services

from kapnotes.domain.review_model import (
    SupervisionFormat,
    SupervisionSession,
    reply_content_from,
)
from kapnotes.services import exports
from kapnotes.services.clinician import set_clinician_profile
from kapnotes.services.review_files import read_file
from kapnotes.services.review_import import import_reply
from kapnotes.services.review_keys import one_off_identity, vault_identity, verify
from kapnotes.services.review_preview import KeyState, preview_reply, summary_line
from kapnotes.services.review_replies import open_request, write_reply
from kapnotes.services.review_requests import create_request
from kapnotes.services.supervision_log_pdf import build_log_report, signed_entries


@pytest.fixture
def therapist(rich_services: Any) -> Any:
    set_clinician_profile(rich_services.vault, *THERAPIST)
    return rich_services


@pytest.fixture
def supervisor(tmp_path: Path) -> Any:
    services = supervisor_services(tmp_path / "sup")
    yield services
    services.vault.close()


def reply_bytes(therapist: Any, identity: Any, tmp_path: Path, name: str, sid: int) -> bytes:
    sent = create_request(therapist, tmp_path / f"{name}.kapreview", session_ids=[sid])
    request = open_request(read_file(sent.path, "r"), passphrase=sent.passphrase)
    doc = json.loads(json.dumps(REVIEW))
    doc["verdicts"] = [{"session_id": sid, "verdict": "approved"}]
    content = reply_content_from(doc, request.note_ids)
    out = write_reply(request, content, identity, tmp_path / f"{name}-reply.kapreview")
    return out.path.read_bytes()


def test_preview_of_a_new_pinned_and_changed_key(therapist: Any, supervisor: Any,
                                                 tmp_path: Path) -> None:
    ids = signed_ids(therapist)
    me = vault_identity(supervisor.vault)
    first = reply_bytes(therapist, me, tmp_path, "a", ids[0])
    before = review_state(therapist.vault)
    seen = preview_reply(therapist.vault, first)
    assert review_state(therapist.vault) == before  # a preview writes nothing
    assert (seen.key_state, seen.fingerprint, seen.one_off_key) == (KeyState.NEW,
                                                                    me.fingerprint, False)
    assert (seen.verdicts, seen.comments, seen.has_session) == (1, 1, True)
    result = import_reply(therapist.vault, first)
    assert "1 approved" in summary_line(result.content)
    again = preview_reply(therapist.vault, reply_bytes(therapist, me, tmp_path, "b", ids[1]))
    assert again.key_state is KeyState.PINNED and again.pinned_fingerprint == me.fingerprint
    impostor = one_off_identity(me.profile)
    changed = preview_reply(therapist.vault,
                            reply_bytes(therapist, impostor, tmp_path, "c", ids[2]))
    assert changed.key_state is KeyState.CHANGED and changed.one_off_key
    assert changed.pinned_fingerprint == me.fingerprint != changed.fingerprint


def test_the_log_pdf_is_signed_over_its_entries(services: Any, tmp_path: Path) -> None:
    set_clinician_profile(services.vault, *THERAPIST)
    services.reviews.log_session("Dr Ada Supervisor", SupervisionSession(
        date(2026, 11, 3), 90, SupervisionFormat.GROUP, ("consent",)))
    job = build_log_report(services, by="year")
    written = exports.export_pdf(services, job, tmp_path / "log.pdf")
    flat = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(written).pages))
    assert "DrAdaSupervisor" in flat and "90" in flat and "group" in flat
    found = re.search(r"entriesabove:([A-Za-z0-9+/]{86}==)", flat)
    assert found is not None
    entries = [{"date": "2026-11-03", "supervisor": "Dr Ada Supervisor", "minutes": 90,
                "format": "group", "topics": ["consent"], "source": "by hand"}]
    me = vault_identity(services.vault)
    assert verify(me.public_key, base64.b64decode(found.group(1)), signed_entries(entries))
    assert not verify(me.public_key, base64.b64decode(found.group(1)),
                      signed_entries([{**entries[0], "minutes": 900}]))
