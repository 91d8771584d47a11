"""Qt test setup: headless platform, QSettings redirected into tmp_path, a recording prompter
(tests/helpers/recording.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers.recording import RecordingPrompter

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports PySide6


@pytest.fixture(autouse=True)
def _isolated_qsettings(tmp_path: Path) -> None:
    """A default-constructed QSettings must never reach the real user's settings."""
    from PySide6.QtCore import QSettings

    folder = str(tmp_path / "qsettings")
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)
        QSettings.setPath(fmt, QSettings.Scope.SystemScope, folder)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The per-user data folder of this test (KAPNOTES_DATA_DIR and KAPNOTES_VAULT inside it)."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("KAPNOTES_DATA_DIR", str(folder))
    monkeypatch.setenv("KAPNOTES_VAULT", str(folder / "vault.kapnotes"))
    return folder


@pytest.fixture
def settings(tmp_path: Path) -> object:
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "ui-test.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def prompter() -> RecordingPrompter:
    return RecordingPrompter()
