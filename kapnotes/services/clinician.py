"""The clinician using this vault: one name, kept in the vault's settings, that fills in every
place a person is named (signatures, screens, acknowledgements, addenda, new sessions).

A vault belongs to one OS user, so it has one clinician. Earlier versions kept the name in the
per-user `ui-settings.ini` (`clinician/name`); `adopt_legacy_name` moves it into the vault once.
"""

from __future__ import annotations

from kapnotes.domain.errors import KapNotesError
from kapnotes.domain.review_model import Profile
from kapnotes.domain.text_rules import clean_text
from kapnotes.services.changes import SETTINGS, write
from kapnotes.storage import audit, settings
from kapnotes.storage.vault import Vault

CLINICIAN_KEY = "clinician.name"
MAX_CLINICIAN_NAME = 120
LABEL = "Your name"


def clinician_name(vault: Vault) -> str:
    """The stored name, or "" when nobody set one yet."""
    value = settings.get_json(vault, CLINICIAN_KEY, None)
    return value.strip() if isinstance(value, str) else ""


def set_clinician_name(vault: Vault, name: str) -> str:
    """Store (or with "" clear) the name; ValidationError naming the field if it is unusable."""
    text = clean_text(LABEL, name, max_length=MAX_CLINICIAN_NAME)
    with write(vault, SETTINGS):
        if text:
            settings.set_json(vault, CLINICIAN_KEY, text)
        else:
            settings.delete(vault, CLINICIAN_KEY)
        audit.record(vault, "settings.change", record_type="settings", record_id=CLINICIAN_KEY)
    return text


def adopt_legacy_name(vault: Vault, legacy: str) -> str:
    """The vault's name; a name only the old per-user INI file had is stored in the vault."""
    name = clinician_name(vault)
    if name or not legacy.strip():
        return name
    try:
        return set_clinician_name(vault, legacy)
    except KapNotesError:  # a bad old INI value must never stop the app
        return ""


# -- the clinician profile a review file carries (docs/REVIEW-FORMAT.md) ----------------------
ROLE_KEY = "clinician.role"
REGISTRATION_KEY = "clinician.registration"
ROLE_LABEL = "Your role"
REGISTRATION_LABEL = "Registration number"


def clinician_profile(vault: Vault) -> Profile:
    """Name, role (e.g. "Clinical psychologist") and registration (e.g. an AHPRA number)."""
    def text(key: str) -> str:
        value = settings.get_json(vault, key, None)
        return value.strip() if isinstance(value, str) else ""

    return Profile(clinician_name(vault), text(ROLE_KEY), text(REGISTRATION_KEY))


def set_clinician_profile(vault: Vault, name: str, role: str = "",
                          registration: str = "") -> Profile:
    """Store all three (each "" clears); ValidationError naming the field, nothing stored."""
    wanted = Profile(clean_text(LABEL, name, max_length=MAX_CLINICIAN_NAME),
                     clean_text(ROLE_LABEL, role, max_length=MAX_CLINICIAN_NAME),
                     clean_text(REGISTRATION_LABEL, registration, max_length=MAX_CLINICIAN_NAME))
    with write(vault, SETTINGS):
        set_clinician_name(vault, wanted.name)
        for key, value in ((ROLE_KEY, wanted.role), (REGISTRATION_KEY, wanted.registration)):
            if value:
                settings.set_json(vault, key, value)
            else:
                settings.delete(vault, key)
            audit.record(vault, "settings.change", record_type="settings", record_id=key)
    return wanted
