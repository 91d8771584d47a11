"""A supervision session logged by hand, and a client archived, are stamped by the services'
injected clock, as every other record is (issue 17: one clock), not by the wall clock."""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

from kapnotes.domain.review_model import SupervisionFormat, SupervisionSession


def test_a_logged_supervision_session_is_stamped_by_the_injected_clock(
        services: Any, clock: Any) -> None:
    clock.advance(days=-400)  # far from today's date: a wall-clock stamp cannot match
    services.reviews.log_session("Dr Ada Supervisor", SupervisionSession(
        date(2025, 10, 3), 60, SupervisionFormat.INDIVIDUAL, ("boundaries",)))
    (entry,) = services.reviews.log()
    expected = clock().astimezone().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert entry.created_at == expected


def test_archiving_a_client_is_stamped_by_the_injected_clock(services: Any, clock: Any) -> None:
    from kapnotes.domain.models import Client

    client = services.clients.create(Client(code="KAP-523", full_name="Cam Fictional"))
    clock.advance(days=-400)
    services.clients.set_archived(client.id, True)
    assert services.clients.get(client.id).archived_at == clock().astimezone().astimezone(UTC)
    services.clients.set_archived(client.id, False)
    assert services.clients.get(client.id).archived_at is None
