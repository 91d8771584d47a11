"""Where KAP Notes keeps things: the per-user vault, the practice's folders, shipped resources."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import platformdirs

APP_NAME = "KAPNotes"
APP_AUTHOR = "KAPNotes"
VAULT_FILENAME = "vault.kapnotes"
VAULT_ENV = "KAPNOTES_VAULT"
DATA_DIR_ENV = "KAPNOTES_DATA_DIR"


def user_data_dir() -> Path:
    """The per-user data folder (overridable for tests and portable installs)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR, roaming=False))


def default_vault_path() -> Path:
    """`KAPNOTES_VAULT` if set, else the vault in the per-user data folder."""
    env = os.environ.get(VAULT_ENV)
    if env:
        return Path(env).expanduser()
    return user_data_dir() / VAULT_FILENAME


def practice_templates_dir() -> Path:
    """Folder where a practice drops its own note templates (JSON)."""
    return user_data_dir() / "templates"


def practice_scales_dir() -> Path:
    """Folder where a practice drops its own rating-scale files (JSON)."""
    return user_data_dir() / "scales"


def resources_dir() -> Path:
    """The shipped `resources/` folder: inside the wheel, or at the top of a source checkout."""
    packaged = Path(str(resources.files("kapnotes"))) / "resources"
    if packaged.is_dir():
        return packaged
    source_tree = Path(__file__).resolve().parent.parent / "resources"
    return source_tree


def resource_path(*parts: str) -> Path:
    """A path inside the shipped resources, e.g. `resource_path("templates")`."""
    return resources_dir().joinpath(*parts)
