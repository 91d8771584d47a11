"""Fictional monitoring records for the demo vault's dosing sessions, so demo notes sign under
the dosing rules (2 hours from the first device; pre-dose, ~40-minute and end BP) and the
course views have vitals to show. One session in four has a raised 40-minute BP."""

from __future__ import annotations

from datetime import datetime, timedelta

from kapnotes.services.monitoring import MonitoringService


def record_demo_monitoring(monitoring: MonitoringService, session_id: int, starts_at: datetime,
                           *, clinician: str, n: int = 0) -> None:
    """A complete, uneventful (or, every fourth, briefly hypertensive) esketamine session."""
    first = starts_at + timedelta(minutes=15)
    raised = n % 4 == 3
    monitoring.acknowledge(session_id, by=clinician)
    monitoring.update_record(session_id, {
        "medication": "esketamine", "route": "intranasal", "dose_mg": 56,
        "lot_number": f"DEMO-{1000 + n}", "monitoring_clinician": clinician,
        "setting": "Quiet room, reclined chair, eyeshade, music",
        "fasting_food": True, "fasting_liquids": True, "screen_reviewed": True,
        "predose_vitals_ok": True, "respiratory_depression": False,
    })
    monitoring.add_reading(session_id, "pre_dose", {"systolic": 126 + n % 5, "diastolic": 80,
                                                    "heart_rate": 72, "spo2": 98},
                           at=first - timedelta(minutes=10))
    monitoring.add_device(session_id, at=first)
    monitoring.add_device(session_id, at=first + timedelta(minutes=5))
    monitoring.add_reading(session_id, "forty_minutes",
                           {"systolic": 184 if raised else 138, "diastolic": 104 if raised else 86,
                            "heart_rate": 84, "spo2": 97}, at=first + timedelta(minutes=40))
    monitoring.add_observation(session_id, moaas=4, dissociation="mild",
                               at=first + timedelta(minutes=30))
    monitoring.add_observation(session_id, moaas=5, dissociation="none",
                               at=first + timedelta(minutes=115))
    monitoring.add_reading(session_id, "end_of_session", {"systolic": 128, "diastolic": 82,
                                                          "heart_rate": 70, "spo2": 98},
                           at=first + timedelta(minutes=121))
    monitoring.update_record(session_id, {
        "ended_at": first + timedelta(minutes=125), "ready_to_leave_minutes": 90,
        "discharge_vitals_ok": True, "escort": "Partner", "no_driving_advised": True,
    })
