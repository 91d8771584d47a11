"""The register entry a dosing session's dose calls for: which product's register, how many
units drawn, and what part of them was discarded (docs/JURISDICTIONS.md,
`s8_administration_recorded`). Stdlib only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kapnotes.domain.jurisdiction_model import JurisdictionPack, Product
from kapnotes.domain.s8_register import dose_units


@dataclass(frozen=True)
class Proposal:
    """An administration entry ready to record, worked out from the dosing record."""

    session_id: int
    product: Product
    quantity: int
    dose_mg: float
    discarded_mg: float
    occurred_at: datetime

    @property
    def volume_ml(self) -> float | None:
        per = self.product.ml_per_unit
        return None if per is None else round(self.dose_mg * per / self.product.mg_per_unit, 2)

    def shown(self) -> str:
        """One line for the dose entry: "Draw 2 devices from Esketamine 28 mg nasal spray
        device (56 mg)"; a discarded part and a volume when there is one."""
        unit = self.product.unit + ("" if self.quantity == 1 else "s")
        text = f"Draw {self.quantity} {unit} from {self.product.title}: {self.dose_mg:g} mg"
        if self.volume_ml is not None:
            text += f" ({self.volume_ml:g} mL)"
        if self.discarded_mg:
            text += f", {self.discarded_mg:g} mg discarded (witnessed)"
        return text


def best_product(candidates: tuple[Product, ...], dose_mg: float) -> Product:
    """The product that gives the dose with the least discarded, then the fewest units
    (150 mg sublingual: three 50 mg lozenges, not two 100 mg with 50 mg discarded)."""
    return min(candidates, key=lambda p: (dose_units(p, dose_mg) * p.mg_per_unit - dose_mg,
                                          dose_units(p, dose_mg), p.id))


def propose(pack: JurisdictionPack, session_id: int, medication: str | None,
            route: str | None, dose_mg: float | None, devices_given: int,
            occurred_at: datetime, *, product_id: str | None = None) -> Proposal | None:
    """The entry the dose calls for, or None when the record names no dose or no product of
    the pack fits the medication and route. `product_id` picks another fitting product."""
    if medication is None or dose_mg is None or dose_mg <= 0:
        return None
    candidates = pack.products_for(medication, route)
    if not candidates:
        return None
    chosen = next((p for p in candidates if p.id == product_id), None) \
        or best_product(candidates, dose_mg)
    units = dose_units(chosen, dose_mg)
    if chosen.unit == "device":
        units = max(units, devices_given)  # each device used is drawn, even one not emptied
    discarded = round(units * chosen.mg_per_unit - dose_mg, 3)
    return Proposal(session_id, chosen, units, dose_mg,
                    discarded if chosen.unit != "device" else 0.0, occurred_at)
