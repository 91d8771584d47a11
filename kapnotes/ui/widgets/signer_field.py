"""A field naming the person who signs, screens or acknowledges: the clinician's name from the
vault's settings (kapnotes/services/clinician.py), shown and not typed, so every record names
the same person the same way."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from kapnotes.services.clinician import clinician_name
from kapnotes.services.vault_access import Vault

FROM_SETTINGS = "Your name from Edit → Settings… (You)"
NOT_SET = "Your name (set it once in Edit → Settings… to fill it in everywhere)"


def bind_signer(edit: QLineEdit, vault: Vault, fallback: str = "") -> str:
    """Fill `edit` with the vault's clinician name and make it read-only; with no name set
    yet, prefill `fallback` and let the user type one. Returns the name shown."""
    name = clinician_name(vault)
    if name:
        edit.setText(name)
        edit.setReadOnly(True)
        edit.setToolTip(FROM_SETTINGS)
        edit.setStyleSheet("background: palette(window);")  # reads as shown, not typed
        return name
    if fallback and not edit.text():
        edit.setText(fallback)
    edit.setPlaceholderText(NOT_SET)
    return edit.text()
