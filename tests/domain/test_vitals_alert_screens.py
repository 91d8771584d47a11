"""`alert_screens` lets the client page read only the readings that could alert
(kapnotes/domain/vitals.py): every reading `assess` alerts on, at any possible value, before
the dose or after, under the default thresholds and tightened or loosened ones, must meet one
of the screens, or the page would miss an alert."""

from __future__ import annotations

import operator
from collections.abc import Iterator

import pytest

from kapnotes.domain.vitals import (
    VITALS_LIMITS,
    ReadingRole,
    Severity,
    VitalsReading,
    VitalsThresholds,
    alert_screens,
    assess,
)

_OPS = {">=": operator.ge, "<": operator.lt}
THRESHOLDS = (
    VitalsThresholds(),
    VitalsThresholds(alert_systolic_above=160, alert_diastolic_above=100, alert_spo2_below=95,
                     alert_heart_rate_above=105, alert_heart_rate_below=55),
    VitalsThresholds(delay_systolic_above=170, alert_systolic_above=200,
                     alert_diastolic_above=130, alert_spo2_below=85,
                     alert_heart_rate_above=150, alert_heart_rate_below=40,
                     caution_heart_rate_above=90, caution_heart_rate_below=60),
)


def _every_reading() -> Iterator[VitalsReading]:
    """Each possible blood pressure, heart rate and SpO2 (one value kind at a time: `assess`
    judges each kind on its own)."""
    (s_low, s_high), (d_low, _d_high) = VITALS_LIMITS["systolic"], VITALS_LIMITS["diastolic"]
    for sys_ in range(s_low, s_high + 1):
        for dia in range(d_low, min(sys_, VITALS_LIMITS["diastolic"][1] + 1)):
            yield VitalsReading(ReadingRole.EXTRA, systolic=sys_, diastolic=dia,
                                confirmed_unusual=True)
    for name in ("heart_rate", "spo2"):
        low, high = VITALS_LIMITS[name]
        for value in range(low, high + 1):
            yield VitalsReading(ReadingRole.EXTRA, confirmed_unusual=True, **{name: value})


def _meets(reading: VitalsReading, screens: tuple[tuple[str, str, int], ...]) -> bool:
    return any((value := getattr(reading, field)) is not None and _OPS[op](value, limit)
               for field, op, limit in screens)


@pytest.mark.parametrize("thresholds", THRESHOLDS)
def test_every_alerting_reading_meets_a_screen(thresholds: VitalsThresholds) -> None:
    screens = alert_screens(thresholds)
    alerting = kept = 0
    for reading in _every_reading():
        meets = _meets(reading, screens)
        kept += meets
        for before in (True, False, None):
            if any(f.severity is Severity.ALERT for f in assess(reading, thresholds, before)):
                alerting += 1
                assert meets, (reading, before)
    assert alerting > 0 and kept < sum(1 for _ in _every_reading())  # the screens do leave some out
