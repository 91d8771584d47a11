"""`StoredReading.with_findings` is `dataclasses.replace(reading, findings=...)` written out
(kapnotes/domain/dosing_record.py); a field added to the class must be added there too."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from kapnotes.domain.dosing_record import StoredReading
from kapnotes.domain.vitals import ReadingRole, Severity, VitalsFinding, VitalsReading


def test_with_findings_is_replace_and_knows_every_field() -> None:
    assert [f.name for f in dataclasses.fields(StoredReading)] == [
        "id", "reading", "findings", "entered_at", "struck_at", "change_reason", "corrects_id"]
    at = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    stored = StoredReading(7, VitalsReading(ReadingRole.PRE_DOSE, taken_at=at, heart_rate=72),
                           (), entered_at=at, struck_at=at, change_reason="typo",
                           corrects_id=3)
    findings = (VitalsFinding("hr_high", Severity.CAUTION, "heart_rate", "Heart rate high"),)
    assert stored.with_findings(findings) == dataclasses.replace(stored, findings=findings)
    assert stored.with_findings(findings).findings is findings
