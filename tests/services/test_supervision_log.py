"""The supervision log by hand: entries with topics, totals per month and year, a filter by
supervisor, removal of a mistaken entry (audited), and refusals that name the field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kapnotes.domain.errors import NotFoundError, ValidationError
from kapnotes.domain.review_model import SupervisionFormat, SupervisionSession
from kapnotes.storage import audit


def _session(day: date, minutes: int, fmt: SupervisionFormat = SupervisionFormat.INDIVIDUAL,
             *topics: str) -> SupervisionSession:
    return SupervisionSession(day, minutes, fmt, topics)


def test_log_totals_filter_and_removal(services: Any) -> None:
    reviews = services.reviews
    assert reviews.log() == [] and reviews.totals() == []
    first = reviews.log_session("Dr Ada Supervisor", _session(date(2026, 10, 3), 60,
                                                              SupervisionFormat.INDIVIDUAL,
                                                              "dosing safety"))
    reviews.log_session("dr ada  supervisor", _session(date(2026, 10, 20), 90,
                                                       SupervisionFormat.GROUP))
    reviews.log_session("Dr Ben Peer", _session(date(2026, 11, 2), 45))
    rows = reviews.log()
    assert [r.minutes for r in rows] == [60, 90, 45] and rows[0].topics == ("dosing safety",)
    assert [(t.period, t.sessions, t.minutes, t.individual_minutes, t.group_minutes)
            for t in reviews.totals()] == [("2026-10", 2, 150, 60, 90),
                                           ("2026-11", 1, 45, 45, 0)]
    assert [t.minutes for t in reviews.totals(by="year")] == [195]
    assert [t.minutes for t in reviews.totals(supervisor="DR ADA SUPERVISOR")] == [150]
    assert [r.minutes for r in reviews.log(start=date(2026, 10, 10),
                                           end=date(2026, 11, 30))] == [90, 45]
    reviews.remove_logged(first)
    assert [r.minutes for r in reviews.log()] == [90, 45]
    assert audit.entries(services.vault)[-1].event == "supervision.remove"
    with pytest.raises(NotFoundError):
        reviews.remove_logged(first)


@pytest.mark.parametrize(("supervisor", "session", "field"), [
    ("", _session(date(2026, 1, 1), 30), "Supervisor"),
    ("Dr A", _session(date(2026, 1, 1), 0), "Supervision minutes"),
    ("Dr A", _session(date(2026, 1, 1), 2000), "Supervision minutes"),
    ("Dr A", _session(date(2026, 1, 1), 30, SupervisionFormat.GROUP, "x" * 300),
     "Supervision topic"),
])
def test_bad_entries_are_refused_naming_the_field(services: Any, supervisor: str,
                                                  session: SupervisionSession,
                                                  field: str) -> None:
    before = len(audit.entries(services.vault))
    with pytest.raises(ValidationError) as exc:
        services.reviews.log_session(supervisor, session)
    assert exc.value.field == field
    assert services.reviews.log() == [] and len(audit.entries(services.vault)) == before


def test_totals_refuse_a_period_backwards(services: Any) -> None:
    with pytest.raises(ValidationError, match="start is after the end"):
        services.reviews.totals(start=date(2026, 2, 1), end=date(2026, 1, 1))
