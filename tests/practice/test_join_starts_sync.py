"""Joining a practice server turns on the vault's change recording (schema step 20): the
records a vault already holds wait for the first sync; a refused join leaves it solo."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kapnotes.domain.models import Client, Course
from kapnotes.practice import admin
from kapnotes.practice.connection import PracticeServerError
from kapnotes.services import practice_link
from kapnotes.storage import sync_state
from tests.practice.practice_helpers import unique_login


def _a_client_with_a_course(services: Any) -> None:
    client = services.clients.create(Client(code="KAP-611", full_name="Ash Fictional"))
    services.courses.create(Course(client_id=client.id, protocol="kap_sublingual_im",
                                   start_date=date(2026, 11, 2)))


def test_a_joined_vault_queues_what_it_holds_and_records_later_edits(
        practice_schema_dsn: str, services: Any) -> None:
    login = unique_login("ther")
    code = admin.add_clinician(practice_schema_dsn, login, "therapist")
    _a_client_with_a_course(services)
    assert sync_state.status(services.vault).pending == 0
    practice_link.join(services.vault, practice_schema_dsn, code, login)
    status = sync_state.status(services.vault)
    assert status.linked and status.pending == 2
    client = services.clients.by_code("KAP-611")
    services.clients.create(Client(code="KAP-612", full_name="Bay Fictional"))
    services.clients.set_archived(client.id, True)
    assert sync_state.status(services.vault).pending == 3


def test_a_refused_join_leaves_the_vault_solo(practice_schema_dsn: str, services: Any) -> None:
    login = unique_login("nurse")
    admin.add_clinician(practice_schema_dsn, login, "nurse")
    _a_client_with_a_course(services)
    with pytest.raises(PracticeServerError, match="did not accept"):
        practice_link.join(services.vault, practice_schema_dsn, "WRONG-CODES-ABCDE-FGHJK-MNPQR",
                           login)
    status = sync_state.status(services.vault)
    assert not status.linked and status.pending == 0
