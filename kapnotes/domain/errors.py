"""Errors the core raises; each carries a message fit to show a user as it is."""

from __future__ import annotations


class KapNotesError(Exception):
    """Base of every error KAP Notes reports to a user (one clear line, no traceback)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(KapNotesError):
    """Input refused; `field` names what the user must correct. Nothing was changed."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message


class NotFoundError(KapNotesError):
    """A record the caller asked for does not exist (or no longer exists)."""


class ConflictError(KapNotesError):
    """The change would contradict existing data (a duplicate code, a signed note...)."""


class VaultError(KapNotesError):
    """The vault cannot be opened or used; the message says why and what to do."""


class WrongPassphraseError(VaultError):
    """The passphrase (or recovery key) does not unlock this vault. The vault is untouched."""


class VaultLockedByOtherProcess(VaultError):
    """Another KAP Notes process has this vault open."""


class VaultTooNewError(VaultError):
    """The vault was written by a newer KAP Notes; it is refused and not touched."""


class DamagedFileError(VaultError):
    """A file beside the vault (its key file) is malformed or hostile; refused before use."""


class VaultNoSpaceError(VaultError):
    """The disk is (nearly) full: the vault cannot be opened or created. It is not damaged."""


class VaultDamagedError(VaultError):
    """The vault file is damaged; restoring the newest good backup is the way out."""


class StorageWriteError(KapNotesError):
    """A write failed (disk full, read-only, file removed); nothing half-written was kept."""


class VaultUnavailableError(VaultError):
    """The database refused a read or write for a reason that is not the user's input (the
    vault is closed, busy or unreadable). Nothing was changed; trying again later may work."""
