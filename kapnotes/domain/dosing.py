"""Dose arithmetic: mg/kg for IV/IM ketamine and esketamine 28 mg nasal devices.

Plausibility only (the clinical limits are rules: kapnotes/domain/dose_rules.py,
docs/CLINICAL-RULES.md):
- Weight must be 20–300 kg and a dose more than 0 and at most 1000 mg; these refuse typing
  slips, they are not clinical limits.
- Esketamine is given as 28 mg devices, so a dose is 28, 56 or 84 mg (1, 2 or 3 devices).
"""

from __future__ import annotations

from kapnotes.domain.errors import ValidationError

MIN_WEIGHT_KG = 20
MAX_WEIGHT_KG = 300
MAX_DOSE_MG = 1000

ESKETAMINE_DEVICE_MG = 28
ESKETAMINE_DOSES_MG = (28, 56, 84)


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


def esketamine_device_count(dose_mg: int) -> int:
    """Number of 28 mg devices for an esketamine dose; only 28, 56 or 84 mg are allowed."""
    if isinstance(dose_mg, bool) or dose_mg not in ESKETAMINE_DOSES_MG:
        raise ValidationError(
            "dose_mg", "esketamine is given as 28 mg devices: 28, 56 or 84 mg"
        )
    return dose_mg // ESKETAMINE_DEVICE_MG
