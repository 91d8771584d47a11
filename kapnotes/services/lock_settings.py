"""The practice's idle-lock setting, kept in the vault so every workstation locks alike."""

from __future__ import annotations

from kapnotes.domain.errors import ValidationError
from kapnotes.policy import refuse_if_fixed, resolve
from kapnotes.storage import audit, settings
from kapnotes.storage.vault import Vault

IDLE_LOCK_KEY = "security.idle_lock_minutes"
POLICY_KEY = "idle_lock_minutes"  # the practice policy's name for it (kapnotes/policy.py)
DEFAULT_IDLE_LOCK_MINUTES = 5
MIN_IDLE_LOCK_MINUTES = 1
MAX_IDLE_LOCK_MINUTES = 120  # there is no "never": an open vault left alone must lock


def idle_lock_minutes(vault: Vault) -> int:
    """Minutes without input before the window locks; a damaged value gives the default.
    The practice policy may give a default or fix the value (policy.resolve)."""
    return int(resolve(POLICY_KEY, builtin=DEFAULT_IDLE_LOCK_MINUTES,
                       user=stored_idle_lock_minutes(vault)).value)


def stored_idle_lock_minutes(vault: Vault) -> int | None:
    """This vault's own value, None when unset or damaged."""
    value = settings.get_json(vault, IDLE_LOCK_KEY, None)
    valid = (isinstance(value, int) and not isinstance(value, bool)
             and MIN_IDLE_LOCK_MINUTES <= value <= MAX_IDLE_LOCK_MINUTES)
    return value if valid else None


def set_idle_lock_minutes(vault: Vault, minutes: int) -> None:
    refuse_if_fixed(POLICY_KEY, "Idle-lock minutes")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not (
            MIN_IDLE_LOCK_MINUTES <= minutes <= MAX_IDLE_LOCK_MINUTES):
        raise ValidationError("idle_lock_minutes", f"must be a whole number of minutes, "
                              f"{MIN_IDLE_LOCK_MINUTES}–{MAX_IDLE_LOCK_MINUTES}")
    with vault.transaction():
        settings.set_json(vault, IDLE_LOCK_KEY, minutes)
        audit.record(vault, "settings.change", record_type="settings", record_id=IDLE_LOCK_KEY)
