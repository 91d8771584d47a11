"""Issue 18: a client's review status at a glance — the client page's summary line
("Supervision: 1 changes requested · 1 awaiting review") and the client list's bullet and
tooltip — from ReviewService.client_counts over a real vault, request files and a reply."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from kapnotes.domain.review_model import Profile, ReviewStatus, reply_content_from
from kapnotes.services.clinician import set_clinician_profile
from kapnotes.services.review_import import import_reply
from kapnotes.services.review_keys import one_off_identity
from kapnotes.services.review_replies import open_request, write_reply
from kapnotes.services.review_requests import create_request
from kapnotes.ui.client_list import ClientListPane
from kapnotes.ui.client_view import ClientView
from kapnotes.ui.models.client_list_model import ClientListModel
from kapnotes.ui.widgets.review_summary import review_summary_text
from tests.services.review_helpers import REVIEW, SUPERVISOR, THERAPIST, signed_ids


@pytest.fixture
def therapist(rich_services: Any) -> Any:
    set_clinician_profile(rich_services.vault, *THERAPIST)
    return rich_services


def send_two_one_back(services: Any, tmp_path: Path) -> tuple[int, int]:
    """Two notes of KAP-001 sent in two requests; the first comes back "changes requested"."""
    first, second = signed_ids(services)[:2]
    sent = create_request(services, tmp_path / "a.kapreview", session_ids=[first])
    create_request(services, tmp_path / "b.kapreview", session_ids=[second])
    request = open_request(sent.path.read_bytes(), passphrase=sent.passphrase)
    doc = json.loads(json.dumps(REVIEW))
    doc["verdicts"] = [{"session_id": first, "verdict": "changes_requested"}]
    reply = write_reply(request, reply_content_from(doc, request.note_ids),
                        one_off_identity(Profile(*SUPERVISOR)), tmp_path / "r.kapreview")
    import_reply(services.vault, reply.path.read_bytes())
    return first, second


def test_client_counts_per_status_for_that_client_only(therapist: Any, tmp_path: Path) -> None:
    client = therapist.clients.by_code("KAP-001")
    assert therapist.reviews.client_counts(client.id) == {}
    send_two_one_back(therapist, tmp_path)
    counts = therapist.reviews.client_counts(client.id)
    assert counts == {client.id: {ReviewStatus.CHANGES_REQUESTED: 1, ReviewStatus.AWAITING: 1}}
    assert set(therapist.reviews.client_counts()) == {client.id}  # nobody else was sent
    assert review_summary_text(counts[client.id]) == (
        "Supervision: 1 changes requested · 1 awaiting review")


def test_client_page_header_shows_the_supervision_line(qtbot: Any, therapist: Any,
                                                       tmp_path: Path) -> None:
    client = therapist.clients.by_code("KAP-001")
    view = ClientView(therapist)
    qtbot.addWidget(view)
    view.resize(1100, 760)
    view.show()
    view.set_client(client.id)
    assert not view.header.reviews.isVisible()  # nothing sent: no line at all
    send_two_one_back(therapist, tmp_path)  # the page follows the change notifications
    line = view.header.reviews
    qtbot.waitUntil(line.isVisible)
    assert line.text() == "Supervision: 1 changes requested · 1 awaiting review"
    view.grab().save("/tmp/i18d/client-page-reviews.png")


def test_client_list_marks_a_client_with_pending_reviews(qtbot: Any, therapist: Any,
                                                         tmp_path: Path) -> None:
    pane = ClientListPane(therapist)
    qtbot.addWidget(pane)
    model = pane.model
    rows = {model.row_at(r).code: r for r in range(model.rowCount())}
    assert model.index(rows["KAP-001"], ClientListModel.CODE).data() == "KAP-001"
    send_two_one_back(therapist, tmp_path)  # the list follows the change notifications
    marked = model.index(rows["KAP-001"], ClientListModel.CODE)
    qtbot.waitUntil(lambda: marked.data() == "KAP-001 •")
    assert "supervision: 1 changes requested · 1 awaiting review" in marked.data(
        Qt.ItemDataRole.ToolTipRole)
    others = [c for c in rows if c != "KAP-001"]
    assert others and all(model.index(rows[c], ClientListModel.CODE).data() == c
                          for c in others)
    pane.grab().save("/tmp/i18d/client-list-reviews.png")
