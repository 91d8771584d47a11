"""Dose arithmetic: mg/kg for IV/IM ketamine and esketamine 28 mg nasal devices.

Rules (DOMAIN.md, Protocols and monitoring record):
- Weight must be 20–300 kg and a dose more than 0 and at most 1000 mg; these refuse typing
  slips, they are not clinical limits.
- Usual IV ketamine dose: 0.5 mg/kg (given over 40 minutes).
- Esketamine is given as 28 mg devices, so a dose is 28, 56 or 84 mg (1, 2 or 3 devices;
  84 mg is also the NSW class-authority daily maximum), with at least 5 minutes between
  devices. A shorter gap is a warning to note, not a refusal: the device was already used.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from kapnotes.domain.errors import ValidationError

MIN_WEIGHT_KG = 20
MAX_WEIGHT_KG = 300
MAX_DOSE_MG = 1000
IV_USUAL_MG_PER_KG = 0.5

ESKETAMINE_DEVICE_MG = 28
ESKETAMINE_DOSES_MG = (28, 56, 84)
MIN_MINUTES_BETWEEN_DEVICES = 5


def _number(field: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise ValidationError(field, "must be a number")
    return float(value)


def check_weight_kg(weight_kg: float) -> float:
    """The weight as a float, or ValidationError("weight_kg") outside 20–300 kg."""
    weight = _number("weight_kg", weight_kg)
    if not MIN_WEIGHT_KG <= weight <= MAX_WEIGHT_KG:
        raise ValidationError(
            "weight_kg", f"must be between {MIN_WEIGHT_KG} and {MAX_WEIGHT_KG} kg (got {weight:g})"
        )
    return weight


def check_dose_mg(dose_mg: float) -> float:
    """The dose as a float, or ValidationError("dose_mg") unless 0 < dose ≤ 1000 mg."""
    dose = _number("dose_mg", dose_mg)
    if not 0 < dose <= MAX_DOSE_MG:
        raise ValidationError(
            "dose_mg", f"must be more than 0 and at most {MAX_DOSE_MG} mg (got {dose:g})"
        )
    return dose


def dose_mg_per_kg(dose_mg: float, weight_kg: float) -> float:
    """Dose per kilogram, unrounded (rounding is for display)."""
    return check_dose_mg(dose_mg) / check_weight_kg(weight_kg)


def usual_iv_dose_mg(weight_kg: float) -> float:
    """The usual IV ketamine dose for this weight: 0.5 mg/kg."""
    return IV_USUAL_MG_PER_KG * check_weight_kg(weight_kg)


def esketamine_device_count(dose_mg: int) -> int:
    """Number of 28 mg devices for an esketamine dose; only 28, 56 or 84 mg are allowed."""
    if isinstance(dose_mg, bool) or dose_mg not in ESKETAMINE_DOSES_MG:
        raise ValidationError(
            "dose_mg", "esketamine is given as 28 mg devices: 28, 56 or 84 mg"
        )
    return dose_mg // ESKETAMINE_DEVICE_MG


def device_time_warnings(dose_mg: int, device_times: Sequence[datetime]) -> tuple[str, ...]:
    """Warnings about the recorded device times of an esketamine dose.

    Times must be in order and no more than the dose's device count (ValidationError
    otherwise). Fewer times than devices is allowed while the dose is being given, and
    noted. A gap under 5 minutes between consecutive devices is warned about.
    """
    devices = esketamine_device_count(dose_mg)
    if len(device_times) > devices:
        raise ValidationError(
            "device_times", f"{dose_mg} mg is {devices} device(s); {len(device_times)} times given"
        )
    warnings = []
    for n in range(1, len(device_times)):
        gap = device_times[n] - device_times[n - 1]
        if gap < timedelta(0):
            raise ValidationError("device_times", "device times must be in order")
        if gap < timedelta(minutes=MIN_MINUTES_BETWEEN_DEVICES):
            minutes = gap.total_seconds() / 60
            warnings.append(
                f"Device {n + 1} was given {round(minutes, 1):g} min after device {n}; "
                f"at least {MIN_MINUTES_BETWEEN_DEVICES} min is recommended."
            )
    if len(device_times) < devices:
        warnings.append(f"{len(device_times)} of {devices} device times recorded.")
    return tuple(warnings)
