"""A practice policy choosing a jurisdiction pack, and an esketamine dosing session with its
devices given: what the Schedule 8 register tests start from. All data is fictional."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from helpers import dosing
from helpers.basics import TEST_PASSPHRASE, FakeClock
from helpers.shared_fixture import own_user_data
from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.services.container import build_services
from kapnotes.storage import lifecycle

DOSE_AT = datetime(2026, 11, 20, 9, 0)
ESKETAMINE = "esketamine_28mg_nasal_device"
AMPOULE = "ketamine_200mg_2ml_ampoule"


def choose_jurisdiction(tmp_path: Path, pack_id: str = "AU-NSW") -> Path:
    """Write the test's practice policy (KAPNOTES_POLICY, set by tests/conftest.py) naming
    `pack_id`."""
    path = Path(os.environ["KAPNOTES_POLICY"])
    path.write_text(json.dumps({"version": 1, "settings": {
        "jurisdiction": {"value": pack_id}}}), encoding="utf-8")
    return path


@contextmanager
def vault_under_policy(folder: Path, pack_id: str, clock: FakeClock) -> Iterator[Any]:
    """A new vault `folder`/vault.kapnotes and its services, under a practice policy of its own
    choosing `pack_id` (never the process's): for a module fixture that fills one vault once
    and hands each test a copy. The vault is closed on leaving."""
    with own_user_data(folder, "policy.json"):
        choose_jurisdiction(folder, pack_id)
        created = lifecycle.create_vault(folder / "vault.kapnotes", TEST_PASSPHRASE)
        try:
            yield build_services(created.vault, clock=clock,
                                 practice_templates=folder / "templates")
        finally:
            created.vault.close()


def dosing_session(services: Any, code: str = "KAP-801", at: datetime = DOSE_AT) -> int:
    client = services.clients.by_code(code) or services.clients.create(
        Client(code=code, full_name="Robin Fictional"))
    # Under a jurisdiction, dosing asks for current informed consent (services/consents.py).
    # Signed on the dose's day or the clock's today, whichever is earlier (never in the future).
    signed_on = min(at.date(), services.clock().date())
    services.consents.record(client.id, "kap_informed", signed_on=signed_on)
    course = services.courses.create(Course(client_id=client.id, protocol="esketamine",
                                            start_date=date(2026, 11, 2)))
    return services.notes.create_session(course_id=course.id, kind=SessionKind.DOSING,
                                         starts_at=at).id


def esketamine_given(services: Any, session_id: int, *, devices: int = 2,
                     at: datetime = DOSE_AT) -> None:
    """56 mg (two devices) of esketamine, each device's time recorded."""
    m = services.monitoring
    m.update_record(session_id, {"medication": "esketamine", "route": "intranasal",
                                 "dose_mg": 28 * devices})
    dosing.ready_to_dose(services, session_id, at)
    for n in range(devices):
        m.add_device(session_id, at=at + timedelta(minutes=5 * n))
