"""Saving the client dialog: the client's record and the weight typed beside it, both or
neither (a weight is a dosing input: a client saved without the weight that was typed would
be dosed on an old one)."""

from __future__ import annotations

from kapnotes.domain.models import Client
from kapnotes.services.changes import Changes, ids, write
from kapnotes.services.container import Services


def save_client(services: Services, client: Client, *, new: bool,
                weight: tuple[str, str] | None = None) -> Client:
    """Create (`new`) or update the client and record `weight` (typed value, unit) measured
    today, in one transaction; a refusal of either leaves both as they were."""
    with write(services.vault, Changes(clients=True, client_ids=ids(client.id))):
        stored = services.clients.create(client) if new else services.clients.update(client)
        if weight is not None:
            services.monitoring.doses.record_weight(int(stored.id or 0), *weight,
                                                    services.clock().date())
    return stored
