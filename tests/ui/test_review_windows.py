"""The supervision windows one by one (issue 18), real vaults and widgets: the supervisor
without a vault from the unlock dialog (one-off key), a changed key refused before import,
a request to the supervisor's key file (no passphrase), the clinician profile and key export,
changes requested answered with an addendum and sent again, the Reviews view's empty state,
the supervision log (by hand, totals, remove, signed PDF), and messages naming the field."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QFileDialog, QInputDialog, QPushButton

from kapnotes.domain.review_model import ReviewStatus, Verdict
from kapnotes.services.clinician import clinician_profile, set_clinician_profile
from kapnotes.services.review_keys import read_key_file, vault_identity, verify
from kapnotes.services.review_requests import create_request
from kapnotes.services.supervision_log_pdf import signed_entries
from kapnotes.ui.dialogs.clinician_profile import ClinicianProfileDialog
from kapnotes.ui.dialogs.review_import import ImportReplyDialog
from kapnotes.ui.dialogs.review_send import SendForReviewDialog
from kapnotes.ui.dialogs.unlock import UnlockDialog
from kapnotes.ui.review_open import open_review_request
from kapnotes.ui.review_records import NoteReviewsPanel
from kapnotes.ui.review_window import ReviewWindow
from kapnotes.ui.reviews_view import EMPTY, ReviewsView
from kapnotes.ui.supervision_log_view import SupervisionLogView
from tests.services.review_helpers import SUPERVISOR, THERAPIST, signed_ids, supervisor_services


@pytest.fixture
def therapist(rich_services: Any) -> Any:
    set_clinician_profile(rich_services.vault, *THERAPIST)
    return rich_services


@pytest.fixture
def supervisor(tmp_path: Path) -> Any:
    services = supervisor_services(tmp_path / "sup")
    yield services
    services.vault.close()


def request_for(therapist: Any, tmp_path: Path, ids: list[int], name: str = "req") -> Any:
    return create_request(therapist, tmp_path / f"{name}.kapreview", session_ids=ids)


def reply_window(qtbot: Any, request: Any, vault: Any = None) -> ReviewWindow:
    window = open_review_request(None, vault=vault, path=request.path,
                                 ask=lambda _p, _why: request.passphrase)
    assert isinstance(window, ReviewWindow)
    qtbot.addWidget(window)
    return window


def test_a_supervisor_without_a_vault_replies_from_the_unlock_dialog(
        qtbot: Any, therapist: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    request = request_for(therapist, tmp_path, signed_ids(therapist)[:1])
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(request.path), "")))
    monkeypatch.setattr(QInputDialog, "getText",
                        staticmethod(lambda *a, **k: (request.passphrase, True)))
    dialog = UnlockDialog(tmp_path / "nobody.kapnotes")
    qtbot.addWidget(dialog)
    link = dialog.findChild(QPushButton, "open_review_request_link")
    assert link is not None and "without a vault" in link.text()
    link.click()
    window = dialog.findChild(ReviewWindow)
    assert window is not None and window.vault is None
    assert not window.reviewer.name.isReadOnly()
    assert window.send_back(tmp_path / "reply.kapreview") is None
    assert window.error.text().startswith("Your name:")  # the field, named
    window.reviewer.name.setText("Dr Lee Visiting")
    window.set_verdict(request.notes[0].session_id, Verdict.CHANGES_REQUESTED)
    reply = window.send_back(tmp_path / "reply.kapreview")
    assert reply is not None

    imported = ImportReplyDialog(therapist, reply)
    qtbot.addWidget(imported)
    assert "one-off key" in imported.info.text()
    assert imported.import_now() is not None
    sid = request.notes[0].session_id
    assert therapist.reviews.status(sid) is ReviewStatus.CHANGES_REQUESTED


def test_a_changed_key_is_refused_before_anything_is_imported(
        qtbot: Any, therapist: Any, supervisor: Any, tmp_path: Path) -> None:
    ids = signed_ids(therapist)
    first = request_for(therapist, tmp_path, ids[:1], "first")
    window = reply_window(qtbot, first, supervisor.vault)
    window.set_verdict(ids[0], Verdict.APPROVED)
    dialog = ImportReplyDialog(therapist, window.send_back(tmp_path / "first-reply.kapreview"))
    qtbot.addWidget(dialog)
    assert dialog.import_now() is not None  # pinned

    second = request_for(therapist, tmp_path, ids[1:2], "second")
    impostor = reply_window(qtbot, second)  # no vault: a one-off key in the same name
    for edit, text in zip((impostor.reviewer.name, impostor.reviewer.role,
                           impostor.reviewer.registration), SUPERVISOR, strict=True):
        edit.setText(text)
    impostor.set_verdict(ids[1], Verdict.APPROVED)
    refused = ImportReplyDialog(therapist, impostor.send_back(tmp_path / "bad.kapreview"))
    qtbot.addWidget(refused)
    assert "key has changed" in refused.error.text()
    assert vault_identity(supervisor.vault).fingerprint in refused.error.text()
    assert refused.import_button.isHidden()
    assert refused.import_now() is None
    assert therapist.reviews.status(ids[1]) is ReviewStatus.AWAITING


def test_a_request_to_the_supervisors_key_file_needs_no_passphrase(
        qtbot: Any, therapist: Any, supervisor: Any, tmp_path: Path) -> None:
    profile = ClinicianProfileDialog(supervisor.vault)
    qtbot.addWidget(profile)
    fingerprint = vault_identity(supervisor.vault).fingerprint
    assert profile.fingerprint.text() == fingerprint
    profile.fields.role.setText("Senior clinical psychologist")
    key_file = profile.export_key(tmp_path / "ada.json")
    assert key_file is not None
    assert clinician_profile(supervisor.vault).role == "Senior clinical psychologist"
    assert read_key_file(key_file).fingerprint == fingerprint

    client = therapist.clients.by_code("KAP-001")
    sid = signed_ids(therapist)[0]
    dialog = SendForReviewDialog(therapist, client_id=client.id, session_id=sid)
    qtbot.addWidget(dialog)
    assert dialog.notes_radio.isChecked()
    dialog.key_edit.setText(str(key_file))
    dialog._show_key()
    assert fingerprint in dialog.key_info.text()
    sent = dialog.send(tmp_path / "to-ada.kapreview")
    assert sent is not None and sent.passphrase is None and dialog.passphrase_dialog is None
    assert [n.session_id for n in sent.notes] == [sid]

    def never(*_a: Any) -> str:
        raise AssertionError("a request to a key must not ask for a passphrase")

    window = open_review_request(None, vault=supervisor.vault, path=sent.path, ask=never)
    assert isinstance(window, ReviewWindow)
    qtbot.addWidget(window)
    assert window.reviewer.name.isReadOnly() and window.reviewer.name.text() == SUPERVISOR[0]


def test_changes_requested_are_answered_with_an_addendum_and_sent_again(
        qtbot: Any, therapist: Any, supervisor: Any, tmp_path: Path) -> None:
    sid = signed_ids(therapist)[0]
    window = reply_window(qtbot, request_for(therapist, tmp_path, [sid]), supervisor.vault)
    window.set_verdict(sid, Verdict.CHANGES_REQUESTED)
    window.comments.anchor_to_note(sid)
    window.comments.text.setPlainText("Please record the BP at 40 minutes.")
    window.comments.add()
    window.session.enabled.setChecked(False)
    imported = ImportReplyDialog(therapist, window.send_back(tmp_path / "r.kapreview"))
    qtbot.addWidget(imported)
    imported.import_now()

    view = ReviewsView(therapist)
    qtbot.addWidget(view)
    assert view.table.item(0, 3).text() == "changes requested"
    assert "record the BP at 40 minutes" in view.detail.toPlainText()
    panel = NoteReviewsPanel(therapist, sid)
    qtbot.addWidget(panel)
    assert panel.answer_button.isVisibleTo(panel)
    assert panel.answer("BP at 40 min was 132/84 (from the paper chart).")
    assert "132/84" in therapist.notes.note(sid).addenda[-1].text
    again = panel.send_again()
    assert isinstance(again, SendForReviewDialog)
    qtbot.addWidget(again)
    assert again.send(tmp_path / "again.kapreview") is not None
    assert therapist.reviews.status(sid) is ReviewStatus.AWAITING
    assert len(therapist.reviews.rounds(sid)) == 2  # the first round stays as history
    assert "Changes requested" not in panel.status_label.text()


def test_reviews_view_says_when_nothing_is_pending(qtbot: Any, services: Any) -> None:
    view = ReviewsView(services)
    qtbot.addWidget(view)
    assert view.pages.currentWidget() is view.empty
    assert EMPTY == "No reviews pending"
    assert not view.open_button.isEnabled()


def test_send_dialog_names_the_field_and_writes_nothing(qtbot: Any, therapist: Any,
                                                        tmp_path: Path) -> None:
    client = therapist.clients.by_code("KAP-001")
    dialog = SendForReviewDialog(therapist, client_id=client.id, session_id=0)
    qtbot.addWidget(dialog)
    dialog.notes_radio.setChecked(True)
    assert dialog.send(tmp_path / "none.kapreview") is None
    assert dialog.error.text().startswith("Notes:")
    dialog.course_radio.setChecked(True)
    (tmp_path / "bad-key.json").write_text("{}", encoding="utf-8")
    dialog.key_edit.setText(str(tmp_path / "bad-key.json"))
    assert dialog.send(tmp_path / "none.kapreview") is None
    assert dialog.error.text().startswith("Supervisor key file:")
    assert not (tmp_path / "none.kapreview").exists()


def test_supervision_log_by_hand_totals_and_a_signed_pdf(qtbot: Any, services: Any,
                                                        tmp_path: Path) -> None:
    set_clinician_profile(services.vault, *THERAPIST)
    view = SupervisionLogView(services)
    qtbot.addWidget(view)
    view.show()  # a view behind others refreshes when it comes back (change_signals)
    qtbot.waitExposed(view)
    assert view.empty.isVisibleTo(view)
    for day, minutes in ((QDate(2026, 10, 5), 60), (QDate(2026, 11, 2), 45)):
        add = view.add_session()
        add.supervisor.setText(SUPERVISOR[0])
        add.session.held_on.setDate(day)
        add.session.minutes.setValue(minutes)
        add.session.topics.setText("consent; dosing safety")
        assert add.add() is not None
    bad = view.add_session()
    assert bad.add() is None and bad.error.text().startswith("Supervisor:")
    qtbot.waitUntil(lambda: view.table.rowCount() == 2)
    assert [view.totals.item(r, 0).text() for r in range(2)] == ["2026-10", "2026-11"]
    assert "105 min" in view.summary.text()
    view.by.setCurrentIndex(1)
    assert view.totals.rowCount() == 1 and view.totals.item(0, 2).text() == "105"

    pdf = view.save_pdf(tmp_path / "log.pdf")
    assert pdf is not None
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    flat = re.sub(r"\s+", "", text)
    me = vault_identity(services.vault)
    assert "Supervision log" in text and SUPERVISOR[0] in text
    assert me.fingerprint.replace(" ", "") in flat
    signature = re.search(r"entriesabove:([A-Za-z0-9+/=]{80,})", flat)
    assert signature is not None
    entries = [{"date": r.held_on, "supervisor": r.supervisor, "minutes": r.minutes,
                "format": r.format, "topics": list(r.topics), "source": "by hand"}
               for r in services.reviews.log()]
    assert verify(me.public_key, base64.b64decode(signature.group(1)[:88]),
                  signed_entries(json.loads(json.dumps(entries))))

    view.table.selectRow(0)
    assert view.remove_selected()
    qtbot.waitUntil(lambda: view.table.rowCount() == 1)


def test_settings_shows_the_key_fingerprint_and_opens_the_profile(
        qtbot: Any, therapist: Any, settings: Any) -> None:
    from PySide6.QtWidgets import QLabel

    from kapnotes.services.settings_service import SettingsService
    from kapnotes.ui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(SettingsService(therapist.vault), settings)
    qtbot.addWidget(dialog)
    shown = dialog.findChild(QLabel, "settings_key_fingerprint")
    assert shown is not None
    assert vault_identity(therapist.vault).fingerprint in shown.text()
    dialog.findChild(QPushButton, "clinician_profile_button").click()
    profile = dialog.findChild(ClinicianProfileDialog)
    assert profile is not None and profile.fields.name.text() == THERAPIST[0]
    profile.fields.name.setText("Dr Demo Clinician-Renamed")
    assert profile.save()
    assert dialog.clinician_edit.text() == "Dr Demo Clinician-Renamed"  # Save keeps it


def test_several_clients_go_in_one_request(qtbot: Any, therapist: Any, tmp_path: Path) -> None:
    from PySide6.QtCore import Qt

    dialog = SendForReviewDialog(therapist)  # from no client page: the packet
    qtbot.addWidget(dialog)
    assert dialog.clients_radio.isChecked() and not dialog.course_radio.isEnabled()
    wanted = {"KAP-001", "KAP-002"}
    for i in range(dialog.clients_list.count()):
        item = dialog.clients_list.item(i)
        item.setCheckState(Qt.CheckState.Checked if item.text() in wanted
                           else Qt.CheckState.Unchecked)
    sent = dialog.send(tmp_path / "packet.kapreview")
    assert sent is not None, dialog.error.text()
    assert {n.client_code for n in sent.notes} == wanted


def test_closing_the_review_window_with_unsent_comments_asks_first(
        qtbot: Any, therapist: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kapnotes.ui.review_window as review_window

    request = request_for(therapist, tmp_path, signed_ids(therapist)[:1])
    window = reply_window(qtbot, request)
    window.comments.text.setPlainText("Half a thought about the dosing record")
    answers = ["keep", "discard"]
    asked: list[str] = []

    class Box:
        def __init__(self, text: str) -> None:
            asked.append(text)
            self.choice = answers.pop(0)

        def exec(self) -> int:
            return 0

        def clickedButton(self) -> str:
            return self.choice

    monkeypatch.setattr(review_window, "question_box",
                        lambda _parent, _title, text, **_k: (Box(text), "discard"))
    window.reject()
    assert window.isVisible() and "not been sent back" in asked[0]  # kept reviewing
    window.reject()
    assert not window.isVisible()


def test_the_passphrase_is_not_closed_away_unseen(qtbot: Any, therapist: Any, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import kapnotes.ui.dialogs.review_send as review_send

    client = therapist.clients.by_code("KAP-001")
    dialog = SendForReviewDialog(therapist, client_id=client.id)
    qtbot.addWidget(dialog)
    assert dialog.send(tmp_path / "r.kapreview") is not None
    shown = dialog.passphrase_dialog
    assert shown is not None and shown.isVisible()

    class Keep:
        def exec(self) -> int:
            return 0

        def clickedButton(self) -> str:
            return "keep"

    monkeypatch.setattr(review_send, "question_box", lambda *_a, **_k: (Keep(), "close"))
    shown.reject()  # Esc: asked, and the answer was "back to the passphrase"
    assert shown.isVisible()
    shown.copy()
    shown.reject()  # copied: closes without asking
    assert not shown.isVisible()


def test_identifying_details_only_when_ticked_and_the_create_dialog_link(
        qtbot: Any, therapist: Any, tmp_path: Path) -> None:
    from kapnotes.ui.dialogs.create_vault import CreateVaultDialog

    client = therapist.clients.by_code("KAP-001")
    dialog = SendForReviewDialog(therapist, client_id=client.id)
    qtbot.addWidget(dialog)
    dialog.identified.setChecked(True)
    sent = dialog.send(tmp_path / "named.kapreview")
    assert sent is not None and sent.deidentified is False
    first = CreateVaultDialog(tmp_path / "new.kapnotes")
    qtbot.addWidget(first)
    assert first.findChild(QPushButton, "open_review_request_link") is not None
