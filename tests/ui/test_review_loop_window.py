"""The supervision loop through the windows with two real vaults (issue 18): the therapist
sends a course from the client page (File → Send for supervision…), the passphrase is shown
once with a Copy button; the supervisor opens the file in the review window, gives verdicts,
comments, co-signs and records the session, and sends it back; the therapist imports the
reply (first use: the fingerprint is shown and pinned) and every view shows co-signed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QGuiApplication

from kapnotes.domain.review_model import ReviewStatus, Verdict
from kapnotes.services.clinician import set_clinician_profile
from kapnotes.services.clock import utc_stamp
from kapnotes.services.review_keys import vault_identity
from kapnotes.storage import reviews as storage_reviews
from kapnotes.ui.dialogs.review_import import ImportReplyDialog
from kapnotes.ui.dialogs.review_send import SendForReviewDialog
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.review_open import open_review_request
from kapnotes.ui.review_records import NoteReviewsPanel
from kapnotes.ui.review_window import ReviewWindow
from kapnotes.ui.reviews_view import EMPTY, ReviewsView
from kapnotes.ui.supervision_log_view import SupervisionLogView
from kapnotes.ui.widgets.course_sessions import SESSION_ID_ROLE
from kapnotes.ui.workspace import Workspace
from tests.services.review_helpers import SUPERVISOR, THERAPIST, supervisor_services


@pytest.fixture
def therapist(rich_services: Any) -> Any:
    set_clinician_profile(rich_services.vault, *THERAPIST)
    return rich_services


@pytest.fixture
def supervisor(tmp_path: Path) -> Any:
    services = supervisor_services(tmp_path / "sup")
    yield services
    services.vault.close()


@pytest.fixture
def workspace(qtbot: Any, therapist: Any, settings: Any) -> Workspace:
    window = MainWindow(therapist.vault, settings=settings)
    qtbot.addWidget(window)
    space = Workspace(window, therapist, signer_name=THERAPIST[0])
    window.show()
    return space


def note_states(workspace: Workspace) -> dict[int, str]:
    """The client page's sessions list: the Note column of each session."""
    listed = workspace.client_view.sessions_list
    items = [listed.topLevelItem(i) for i in range(listed.topLevelItemCount())]
    return {int(item.data(0, SESSION_ID_ROLE)): item.text(2) for item in items}


def send_course(qtbot: Any, workspace: Workspace, out: Path) -> SendForReviewDialog:
    client = workspace.services.clients.by_code("KAP-001")
    workspace.open_client(client.id)
    workspace.window.findChild(QAction, "send_for_review").trigger()
    dialog = workspace.supervision.dialogs["send"]
    assert isinstance(dialog, SendForReviewDialog)
    assert dialog.course_radio.isChecked()  # from the client page: its course
    assert not dialog.identified.isChecked()  # de-identified unless asked
    assert dialog.send(out) is not None
    return dialog


def review_and_send_back(qtbot: Any, window: ReviewWindow, out: Path) -> Path:
    qtbot.waitExposed(window)
    for row in range(window.notes.count()):
        window.notes.setCurrentRow(row)
        radio = window.verdict_buttons[Verdict.APPROVED]  # its label, not the empty width
        qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))
    assert len(window.verdicts) == window.notes.count()
    assert "Approved" in window.notes.item(0).text()
    window.notes.setCurrentRow(0)
    window.comment_note_button.click()
    qtbot.keyClicks(window.comments.text, "Good monitoring record; note the BP at 40 min.")
    qtbot.mouseClick(window.comments.add_button, Qt.MouseButton.LeftButton)
    window.cosign.enabled.setChecked(True)
    window.session.minutes.setValue(50)
    window.session.topics.setText("dosing safety; integration")
    written = window.send_back(out)
    assert written is not None, window.error.text()
    assert "Reply written" in window.done_label.text()
    return written


def test_the_whole_loop_through_the_windows(qtbot: Any, workspace: Workspace, supervisor: Any,
                                            tmp_path: Path) -> None:
    therapist = workspace.services
    sent = send_course(qtbot, workspace, tmp_path / "request.kapreview")
    request = sent.request_result
    assert request is not None and request.notes
    shown = sent.passphrase_dialog
    assert shown is not None and shown.field.text() == request.passphrase
    assert "another channel" in shown.findChildren(type(sent.key_info))[0].text()
    shown.copy_button.click()
    assert QGuiApplication.clipboard().text() == request.passphrase
    ids = [n.session_id for n in request.notes]
    assert set(therapist.reviews.statuses(ids).values()) == {ReviewStatus.AWAITING}
    assert "Awaiting review" in note_states(workspace)[ids[0]]
    reviews = workspace.supervision.show_reviews()
    assert isinstance(reviews, ReviewsView)
    assert reviews.table.rowCount() == len(ids)
    assert reviews.table.item(0, 3).text() == "awaiting review"

    asked: list[str] = []

    def ask(_parent: Any, problem: str) -> str:
        asked.append(problem)
        return "WRONG-PASS" if len(asked) == 1 else str(request.passphrase)

    supervisor.clock.advance(days=1)  # answered a day later, by the supervisor's own clock
    window = open_review_request(None, vault=supervisor.vault, path=request.path, ask=ask,
                                 clock=supervisor.clock)
    assert isinstance(window, ReviewWindow)
    qtbot.addWidget(window)
    assert "passphrase" in asked[1]  # the wrong one was refused, and it asked again
    assert window.notes.count() == len(ids)
    assert "KAP-001" in window.viewer.toPlainText()
    assert THERAPIST[0] in window.header.text()
    reply = review_and_send_back(qtbot, window, tmp_path / "reply.kapreview")

    dialog = workspace.supervision.import_reply(reply)
    assert isinstance(dialog, ImportReplyDialog)
    info = dialog.info.text()
    assert SUPERVISOR[0] in info and "First reply" in info
    assert vault_identity(supervisor.vault).fingerprint in info
    assert dialog.import_button.text() == "&Pin key and import"
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.import_result is not None and "co-signed" in dialog.info.text()
    # Both windows date what they write by their services' clock, never the wall clock.
    stored = storage_reviews.reply(therapist.vault, dialog.import_result.reply_id)
    assert stored is not None
    assert (stored.created_at, stored.imported_at) == (utc_stamp(supervisor.clock),
                                                       utc_stamp(therapist.clock))

    assert set(therapist.reviews.statuses(ids).values()) == {ReviewStatus.COSIGNED}
    qtbot.waitUntil(lambda: reviews.table.rowCount() == 0)
    assert reviews.pages.currentWidget() is reviews.empty
    assert EMPTY in reviews.empty.findChild(type(dialog.info), "reviews_empty").text()

    qtbot.waitUntil(lambda: "Co-signed" in note_states(workspace)[ids[0]])
    workspace.open_session(ids[0])
    panel = workspace.editor.findChild(NoteReviewsPanel)
    assert panel is not None and not panel.isHidden()
    assert "Co-signed" in panel.status_label.text()
    records = panel.records_label.text()
    assert "Verdict: approved" in records and "note the BP at 40 min" in records
    assert f"Co-signed</b> by {SUPERVISOR[0]}" in records

    log = workspace.supervision.show_log()
    assert isinstance(log, SupervisionLogView)
    assert log.table.rowCount() == 1
    assert [log.table.item(0, c).text() for c in (1, 2, 3)] == [SUPERVISOR[0], "50",
                                                                 "individual"]
    assert "dosing safety; integration" == log.table.item(0, 4).text()

    again = ImportReplyDialog(therapist, reply)  # the same reply twice: harmless
    qtbot.addWidget(again)
    assert "matches the one pinned" in again.info.text()
    assert again.import_now() is not None and "before" in again.info.text()
