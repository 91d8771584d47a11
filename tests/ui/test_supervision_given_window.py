"""The supervisor's review window, with their vault open, records the supervision session of
the reply it sends in their own log as supervision given (schema step 019)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kapnotes.domain.review_model import Verdict
from kapnotes.services.clinician import set_clinician_profile
from kapnotes.services.review_requests import create_request
from kapnotes.ui.review_open import open_review_request
from kapnotes.ui.review_window import ReviewWindow
from tests.services.review_helpers import THERAPIST, signed_ids, supervisor_services


@pytest.fixture
def supervisor(tmp_path: Path) -> Any:
    services = supervisor_services(tmp_path / "sup")
    yield services
    services.vault.close()


def test_the_review_window_with_a_vault_logs_the_session_given(
        qtbot: Any, rich_services: Any, supervisor: Any, tmp_path: Path) -> None:
    set_clinician_profile(rich_services.vault, *THERAPIST)
    sid = signed_ids(rich_services)[0]
    sent = create_request(rich_services, tmp_path / "req.kapreview", session_ids=[sid])
    window = open_review_request(None, vault=supervisor.vault, path=sent.path,
                                 ask=lambda _p, _why: sent.passphrase)
    assert isinstance(window, ReviewWindow)
    qtbot.addWidget(window)
    window.set_verdict(sid, Verdict.APPROVED)
    window.session.minutes.setValue(45)
    window.session.topics.setText("consent; boundaries")
    assert window.send_back(tmp_path / "reply.kapreview") is not None, window.error.text()
    given = supervisor.reviews.given()
    assert [(g.supervisee, g.minutes, g.topics) for g in given] == [
        (THERAPIST[0], 45, ("consent", "boundaries"))]
    assert supervisor.reviews.log() == []


def test_the_log_window_shows_supervision_given_apart(
        qtbot: Any, rich_services: Any, supervisor: Any, tmp_path: Path) -> None:
    from kapnotes.ui.supervision_log_view import SupervisionLogView

    view = SupervisionLogView(supervisor)
    qtbot.addWidget(view)
    view.show()
    assert not view.given.isVisibleTo(view)  # nothing given yet
    set_clinician_profile(rich_services.vault, *THERAPIST)
    sid = signed_ids(rich_services)[0]
    sent = create_request(rich_services, tmp_path / "req.kapreview", session_ids=[sid])
    window = open_review_request(None, vault=supervisor.vault, path=sent.path,
                                 ask=lambda _p, _why: sent.passphrase)
    assert isinstance(window, ReviewWindow)
    qtbot.addWidget(window)
    window.set_verdict(sid, Verdict.APPROVED)
    window.session.minutes.setValue(50)
    assert window.send_back(tmp_path / "reply.kapreview") is not None, window.error.text()
    qtbot.waitUntil(lambda: view.given.isVisibleTo(view))
    assert view.given.text() == (
        "Supervision given (replies sent from this vault, not counted above): 1 session(s), "
        f"50 min, to {THERAPIST[0]}.")
    assert view.table.rowCount() == 0  # supervision received: still none
    view.grab().save("/tmp/i18d/log-given.png")
