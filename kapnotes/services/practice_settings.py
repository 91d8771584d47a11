"""Practice settings of dosing monitoring, kept in the vault: vitals thresholds and how old a
contraindication screen may be before it must be reviewed."""

from __future__ import annotations

from dataclasses import asdict, fields, replace

from kapnotes import rules
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.vitals import VitalsThresholds
from kapnotes.policy import refuse_if_fixed, resolve
from kapnotes.services.changes import SETTINGS, write
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
        in_force = rules.current_rules()
        defaults = rules.vitals_defaults(in_force)
        values = {k: v for k, v in dict(chosen).items() if k in known}
        # The rule set is the floor: a value looser than the rules in force (stored before the
        # practice tightened them) gives way to the rule's value, never the other way round.
        for name in rules.VITALS_FIELDS:
            if name in values and rules.vitals_loosened({name: values[name]}, in_force):
                values[name] = getattr(defaults, name)
        try:
            return replace(defaults, **values)
        except (ValidationError, TypeError, ValueError):
            # A damaged setting must not silence alerts: the rules' values are the safe choice.
            return defaults

    def set_thresholds(self, thresholds: VitalsThresholds) -> None:
        refuse_if_fixed(POLICY_THRESHOLDS, "Vitals thresholds")
        loosened = rules.vitals_loosened(asdict(thresholds))
        if loosened:
            raise ValidationError(POLICY_THRESHOLDS, f"Vitals thresholds: {loosened}")
        with write(self.vault, SETTINGS):
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
        with write(self.vault, SETTINGS):
            settings.set_json(self.vault, SCREEN_AGE_KEY, days)
            audit.record(self.vault, "settings.change", record_type="settings",
                         record_id=SCREEN_AGE_KEY)
