"""Joining this vault to the practice server (`kapnotes practice join`; docs/PRACTICE-SERVER.md).

The connection details and the login's secret live inside the encrypted vault (settings key
`practice.link`), so they travel with it and no file beside it holds a credential.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kapnotes.domain.errors import ConflictError
from kapnotes.lazy import lazy_module
from kapnotes.services.changes import Changes, write
from kapnotes.storage import audit, settings, sync_state
from kapnotes.storage.vault import Vault

if TYPE_CHECKING:
    from kapnotes.practice import enrolment
    from kapnotes.practice.enrolment import PracticeLink
else:
    enrolment = lazy_module("kapnotes.practice.enrolment")  # psycopg only when used

LINK_KEY = "practice.link"
LEFT_KEY = "practice.left"  # the server a vault left (no credentials): is a re-join the same?


def join(vault: Vault, dsn: str, code: str, login: str | None = None) -> str:
    """Join with the enrolment code; returns the login. The new secret is saved in the vault
    before the server is told, so a failure between the two never leaves the login with a
    password nobody holds (the saved link is removed if the server refuses)."""
    if linked(vault) is not None:
        raise ConflictError("this vault has already joined a practice server")
    conninfo, name = enrolment.link_for(dsn, login)
    secret = enrolment.new_secret()
    _save_link(vault, {"conninfo": conninfo, "login": name, "secret": secret})
    try:
        enrolment.rotate(conninfo, name, code, secret)
    except BaseException:
        _forget_link(vault)
        raise
    _record_join(vault, name, conninfo)
    return name


# Each vault write announces itself (kapnotes/services/changes.py), as every service's does.
def _save_link(vault: Vault, link: dict[str, str]) -> None:
    with write(vault, Changes(settings=True)):
        settings.set_json(vault, LINK_KEY, link)


def _forget_link(vault: Vault) -> None:
    with write(vault, Changes(settings=True)):
        settings.delete(vault, LINK_KEY)


def _record_join(vault: Vault, login: str, conninfo: str = "") -> None:
    # From here on the vault's triggers record changes for the server (and every record it
    # already holds goes on the first sync).
    left = settings.get_json(vault, LEFT_KEY)
    with write(vault, Changes(settings=True)):
        if isinstance(left, dict) and not enrolment.same_server(
                str(left.get("conninfo", "")), conninfo):
            sync_state.forget_versions(vault)
        settings.delete(vault, LEFT_KEY)
        sync_state.set_linked(vault, True)
        signed = left.get("signed") if isinstance(left, dict) else None
        sync_state.mark_known_drafts(  # a re-join: what changed while not joined
            vault, [int(i) for i in signed] if isinstance(signed, list) else None)
        audit.record(vault, "practice.join", record_type="practice", record_id=login,
                     detail="joined the practice server")


def pending_changes(vault: Vault) -> int:
    """Changes made here that the server has not taken yet (what leaving would discard)."""
    return sync_state.pending_count(vault)


def leave(vault: Vault, *, discard_pending: bool = False) -> int:
    """Leave the practice server (a lost login, a move to another server): the vault keeps
    every record as a solo vault and forgets the link and its secret. Refused while changes
    wait to go out unless `discard_pending`; returns how many were discarded."""
    pending = check_can_leave(vault, discard_pending=discard_pending)
    _record_leave(vault, discard_pending=discard_pending, pending=pending)
    return pending if discard_pending else 0


def check_can_leave(vault: Vault, *, discard_pending: bool = False) -> int:
    """Raise the one-line refusal `leave` would; else return the pending count."""
    if linked(vault) is None and not sync_state.status(vault).linked:
        raise ConflictError("this vault has not joined a practice server")
    pending = sync_state.pending_count(vault)
    if pending and not discard_pending:
        raise ConflictError(
            f"{pending} change{'s' if pending != 1 else ''} not yet sent to the practice server;"
            " sync first, or leave with --discard-pending to drop them (records stay here)")
    return pending


def _record_leave(vault: Vault, *, discard_pending: bool, pending: int) -> None:
    link = linked(vault)
    with write(vault, Changes(settings=True)):
        settings.delete(vault, LINK_KEY)
        if link is not None:
            settings.set_json(vault, LEFT_KEY, {"conninfo": link.conninfo,
                                                "signed": sync_state.signed_notes(vault)})
        sync_state.forget_server(vault, discard_pending=discard_pending)
        detail = "left the practice server"
        if discard_pending and pending:
            detail += f"; {pending} unsent changes discarded"
        audit.record(vault, "practice.leave", record_type="practice",
                     record_id=link.login if link is not None else "", detail=detail)


def linked(vault: Vault) -> PracticeLink | None:
    """The vault's link to the practice server, or None for a solo vault."""
    value = settings.get_json(vault, LINK_KEY)
    if not isinstance(value, dict) or not all(
            isinstance(value.get(k), str) for k in ("conninfo", "login", "secret")):
        return None
    return enrolment.PracticeLink(value["conninfo"], value["login"], value["secret"])
