"""Joining this vault to the practice server (`kapnotes practice join`; docs/PRACTICE-SERVER.md).

The connection details and the login's secret live inside the encrypted vault (settings key
`practice.link`), so they travel with it and no file beside it holds a credential.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kapnotes.domain.errors import ConflictError
from kapnotes.lazy import lazy_module
from kapnotes.services.changes import SETTINGS, Changes, write
from kapnotes.storage import audit, settings
from kapnotes.storage.vault import Vault

if TYPE_CHECKING:
    from kapnotes.practice import enrolment
    from kapnotes.practice.enrolment import PracticeLink
else:
    enrolment = lazy_module("kapnotes.practice.enrolment")  # psycopg only when used

LINK_KEY = "practice.link"


def join(vault: Vault, dsn: str, code: str, login: str | None = None) -> str:
    """Join with the enrolment code; returns the login. The new secret is saved in the vault
    before the server is told, so a failure between the two never leaves the login with a
    password nobody holds (the saved link is removed if the server refuses)."""
    if linked(vault) is not None:
        raise ConflictError("this vault has already joined a practice server")
    conninfo, name = enrolment.link_for(dsn, login)
    secret = enrolment.new_secret()
    # Announced once, when joined (kapnotes/services/changes.py); the steps before say nothing.
    with write(vault, Changes()):
        settings.set_json(vault, LINK_KEY, {"conninfo": conninfo, "login": name,
                                            "secret": secret})
    try:
        enrolment.rotate(conninfo, name, code, secret)
    except BaseException:
        with write(vault, Changes()):
            settings.delete(vault, LINK_KEY)
        raise
    with write(vault, SETTINGS):
        audit.record(vault, "practice.join", record_type="practice", record_id=name,
                     detail="joined the practice server")
    return name


def linked(vault: Vault) -> PracticeLink | None:
    """The vault's link to the practice server, or None for a solo vault."""
    value = settings.get_json(vault, LINK_KEY)
    if not isinstance(value, dict) or not all(
            isinstance(value.get(k), str) for k in ("conninfo", "login", "secret")):
        return None
    return enrolment.PracticeLink(value["conninfo"], value["login"], value["secret"])
