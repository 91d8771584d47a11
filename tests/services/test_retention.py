"""Retention through the service, with the jurisdiction pack's rule: 7 years after the last
entry for adults, until 25 for a client first seen as a minor (NSW/VIC/ACT); nothing deleted
automatically; deletion from the retention list needs the code and leaves a tombstone."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from helpers import s8

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.domain.retention import RetentionRule
from kapnotes.jurisdiction import pack
from kapnotes.storage import audit


def _client_with_session(services: object, code: str, born: date | None,
                         seen: datetime) -> int:
    cid = services.clients.create(Client(code=code, full_name="Fictional Person",
                                         date_of_birth=born)).id
    course = services.courses.create(Course(client_id=cid, protocol="custom",
                                            start_date=seen.date()),
                                     custom_day_offsets=[0]).id
    services.notes.create_session(course_id=course, kind=SessionKind.PREPARATION,
                                  starts_at=seen)
    return cid


@pytest.mark.parametrize("pack_id", ["AU-NSW", "AU-VIC", "AU-ACT"])
def test_the_pack_rule_is_seven_years_and_age_25(pack_id: str) -> None:
    rule = pack(pack_id).slots["retention"]
    assert isinstance(rule, RetentionRule)
    assert (rule.adult_years, rule.minor_age, rule.minor_until_age) == (7, 18, 25)
    assert rule.source.label


def test_adult_and_minor_dates_and_the_list_past_them(services: object, clock: object,
                                                      tmp_path: Path) -> None:
    s8.choose_jurisdiction(tmp_path, "AU-NSW")
    clock.now = datetime(2026, 11, 20, 9, 0)
    adult = _client_with_session(services, "KAP-901", date(1980, 5, 1),
                                 datetime(2018, 3, 4, 10, 0))
    minor = _client_with_session(services, "KAP-902", date(2003, 6, 15),
                                 datetime(2019, 2, 1, 10, 0))  # 15 when first seen
    rows = {r.code: r for r in services.retention.rows()}
    assert rows["KAP-901"].keep_until == date(2025, 3, 4)  # 7 years after the last entry
    assert rows["KAP-902"].keep_until == date(2028, 6, 15)  # until 25 (later than 2026-02-01)
    assert rows["KAP-902"].basis == "first seen as a minor"
    assert [r.client_id for r in services.retention.past_date()] == [adult]
    # Listing deletes nothing.
    assert services.clients.get(adult).code == "KAP-901"
    assert minor in {c.id for c in services.clients.list(include_archived=True)}


def test_no_rule_without_a_jurisdiction(services: object) -> None:
    _client_with_session(services, "KAP-903", None, datetime(2010, 1, 1, 9, 0))
    assert services.retention.rule() is None
    assert services.retention.past_date() == []


def test_deletion_needs_the_code_and_leaves_a_tombstone(services: object, clock: object,
                                                        tmp_path: Path) -> None:
    s8.choose_jurisdiction(tmp_path, "AU-VIC")
    adult = _client_with_session(services, "KAP-904", None, datetime(2015, 1, 1, 9, 0))
    with pytest.raises(ValidationError, match="KAP-904"):
        services.retention.delete_past_date(adult, typed_code="KAP-90")
    assert services.retention.past_date()[0].client_id == adult
    services.retention.delete_past_date(adult, typed_code="KAP-904")
    assert services.retention.past_date() == []
    entry = [e for e in audit.entries(services.vault) if e.event == "client.delete"][-1]
    assert entry.record_id == str(adult)
    assert "tombstone: KAP-904, 1 session notes" in entry.detail
    assert "retention: kept until 1 Jan 2022 (adult (no date of birth))" in entry.detail
    assert "Fictional" not in repr(entry)
