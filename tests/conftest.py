"""Shared fixtures: every test gets its own user-data folder and vault in `tmp_path`.

No test may ever touch a real vault, so the per-user data folder is redirected for every test
and the environment variables that name a vault or carry a passphrase are cleared.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt tests run headless; set before anything imports PySide6.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# A fictional passphrase that satisfies the passphrase rules (>= 10 characters).
TEST_PASSPHRASE = "lantern orchard 42 quietly"


@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point KAPNOTES_DATA_DIR into tmp_path and drop vault/passphrase variables."""
    monkeypatch.setenv("KAPNOTES_DATA_DIR", str(tmp_path))
    for name in ("KAPNOTES_VAULT", "KAPNOTES_PASSPHRASE", "KAPNOTES_NEW_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    yield tmp_path


@pytest.fixture
def passphrase() -> str:
    return TEST_PASSPHRASE


@pytest.fixture
def vault_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the vault of this test lives; it is also the default vault (KAPNOTES_DATA_DIR)."""
    monkeypatch.setenv("KAPNOTES_DATA_DIR", str(tmp_path))
    return tmp_path / "vault.kapnotes"


@pytest.fixture
def new_vault(vault_path: Path, passphrase: str) -> Path:
    """A real vault created at the latest schema with `passphrase`, then closed."""
    from kapnotes.storage import lifecycle

    created = lifecycle.create_vault(vault_path, passphrase)
    created.vault.close()
    return vault_path
