"""What the client and settings dialogs save is one service call each, all or nothing
(kapnotes/services/client_intake.py, settings_save.py): a refused part leaves nothing."""

from __future__ import annotations

import pytest

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.models import Client
from kapnotes.services.client_intake import save_client
from kapnotes.services.clinician import clinician_name
from kapnotes.services.settings_save import save_settings
from kapnotes.services.settings_service import SettingsService


def test_a_new_client_and_the_weight_typed_with_it_are_saved_together(services) -> None:
    stored = save_client(services, Client(code="KAP-620", full_name="Ash Example"), new=True,
                         weight=("72,5", "kg"))
    assert services.clients.get(stored.id).full_name == "Ash Example"
    assert services.monitoring.doses.latest_weight(stored.id).weight_kg == pytest.approx(72.5)


def test_a_refused_weight_leaves_no_client_behind(services) -> None:
    with pytest.raises(ValidationError) as refused:
        save_client(services, Client(code="KAP-621", full_name="Ash Example"), new=True,
                    weight=("seventy", "kg"))
    assert "weight" in refused.value.field.lower()
    assert services.clients.list(include_archived=True) == []


def test_a_refused_name_leaves_the_settings_as_they_were(services) -> None:
    settings = SettingsService(services.vault)
    with pytest.raises(ValidationError):
        save_settings(settings, {"practice_name": "Harbour Clinic"}, clinician="x" * 5000)
    assert settings.practice_name() == ""
    assert clinician_name(services.vault) == ""

    save_settings(settings, {"practice_name": "Harbour Clinic"}, clinician="Dr Kim Sample")
    assert (settings.practice_name(), clinician_name(services.vault)) == \
        ("Harbour Clinic", "Dr Kim Sample")
