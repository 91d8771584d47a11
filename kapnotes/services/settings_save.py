"""Saving Edit → Settings…: the practice settings that changed and the clinician's name, all
or nothing (a name refused after the settings were written would leave half a save)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kapnotes.services.changes import SETTINGS, write
from kapnotes.services.clinician import set_clinician_name
from kapnotes.services.settings_service import SettingsService


def save_settings(service: SettingsService, changes: Mapping[str, Any], *,
                  clinician: str | None = None) -> None:
    """Write `changes` (SettingsService.save's checks) and, when given, the clinician's name,
    in one transaction."""
    with write(service.vault, SETTINGS):
        service.save(changes)
        if clinician is not None:
            set_clinician_name(service.vault, clinician)
