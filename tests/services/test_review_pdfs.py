"""A reviewed note's supervision records print, read-only and after the note, in every PDF
that shows it: the session PDF, the course PDF (and its overview's review status) and the
supervision packet (and its cross-client table). Two real vaults, a real signed and encrypted
request and reply, PDFs written by the export service and read back with pypdf."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers.pdf_text import page_texts
from review_helpers import REVIEW, SUPERVISOR, THERAPIST, signed_ids, supervisor_services

from kapnotes.domain.review_model import reply_content_from
from kapnotes.services import exports
from kapnotes.services.clinician import set_clinician_profile
from kapnotes.services.review_files import read_file
from kapnotes.services.review_import import import_reply
from kapnotes.services.review_keys import read_key_file, vault_identity, write_key_file
from kapnotes.services.review_replies import open_request, write_reply
from kapnotes.services.review_requests import create_request

NOTE_COMMENT = "Good monitoring record; note the BP recheck time next dose."


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def reviewed(rich_services: Any, tmp_path: Path) -> tuple[Any, int, int]:
    """The therapist's vault after importing a co-signed reply: (services, reviewed note id,
    a note of the same course never sent)."""
    therapist = rich_services
    set_clinician_profile(therapist.vault, *THERAPIST)
    supervisor = supervisor_services(tmp_path / "sup")
    try:
        key = read_key_file(write_key_file(supervisor.vault, tmp_path / "ada.kapkey"))
        ids = signed_ids(therapist)
        sent = create_request(therapist, tmp_path / "req.kapreview", session_ids=ids[:1],
                              to_key=key)
        request = open_request(read_file(sent.path, "request file"),
                               identity=vault_identity(supervisor.vault))
        doc = json.loads(json.dumps(REVIEW))
        doc["verdicts"] = [{"session_id": ids[0], "verdict": "approved"}]
        doc["comments"].append({"session_id": ids[0], "section": "Monitoring record",
                                "text": NOTE_COMMENT})
        doc["cosignature"] = {"name": SUPERVISOR[0], "role": SUPERVISOR[1],
                              "registration": SUPERVISOR[2], "session_ids": [ids[0]]}
        reply = write_reply(request, reply_content_from(doc, request.note_ids),
                            vault_identity(supervisor.vault), tmp_path / "reply.kapreview")
        import_reply(therapist.vault, reply.path.read_bytes())
    finally:
        supervisor.vault.close()
    return therapist, ids[0], ids[1]


def _pdf_text(services: Any, job: Any, path: Path) -> str:
    exports.export_pdf(services, job, path)
    return flat("\n".join(page_texts(path.read_bytes())))


def assert_review_printed(text: str) -> None:
    cosigner = ", ".join(SUPERVISOR)
    assert "Supervision review" in text
    assert "Review status: approved and co-signed by the supervisor" in text
    assert f"Verdict: approved, by {cosigner}" in text
    assert f"Comment by {cosigner} on “Monitoring record”" in text
    assert NOTE_COMMENT in text
    assert f"Co-signed by {cosigner}" in text


def test_session_pdf_prints_the_review_after_the_note(reviewed: tuple, tmp_path: Path) -> None:
    services, note_id, other_id = reviewed
    options = exports.options_for(services)
    text = _pdf_text(services, exports.build_session_report(services, note_id, options),
                     tmp_path / "note.pdf")
    assert_review_printed(text)
    # After the note: the supervisor's lines follow its seal and its fields.
    assert text.index("Seal ") < text.index("Supervision review")
    never_sent = _pdf_text(services, exports.build_session_report(services, other_id, options),
                           tmp_path / "other.pdf")
    assert "Supervision review" not in never_sent


def test_course_and_packet_pdfs_print_the_review(reviewed: tuple, tmp_path: Path) -> None:
    services, note_id, _other = reviewed
    client_id = services.notes.client_id_of(note_id)
    course_id = services.notes.session(note_id).course_id
    options = exports.options_for(services)
    course_pages = page_texts(exports.export_pdf(
        services, exports.build_course_report(services, client_id, options,
                                              course_id=course_id),
        tmp_path / "course.pdf").read_bytes())
    assert "1 co-signed" in flat(course_pages[0])  # the overview's review status
    course_text = flat("\n".join(course_pages))
    assert_review_printed(course_text)
    # The reply's comment on the whole request (no note named) is in the course summary.
    general = REVIEW["comments"][0]["text"]
    assert "Supervision comments" in course_text and general in course_text

    others = [c.id for c in services.clients.list() if c.id != client_id][:1]
    packet_pages = page_texts(exports.export_pdf(
        services, exports.build_packet_report(services, [client_id, *others], options),
        tmp_path / "packet.pdf").read_bytes())
    assert "1 reviewed" in packet_pages[0].splitlines()  # the cross-client table's cell
    packet_text = flat("\n".join(packet_pages))
    assert_review_printed(packet_text)
    assert general in packet_text
