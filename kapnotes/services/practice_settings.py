"""Practice settings of dosing monitoring, kept in the vault: vitals thresholds and how old a
contraindication screen may be before it must be reviewed."""

from __future__ import annotations

from dataclasses import asdict, fields

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.vitals import VitalsThresholds
from kapnotes.policy import refuse_if_fixed, resolve
from kapnotes.storage import audit, settings
from kapnotes.storage.vault import Vault

THRESHOLDS_KEY = "monitoring.thresholds"
SCREEN_AGE_KEY = "monitoring.screen_max_age_days"
DEFAULT_SCREEN_MAX_AGE_DAYS = 90
MAX_SCREEN_AGE_DAYS = 3650
# The practice policy's names for them (kapnotes/policy.py): it may give defaults or fix them.
POLICY_THRESHOLDS = "vitals_thresholds"
POLICY_SCREEN_AGE = "screen_max_age_days"


class MonitoringSettings:
    """Typed access to the monitoring settings; unreadable values fall back to the defaults."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def thresholds(self) -> VitalsThresholds:
        stored = settings.get_json(self.vault, THRESHOLDS_KEY, None)
        user = stored if isinstance(stored, dict) and stored else None
        chosen = resolve(POLICY_THRESHOLDS, builtin={}, user=user).value
        known = {f.name for f in fields(VitalsThresholds)}
        try:
            return VitalsThresholds(**{k: v for k, v in dict(chosen).items() if k in known})
        except (ValidationError, TypeError, ValueError):
            # A damaged setting must not silence alerts: the defaults are the safe choice.
            return VitalsThresholds()

    def set_thresholds(self, thresholds: VitalsThresholds) -> None:
        refuse_if_fixed(POLICY_THRESHOLDS, "Vitals thresholds")
        with self.vault.transaction():
            settings.set_json(self.vault, THRESHOLDS_KEY, asdict(thresholds))
            audit.record(self.vault, "settings.change", record_type="settings",
                         record_id=THRESHOLDS_KEY)

    def screen_max_age_days(self) -> int:
        days = settings.get_json(self.vault, SCREEN_AGE_KEY, None)
        ok = isinstance(days, int) and not isinstance(days, bool) and days >= 0
        return int(resolve(POLICY_SCREEN_AGE, builtin=DEFAULT_SCREEN_MAX_AGE_DAYS,
                           user=days if ok else None).value)

    def set_screen_max_age_days(self, days: int) -> None:
        refuse_if_fixed(POLICY_SCREEN_AGE, "Screen-age limit")
        if isinstance(days, bool) or not isinstance(days, int) or not (
                0 <= days <= MAX_SCREEN_AGE_DAYS):
            raise ValidationError("screen_max_age_days",
                                  f"must be a whole number of days, 0–{MAX_SCREEN_AGE_DAYS}")
        with self.vault.transaction():
            settings.set_json(self.vault, SCREEN_AGE_KEY, days)
            audit.record(self.vault, "settings.change", record_type="settings",
                         record_id=SCREEN_AGE_KEY)
