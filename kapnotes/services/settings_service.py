"""Every practice setting as the app must use it: the vault's own value under the policy.

The vault is per OS user, so a value kept in its `settings` table is "the user's value" in the
policy's precedence (kapnotes/policy.py): built-in < policy default < vault < policy fixed.
Monitoring thresholds, the screen-age limit and the idle lock keep their own storage modules;
this service adds the practice name, logo and backup retention, and one all-or-nothing `save`
for the settings dialog.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.schedule_days import OpeningDays, check_opening_days
from kapnotes.domain.vitals import VitalsThresholds
from kapnotes.policy import (
    KNOWN_KEYS,
    MAX_PRACTICE_NAME,
    Effective,
    Policy,
    Source,
    current_policy,
    refuse_if_fixed,
    resolve,
    thresholds_from,
)
from kapnotes.services import lock_settings
from kapnotes.services.changes import SETTINGS, write
from kapnotes.services.practice_settings import (
    MAX_SCREEN_AGE_DAYS,
    SCREEN_AGE_KEY,
    THRESHOLDS_KEY,
    MonitoringSettings,
)
from kapnotes.storage import audit, settings
from kapnotes.storage.backups import RetentionPolicy
from kapnotes.storage.vault import Vault

PRACTICE_NAME = "practice_name"
PRACTICE_LOGO = "practice_logo"
IDLE_LOCK = "idle_lock_minutes"
THRESHOLDS = "vitals_thresholds"
SCREEN_AGE = "screen_max_age_days"
RETENTION = "backup_retention"
DEFAULT_VAULT_FOLDER = "default_vault_folder"
WORKING_WEEKDAYS = "working_weekdays"
CLOSED_DAYS = "closed_days"

# policy key → where the vault keeps the user's own value
VAULT_KEYS = {
    PRACTICE_NAME: "practice.name",
    PRACTICE_LOGO: "practice.logo",
    IDLE_LOCK: lock_settings.IDLE_LOCK_KEY,
    THRESHOLDS: THRESHOLDS_KEY,
    SCREEN_AGE: SCREEN_AGE_KEY,
    RETENTION: "backups.retention",
}
LABELS = {
    PRACTICE_NAME: "Practice name",
    PRACTICE_LOGO: "Practice logo",
    IDLE_LOCK: "Idle-lock minutes",
    THRESHOLDS: "Vitals thresholds",
    SCREEN_AGE: "Screen-age limit",
    RETENTION: "Backup retention",
    DEFAULT_VAULT_FOLDER: "Default vault folder",
}
DEFAULT_RETENTION = asdict(RetentionPolicy())


@dataclass(frozen=True)
class SettingState:
    """What the settings dialog shows for one setting."""

    key: str
    label: str
    effective: Effective


class SettingsService:
    """Typed effective getters and refusing setters over one open vault."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.monitoring = MonitoringSettings(vault)

    @staticmethod
    def policy() -> Policy:
        return current_policy()

    # -- reading ---------------------------------------------------------------------------
    def state(self, key: str) -> SettingState:
        return SettingState(key, LABELS[key], self.effective(key))

    def effective(self, key: str) -> Effective:
        if key == DEFAULT_VAULT_FOLDER:
            entry = self.policy().get(key)
            if entry is None:
                return Effective(None, Source.BUILT_IN)
            return Effective(entry.value, Source.PRACTICE_FIXED if entry.fixed
                             else Source.PRACTICE_DEFAULT)
        if key == THRESHOLDS:
            return self._with_source(key, self.monitoring.thresholds())
        if key == SCREEN_AGE:
            return self._with_source(key, self.monitoring.screen_max_age_days())
        if key == IDLE_LOCK:
            return self._with_source(key, lock_settings.idle_lock_minutes(self.vault))
        user = self._stored(key)
        builtin = {PRACTICE_NAME: "", PRACTICE_LOGO: None, RETENTION: DEFAULT_RETENTION}[key]
        return resolve(key, builtin=builtin, user=user)

    def _with_source(self, key: str, value: Any) -> Effective:
        """The storage module already picked the value; say where it came from."""
        source = resolve(key, builtin=None, user=self._stored_raw(key)).source
        return Effective(value, source)

    def _stored_raw(self, key: str) -> Any:
        return settings.get_json(self.vault, VAULT_KEYS[key], None)

    def _stored(self, key: str) -> Any:
        """The vault's own value if it is still valid, else None (treated as unset)."""
        raw = self._stored_raw(key)
        if raw is None:
            return None
        try:
            return _check(key, raw)
        except ValidationError:
            return None  # a damaged value must not stop the app; the next level applies

    def practice_name(self) -> str:
        return str(self.effective(PRACTICE_NAME).value or "")

    def practice_logo(self) -> Path | None:
        value = self.effective(PRACTICE_LOGO).value
        return Path(value) if value else None

    def idle_lock_minutes(self) -> int:
        return lock_settings.idle_lock_minutes(self.vault)

    def opening_days(self) -> OpeningDays:
        """Working weekdays and closed days for generated plans: the practice policy's, else
        the built-in (every weekday; closed 25 Dec and 1 Jan). Policy-only: the practice's
        calendar is the same for every user of the workstation."""
        policy = self.policy()
        weekdays, closed = policy.get(WORKING_WEEKDAYS), policy.get(CLOSED_DAYS)
        return check_opening_days(weekdays.value if weekdays else None,
                                  closed.value if closed else None)

    def vitals_thresholds(self) -> VitalsThresholds:
        return self.monitoring.thresholds()

    def screen_max_age_days(self) -> int:
        return self.monitoring.screen_max_age_days()

    def backup_retention(self) -> RetentionPolicy:
        return RetentionPolicy(**self.effective(RETENTION).value)

    # -- writing ---------------------------------------------------------------------------
    def save(self, changes: Mapping[str, Any]) -> None:
        """Check every change first (fixed ones refused, each error naming its setting), then
        write them all in one transaction: nothing is saved when anything is wrong."""
        checked = {}
        for key, value in changes.items():
            if key not in VAULT_KEYS:
                raise ValidationError(key, "is not a setting that can be changed here")
            refuse_if_fixed(key, LABELS[key])
            checked[key] = _check(key, value) if value is not None else None
        with write(self.vault, SETTINGS):
            for key, value in checked.items():
                self._write(key, value)

    def _write(self, key: str, value: Any) -> None:
        if key == IDLE_LOCK and value is not None:
            lock_settings.set_idle_lock_minutes(self.vault, value)
        elif key == THRESHOLDS and value is not None:
            self.monitoring.set_thresholds(VitalsThresholds(**value))
        elif key == SCREEN_AGE and value is not None:
            self.monitoring.set_screen_max_age_days(value)
        else:
            if value is None:  # cleared: the practice default or built-in applies again
                settings.delete(self.vault, VAULT_KEYS[key])
            else:
                settings.set_json(self.vault, VAULT_KEYS[key], value)
            audit.record(self.vault, "settings.change", record_type="settings",
                         record_id=VAULT_KEYS[key])

    def set_practice_name(self, name: str) -> None:
        self.save({PRACTICE_NAME: name.strip() or None})

    def set_practice_logo(self, path: str | Path | None) -> None:
        self.save({PRACTICE_LOGO: str(path) if path else None})

    def set_idle_lock_minutes(self, minutes: int) -> None:
        self.save({IDLE_LOCK: minutes})

    def set_screen_max_age_days(self, days: int) -> None:
        self.save({SCREEN_AGE: days})

    def set_backup_retention(self, retention: RetentionPolicy | Mapping[str, int]) -> None:
        value = asdict(retention) if isinstance(retention, RetentionPolicy) else retention
        self.save({RETENTION: dict(value)})


def _check(key: str, value: Any) -> Any:
    """The user's value for `key`, normalised; ValidationError naming the setting if wrong."""
    label = LABELS[key]
    try:
        if key == PRACTICE_NAME:
            if not isinstance(value, str) or len(value.strip()) > MAX_PRACTICE_NAME:
                raise ValueError(f"must be text of at most {MAX_PRACTICE_NAME} characters")
            return value.strip()
        if key == THRESHOLDS:
            return thresholds_from(value)
        if key == SCREEN_AGE:
            if isinstance(value, bool) or not isinstance(value, int) or not (
                    0 <= value <= MAX_SCREEN_AGE_DAYS):
                raise ValueError(f"must be a whole number of days, 0–{MAX_SCREEN_AGE_DAYS}")
            return value
        # Logo, idle minutes and retention follow the same rules as in a policy file; a
        # relative logo path would depend on the working folder, so it must be absolute.
        if key == PRACTICE_LOGO and not Path(str(value)).expanduser().is_absolute():
            raise ValueError("must be the full path of a PNG or JPEG file")
        return KNOWN_KEYS[key](value, Path.cwd())
    except ValueError as exc:
        raise ValidationError(key, f"{label} {exc}") from None


def backup_retention(vault: Vault) -> RetentionPolicy:
    """The automatic-backup rotation in force for this vault (app.py's auto backup)."""
    return SettingsService(vault).backup_retention()


def practice_name(vault: Vault) -> str:
    """The practice name for PDF headers ("" when nobody set one)."""
    return SettingsService(vault).practice_name()


def practice_logo(vault: Vault) -> Path | None:
    """The practice logo for PDFs, if one is set and the file is there."""
    return SettingsService(vault).practice_logo()
