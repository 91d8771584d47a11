"""Qt test setup: headless platform, QSettings redirected into tmp_path, a recording prompter
(tests/helpers/recording.py)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

import pytest
from helpers.basics import FakeClock
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


DemoAt = Callable[[datetime], tuple[object, list[int]]]


@pytest.fixture(scope="session")
def demo_vaults(vault_template: Path, tmp_path_factory: pytest.TempPathFactory
                ) -> Callable[[datetime], tuple[Path, list[int]]]:
    """The closed demo vault built on a given clock (helpers/demo_vault.py), once per test
    process and clock; each test opens its own copy (`open_demo`)."""
    from helpers.demo_vault import build_demo_vault
    from helpers.shared_fixture import own_user_data

    built: dict[datetime, tuple[Path, list[int]]] = {}

    def at(now: datetime) -> tuple[Path, list[int]]:
        if now not in built:
            folder = tmp_path_factory.mktemp("demo")
            # Built inside whichever test asks first: not with that test's practice policy
            # (a jurisdiction adds register entries) or locale, but the suite's defaults.
            with own_user_data(folder) as env:
                env.delenv("LC_ALL", raising=False)
                env.setenv("LC_TIME", "C.UTF-8")
                built[now] = build_demo_vault(vault_template, folder, now)
        return built[now]

    return at


@pytest.fixture
def open_demo(demo_vaults: Callable[[datetime], tuple[Path, list[int]]], vault_path: Path,
              clock: FakeClock, tmp_path: Path) -> Iterator[DemoAt]:
    """`open_demo(now)`: the clock set to `now` and services over this test's own copy of the
    demo vault built on it (what `build_demo(services, today=now.date())` left), with its
    clients' ids; the vault is closed after the test."""
    from helpers.vault_template import open_copy

    opened: list[object] = []
    with ExitStack() as closing:
        def at(now: datetime) -> tuple[object, list[int]]:
            assert not opened, "one demo vault per test: a second copy would overwrite the first"
            template, ids = demo_vaults(now)
            clock.now = now
            opened.append(closing.enter_context(
                open_copy(template, vault_path, clock, tmp_path / "templates")))
            return opened[0], list(ids)

        yield at
