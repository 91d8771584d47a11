"""Where KAP Notes keeps things: the per-user vault, the practice's folders, shipped resources."""

from __future__ import annotations

import os
from pathlib import Path

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
    import platformdirs  # ~5 ms: not before the unlock dialog of a vault named on the command line

    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR, roaming=False))


def default_vault_path() -> Path:
    """The vault opened when none is named on the command line, highest first: the practice
    policy's fixed `default_vault_folder`, `KAPNOTES_VAULT`, `KAPNOTES_DATA_DIR`, the policy's
    (not fixed) folder, the per-user data folder. Each OS user always gets a vault of their own.
    """
    # Here, not with the module: a window started on a vault named on its command line
    # reads the policy only once its unlock dialog has painted (kapnotes/startup.py).
    from kapnotes.policy import current_policy

    entry = current_policy().get("default_vault_folder")
    if entry is not None and entry.fixed:
        return practice_vault_folder(entry.value) / VAULT_FILENAME
    env = os.environ.get(VAULT_ENV)
    if env:
        return Path(env).expanduser()
    if entry is not None and not os.environ.get(DATA_DIR_ENV):
        return practice_vault_folder(entry.value) / VAULT_FILENAME
    return user_data_dir() / VAULT_FILENAME


def practice_vault_folder(template: str, user: str | None = None) -> Path:
    """This OS user's folder under the practice's vault folder. `{user}` in the path is the
    login name; a path with neither `{user}` nor `~` gets a per-user subfolder, so two people on
    one workstation never share a vault by accident."""
    import getpass  # termios and pwd: only a practice folder template needs the login name

    try:
        name = user or getpass.getuser()
    except (OSError, KeyError):  # no login name known (some containers): stay per-process-owner
        name = f"uid-{os.getuid()}" if hasattr(os, "getuid") else "user"
    if "{user}" in template:
        return Path(template.replace("{user}", name)).expanduser()
    if template.startswith("~"):
        return Path(template).expanduser()
    return Path(template) / name


def practice_templates_dir() -> Path:
    """Folder where a practice drops its own note templates (JSON)."""
    return user_data_dir() / "templates"


def practice_scales_dir() -> Path:
    """Folder where a practice drops its own rating-scale files (JSON)."""
    return user_data_dir() / "scales"


def practice_protocols_dir() -> Path:
    """Folder where a practice drops its own protocol files (JSON, docs/PROTOCOLS.md)."""
    return user_data_dir() / "protocols"


def resources_dir() -> Path:
    """The shipped `resources/` folder: inside the wheel, or at the top of a source checkout."""
    # The package's own folder, as `importlib.resources.files("kapnotes")` gives it for a
    # package on disk, without loading importlib.resources before the unlock dialog shows.
    packaged = Path(__file__).resolve().parent / "resources"
    if packaged.is_dir():
        return packaged
    source_tree = Path(__file__).resolve().parent.parent / "resources"
    return source_tree


def resource_path(*parts: str) -> Path:
    """A path inside the shipped resources, e.g. `resource_path("templates")`."""
    return resources_dir().joinpath(*parts)
