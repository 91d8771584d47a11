"""The practice's idle-lock setting, kept in the vault so every workstation locks alike.

A user chooses within bounds: 1 minute up to the practice policy's `idle_lock_max_minutes`,
or, without one, a built-in 30 minutes (a clinic workstation left open longer than that
shows notes to whoever walks past). A value stored before a limit was lowered is used only up
to the limit. A value the practice fixes is used as it is (docs/POLICY.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from kapnotes.domain.errors import ValidationError
from kapnotes.policy import current_policy, refuse_if_fixed, resolve
from kapnotes.services.changes import SETTINGS, write
from kapnotes.storage import audit, settings
from kapnotes.storage.vault import Vault

IDLE_LOCK_KEY = "security.idle_lock_minutes"
POLICY_KEY = "idle_lock_minutes"  # the practice policy's name for it (kapnotes/policy.py)
DEFAULT_IDLE_LOCK_MINUTES = 5
MIN_IDLE_LOCK_MINUTES = 1
MAX_IDLE_LOCK_MINUTES = 120  # there is no "never": an open vault left alone must lock
BUILT_IN_LIMIT_MINUTES = 30
LIMIT_POLICY_KEY = "idle_lock_max_minutes"


@dataclass(frozen=True)
class IdleBounds:
    """What a user may choose, and why: shown beside the setting and in refusals."""

    low: int
    high: int
    by_practice: bool

    @property
    def text(self) -> str:
        why = ("your practice's limit" if self.by_practice
               else "the built-in limit; a practice policy can set another")
        return f"{self.low}–{self.high} minutes ({why})"

    @property
    def short(self) -> str:
        """For beside the field: "1–30 min, built-in limit"."""
        return f"{self.low}–{self.high} min, {'practice' if self.by_practice else 'built-in'} limit"


def idle_lock_bounds() -> IdleBounds:
    """The practice policy's limit, else the built-in one (never below a practice default)."""
    policy = current_policy()
    limit = policy.get(LIMIT_POLICY_KEY)
    if limit is not None:
        return IdleBounds(MIN_IDLE_LOCK_MINUTES, int(limit.value), True)
    default = policy.get(POLICY_KEY)
    high = max(BUILT_IN_LIMIT_MINUTES, int(default.value) if default is not None else 0)
    raised = default is not None and high > BUILT_IN_LIMIT_MINUTES
    return IdleBounds(MIN_IDLE_LOCK_MINUTES, high, raised)


def idle_lock_minutes(vault: Vault) -> int:
    """Minutes without input before the window locks; a damaged value gives the default.
    The practice policy may give a default or fix the value (policy.resolve)."""
    effective = resolve(POLICY_KEY, builtin=DEFAULT_IDLE_LOCK_MINUTES,
                        user=stored_idle_lock_minutes(vault))
    if effective.fixed:
        return int(effective.value)
    return min(int(effective.value), idle_lock_bounds().high)


def stored_idle_lock_minutes(vault: Vault) -> int | None:
    """This vault's own value, None when unset or damaged."""
    value = settings.get_json(vault, IDLE_LOCK_KEY, None)
    valid = (isinstance(value, int) and not isinstance(value, bool)
             and MIN_IDLE_LOCK_MINUTES <= value <= MAX_IDLE_LOCK_MINUTES)
    return value if valid else None


def set_idle_lock_minutes(vault: Vault, minutes: int) -> None:
    refuse_if_fixed(POLICY_KEY, "Idle-lock minutes")
    bounds = idle_lock_bounds()
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not (
            bounds.low <= minutes <= bounds.high):
        raise ValidationError("idle_lock_minutes",
                              f"must be a whole number of minutes, {bounds.text}")
    with write(vault, SETTINGS):
        settings.set_json(vault, IDLE_LOCK_KEY, minutes)
        audit.record(vault, "settings.change", record_type="settings", record_id=IDLE_LOCK_KEY)
