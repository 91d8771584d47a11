"""The dosing rules of the clinical rule set applied to one dose: route, mg/kg bounds, the
hint that fits the drug and route, one dose a day and the minimum interval, weight changes.

Every threshold and every sentence comes from the rules (`resources/rules/dosing.json`,
docs/CLINICAL-RULES.md); this module only decides which rule applies. Stdlib only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from kapnotes.domain import dosing
from kapnotes.domain.clinical_rules import RuleFinding, RuleSet, Severity
from kapnotes.domain.dates import human_date, plural
from kapnotes.domain.dosing_record import ClientWeight, DosingDetails, Medication, Route
from kapnotes.domain.errors import ValidationError

KG_PER_LB = 0.45359237
WEIGHT_UNITS = ("kg", "lb")
# Rules per (medication, route): (usual-dose hint, warn, override, minimum interval).
_INTERVAL_RULES = ("esketamine_min_interval", "ketamine_iv_min_interval",
                   "ketamine_kap_min_interval")
_HINT_RULES = ("ketamine_iv_usual_dose", "ketamine_im_usual_dose", "ketamine_sublingual_hint",
               "esketamine_dose_hint")
_MG_PER_KG_RULES = (("ketamine_iv_dose_override", "override_above"),
                    ("ketamine_im_dose_override", "override_above"),
                    ("ketamine_iv_dose_warn", "warn_above"),
                    ("ketamine_im_dose_warn", "warn_above"))


def _facts(medication: Medication | None, route: Route | None) -> dict[str, str | None]:
    return {"medication": medication.value if medication else None,
            "route": route.value if route else None}


def weight_to_kg(value: object, unit: str) -> float:
    """A typed weight in kg or lb as kilograms; ValidationError("weight") names the problem."""
    if unit not in WEIGHT_UNITS:
        raise ValidationError("Weight", "choose the unit: kg or lb")
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise ValidationError("Weight", "must be a number (in kg or lb)") from None
    if number != number:
        raise ValidationError("Weight", "must be a number")
    kg = number * KG_PER_LB if unit == "lb" else number
    low, high = dosing.MIN_WEIGHT_KG, dosing.MAX_WEIGHT_KG
    if not low <= kg <= high:
        shown = f"{number:g} lb = {kg:.1f} kg" if unit == "lb" else f"{number:g} kg"
        raise ValidationError("Weight", f"must be between {low} and {high} kg "
                                        f"({low / KG_PER_LB:.0f}–{high / KG_PER_LB:.0f} lb); "
                                        f"got {shown}")
    return round(kg, 1)


def dose_hint(rules: RuleSet, medication: Medication | None, route: Route | None,
              weight_kg: float | None) -> str:
    """The guidance that fits this drug and route ("" when none), with the mg for the weight."""
    facts = _facts(medication, route)
    for rule_id in _HINT_RULES:
        rule = rules.rule(rule_id)
        if medication is None or not rule.applies(**facts):
            continue
        text = rule.text()
        if "usual_mg_per_kg" in rule.thresholds and weight_kg is not None:
            usual = rule.value("usual_mg_per_kg") * weight_kg
            text += f" = {round(usual, 2):g} mg for {weight_kg:g} kg"
        return text
    return ""


def dose_findings(rules: RuleSet, d: DosingDetails) -> tuple[RuleFinding, ...]:
    """What the rules say about the dose as recorded: a route that is refused, and mg/kg above
    the warn or override level (the higher one only)."""
    facts = _facts(d.medication, d.route)
    found: list[RuleFinding] = []
    esk_route = rules.rule("esketamine_route")
    if d.medication is Medication.ESKETAMINE and d.route not in (None, Route.INTRANASAL):
        if esk_route.applies(**facts):
            found.append(esk_route.finding(route=d.route.label if d.route else ""))
    if d.dose_mg is None or d.weight_kg is None or d.route is None or not d.route.weight_based:
        return tuple(found)
    mg_per_kg = round(dosing.dose_mg_per_kg(d.dose_mg, d.weight_kg), 2)
    for rule_id, name in _MG_PER_KG_RULES:  # override rules first: only the higher one shows
        rule = rules.rule(rule_id)
        if rule.applies(**facts) and mg_per_kg > rule.value(name):
            found.append(rule.finding(mg_per_kg=mg_per_kg))
            break
    return tuple(found)


def interval_findings(rules: RuleSet, medication: Medication | None, route: Route | None,
                      when: date, other_doses: Sequence[date]) -> tuple[RuleFinding, ...]:
    """A second dose on a day already dosed (blocked), or sooner than the protocol's minimum
    interval after the nearest other dose (needs a reason)."""
    if any(other == when for other in other_doses):
        return (rules.finding("one_dose_per_day", date=human_date(when)),)
    facts = _facts(medication, route)
    for rule_id in _INTERVAL_RULES:
        rule = rules.rule(rule_id)
        if medication is None or not rule.applies(**facts):
            continue
        minimum = rule.value("min_days")
        near = [o for o in other_doses if abs((when - o).days) < minimum]
        if near:
            nearest = min(near, key=lambda o: abs((when - o).days))
            return (rule.finding(days=plural(abs((when - nearest).days), "day"),
                                 date=human_date(nearest)),)
        break
    return ()


def weight_change_finding(rules: RuleSet, new_kg: float,
                          last: ClientWeight | None) -> RuleFinding | None:
    """A warning when a new weight differs from the last recorded by more than the set share."""
    if last is None or last.weight_kg <= 0:
        return None
    rule = rules.rule("weight_change")
    change = abs(new_kg - last.weight_kg) / last.weight_kg * 100
    if change <= rule.value("max_change_percent"):
        return None
    return rule.finding(new=new_kg, last=last.weight_kg, date=human_date(last.measured_on),
                        change=round(change))


def device_gap_findings(rules: RuleSet, dose_mg: int,
                        device_times: Sequence[datetime]) -> tuple[str, ...]:
    """Esketamine device times: order and count checked (ValidationError), gaps shorter than
    the rule's minimum warned about, devices still to give noted."""
    devices = dosing.esketamine_device_count(dose_mg)
    if len(device_times) > devices:
        raise ValidationError(
            "device_times", f"{dose_mg} mg is {devices} device(s); {len(device_times)} times given")
    rule = rules.rule("esketamine_device_interval")
    minimum = timedelta(minutes=rule.value("min_minutes"))
    warnings = []
    for n in range(1, len(device_times)):
        gap = device_times[n] - device_times[n - 1]
        if gap < timedelta(0):
            raise ValidationError("device_times", "device times must be in order")
        if gap < minimum:
            minutes = round(gap.total_seconds() / 60, 1)
            warnings.append(rule.text(device=n + 1, previous=n, gap=minutes))
    if len(device_times) < devices:
        warnings.append(f"{len(device_times)} of {devices} device times recorded.")
    return tuple(warnings)


def blocking(findings: Sequence[RuleFinding]) -> list[RuleFinding]:
    return [f for f in findings if f.severity is Severity.BLOCK]
