"""Shared fixtures: every test gets its own user-data folder and vault in `tmp_path`.

No test may ever touch a real vault, so the per-user data folder is redirected for every test
and the environment variables that name a vault or carry a passphrase are cleared.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.basics import TEST_PASSPHRASE, FakeClock

# Qt tests run headless; set before anything imports PySide6.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Test vaults are wrapped at a test-only key-derivation cost, in this process and in every
# process a test starts (kapnotes/storage/keyfile.py); tests/storage/test_key_cost.py pins the
# production cost through a `kapnotes init` started without this variable.
os.environ["KAPNOTES_TEST_ONLY_KDF_ITERATIONS"] = "1000"
# Likewise passphrase review files are sealed at a test-only scrypt work factor
# (kapnotes/services/age_passphrase.py); tests/services/test_age_passphrase.py pins 2^18.
os.environ["KAPNOTES_TEST_ONLY_SCRYPT_LOG_N"] = "10"

# The same isolation for the whole process, not only inside each test: module- and
# session-scoped fixtures (a shared demo vault, say) are set up BEFORE the per-test autouse
# fixture below applies, so without this they would read the machine's practice policy
# (/etc/kapnotes, XDG), the user's data folder and the developer's locale, and a suite could
# pass or fail with what happened to be installed when it ran.
_PROCESS_DATA = tempfile.mkdtemp(prefix="kapnotes-tests-")
atexit.register(shutil.rmtree, _PROCESS_DATA, ignore_errors=True)
os.environ["KAPNOTES_DATA_DIR"] = _PROCESS_DATA
os.environ["KAPNOTES_POLICY"] = os.path.join(_PROCESS_DATA, "no-practice-policy.json")
for _name in ("KAPNOTES_VAULT", "KAPNOTES_PASSPHRASE", "KAPNOTES_NEW_PASSPHRASE", "LC_ALL"):
    os.environ.pop(_name, None)
os.environ["LC_TIME"] = "C.UTF-8"


@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point KAPNOTES_DATA_DIR into tmp_path and drop vault/passphrase variables."""
    monkeypatch.setenv("KAPNOTES_DATA_DIR", str(tmp_path))
    # A real practice policy on the machine (a fixed vault folder, say) must not leak in.
    monkeypatch.setenv("KAPNOTES_POLICY", str(tmp_path / "no-practice-policy.json"))
    for name in ("KAPNOTES_VAULT", "KAPNOTES_PASSPHRASE", "KAPNOTES_NEW_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    # Dates read day-first ("3 Dec 2026") whatever the developer's locale; a test of the
    # month-first order sets its own (kapnotes/domain/dates.py reads LC_ALL, LC_TIME, LANG).
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.setenv("LC_TIME", "C.UTF-8")
    yield tmp_path


@pytest.fixture(autouse=True)
def _no_window_outlives_its_test() -> Iterator[None]:
    """Hide every top-level still on screen once a test (and qtbot's own clean-up) is done.

    A non-modal dialog a test opened (the theme-frequency dialog, say) otherwise stays visible
    into the next test on the same worker, whose lock re-shows every window it hid: the
    dialog then refills from a vault closed with its own test, and that test fails only in
    that order."""
    yield
    widgets = sys.modules.get("PySide6.QtWidgets")  # tests that never touched Qt: nothing to do
    if widgets is None or widgets.QApplication.instance() is None:
        return
    for widget in widgets.QApplication.topLevelWidgets():
        if widget.isVisible():
            widget.hide()  # hide, not close: a closeEvent would write to a closed vault


@pytest.fixture
def passphrase() -> str:
    return TEST_PASSPHRASE


@pytest.fixture
def vault_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the vault of this test lives; it is also the default vault (KAPNOTES_DATA_DIR)."""
    monkeypatch.setenv("KAPNOTES_DATA_DIR", str(tmp_path))
    return tmp_path / "vault.kapnotes"


@pytest.fixture(scope="session")
def vault_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One new vault per test process (TEST_PASSPHRASE), never opened by a test: copy it with
    helpers.vault_template.copy_vault (a test needing many fresh vaults does so itself)."""
    from helpers.vault_template import make_template

    return make_template(tmp_path_factory.mktemp("vault-template"), TEST_PASSPHRASE)


def _new_vault_at(path: Path, passphrase: str, template: Path) -> None:
    if passphrase == TEST_PASSPHRASE:
        from helpers.vault_template import copy_vault

        copy_vault(template, path)
    else:  # a module with its own passphrase fixture: a vault made for it
        from kapnotes.storage import lifecycle

        lifecycle.create_vault(path, passphrase).vault.close()


@pytest.fixture
def new_vault(vault_path: Path, passphrase: str, vault_template: Path) -> Path:
    """A real vault at the latest schema with `passphrase`, closed: a copy of the process's
    newly created template vault."""
    _new_vault_at(vault_path, passphrase, vault_template)
    return vault_path


@pytest.fixture
def open_vault(vault_path: Path, passphrase: str, vault_template: Path) -> Iterator[object]:
    """A real, open vault at the latest schema (a copy of the template, unlocked as the app
    does); closed after the test."""
    from kapnotes.storage import lifecycle

    _new_vault_at(vault_path, passphrase, vault_template)
    vault = lifecycle.unlock_vault(vault_path, passphrase=passphrase)
    yield vault
    vault.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def services(open_vault: object, clock: FakeClock, tmp_path: Path) -> object:
    """All services over a real vault, with the built-in templates and a controllable clock."""
    from kapnotes.services.container import build_services

    return build_services(open_vault, clock=clock, practice_templates=tmp_path / "templates")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow tests first: under `make test` (pytest-xdist, two tests per hand-out) they start on
    different workers and overlap the rest of the suite instead of running alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def rich_demo_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed demo vault with every kind of record (tests/services/portable_data.py), built
    once per test process; tests open copies of it (helpers.vault_template.open_copy), never
    this file."""
    from kapnotes.services.container import build_services
    from kapnotes.storage import lifecycle
    from tests.services.portable_data import fill_rich_demo

    path = tmp_path_factory.mktemp("rich-demo") / "rich.kapnotes"
    created = lifecycle.create_vault(path, TEST_PASSPHRASE)
    fill_rich_demo(build_services(created.vault, clock=FakeClock(),
                                  practice_templates=path.parent / "templates"))
    created.vault.close()
    return path


@pytest.fixture
def rich_services(rich_demo_vault: Path, tmp_path: Path, clock: FakeClock) -> Iterator[object]:
    """Services over this test's own copy of the rich demo vault; closed after the test."""
    from helpers.vault_template import open_copy

    with open_copy(rich_demo_vault, tmp_path / "rich.kapnotes", clock,
                   tmp_path / "templates") as services:
        yield services


@pytest.fixture
def sydney(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time in Sydney, where daylight saving starts at 02:00 on 4 October 2026."""
    import time

    monkeypatch.setenv("TZ", "Australia/Sydney")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
