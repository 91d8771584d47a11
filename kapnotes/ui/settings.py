"""Per-user UI settings (window geometry and the like) in an INI file in the data folder.

Kept beside the vault's data folder rather than in the OS registry so a portable install and
every test (through KAPNOTES_DATA_DIR) has its own. Never holds a passphrase or clinical data.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

from kapnotes.paths import user_data_dir

SETTINGS_FILENAME = "ui-settings.ini"


def ui_settings() -> QSettings:
    """The UI settings store for the current user data folder."""
    folder = user_data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / SETTINGS_FILENAME), QSettings.Format.IniFormat)
