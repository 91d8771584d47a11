"""Issue 14: the practice name and logo reach every kind of PDF (session note, course summary,
supervision packet), whether they were typed in Settings or fixed by the practice policy.

On the old main Settings stored `practice.name` while the export read `practice_name`, a name
fixed by policy was ignored and no logo was ever drawn: every header said "KAP Notes practice".
The PDFs are built the way the window's export runner builds them (`exports.options_for`,
then the job for the kind) and read back with pypdf, page by page."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QImage

from kapnotes import policy
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.export.snapshot import DEFAULT_PRACTICE_NAME
from kapnotes.services import exports
from kapnotes.services.settings_service import SettingsService
from kapnotes.ui.dialogs.settings_dialog import SettingsDialog

KINDS = ("session", "course", "packet")


@pytest.fixture
def policy_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "policy.json"
    monkeypatch.setenv(policy.POLICY_ENV, str(path))
    return path


def _logo(path: Path, colour: str) -> Path:
    image = QImage(120, 40, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    assert image.save(str(path))
    return path


def _clients(services) -> tuple[list[int], int]:
    """Two fictional clients with a course each; the first has a session. (ids, session)"""
    ids, session_id = [], 0
    for code, name in (("KAP-271", "Pia Inventa"), ("KAP-272", "Oren Fabula")):
        client = services.clients.create(Client(code=code, full_name=name,
                                                date_of_birth=date(1984, 2, 3)))
        course = services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                                start_date=date(2026, 11, 2)))
        ids.append(int(client.id))
        if not session_id:
            session_id = int(services.notes.create_session(
                course_id=int(course.id), kind=SessionKind.PREPARATION,
                starts_at=datetime(2026, 11, 3, 10, 0), clinician="Dr Demo Clinician").id)
    return ids, session_id


def _export(services, kind: str, tmp_path: Path) -> PdfReader:
    ids, session_id = _clients(services)
    options = exports.options_for(services)
    build: dict[str, Callable[[], exports.ExportJob]] = {
        "session": lambda: exports.build_session_report(services, session_id, options),
        "course": lambda: exports.build_course_report(services, ids[0], options),
        "packet": lambda: exports.build_packet_report(services, ids, options),
    }
    pdf = exports.render_to_file(build[kind](), tmp_path / f"{kind}.pdf")
    return PdfReader(str(pdf))


def _assert_header(reader: PdfReader, name: str, *, logo: bool) -> None:
    """Every page's header starts with the practice name and carries the logo (or none)."""
    assert len(reader.pages) >= 1
    for number, page in enumerate(reader.pages, 1):
        first_line = page.extract_text().splitlines()[0]
        assert first_line.startswith(name), (number, first_line)
        assert len(page.images) == (1 if logo else 0), number


@pytest.mark.parametrize("kind", KINDS)
def test_name_and_logo_typed_in_settings_reach_the_pdf(
        kind: str, qtbot, services, settings: QSettings, policy_file: Path,
        tmp_path: Path) -> None:
    dialog = SettingsDialog(SettingsService(services.vault), settings)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.practice_name_edit, "Seaview Clinic")
    dialog.logo_edit.setText(str(_logo(tmp_path / "logo.png", "#2E6B5E")))
    assert dialog.save()

    _assert_header(_export(services, kind, tmp_path), "Seaview Clinic", logo=True)


@pytest.mark.parametrize("kind", KINDS)
def test_name_and_logo_fixed_by_policy_win_over_settings(
        kind: str, qtbot, services, settings: QSettings, policy_file: Path,
        tmp_path: Path) -> None:
    SettingsService(services.vault).set_practice_name("Seaview Clinic")
    policy_logo = _logo(tmp_path / "practice-logo.png", "#6B2E4A")
    policy_file.write_text(json.dumps({"version": 1, "settings": {
        "practice_name": {"value": "Harbour Lane Therapy", "fixed": True},
        "practice_logo": {"value": str(policy_logo), "fixed": True}}}), encoding="utf-8")
    dialog = SettingsDialog(SettingsService(services.vault), settings)
    qtbot.addWidget(dialog)
    assert dialog.practice_name_edit.text() == "Harbour Lane Therapy"
    assert dialog.practice_name_edit.isReadOnly() or not dialog.practice_name_edit.isEnabled()

    _assert_header(_export(services, kind, tmp_path), "Harbour Lane Therapy", logo=True)


def test_without_a_name_or_logo_the_header_is_neutral(services, policy_file: Path,
                                                      tmp_path: Path) -> None:
    """The control: nothing set anywhere, the neutral default and no picture."""
    _assert_header(_export(services, "course", tmp_path), DEFAULT_PRACTICE_NAME, logo=False)
