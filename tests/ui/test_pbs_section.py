"""The client dialog's PBS section (issue 19): trials added and removed at once (audited),
details saved with the client, a bad date named and nothing kept, and a new client told to
save first. Real widgets over a real vault; all data is fictional."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from kapnotes.domain.models import Client
from kapnotes.services.pbs_sheet import PbsRecords
from kapnotes.storage import audit
from kapnotes.ui.dialogs.client_dialog import ClientDialog


def test_trials_and_details_in_the_client_dialog(qtbot: Any, services: Any) -> None:
    client = services.clients.create(Client(code="KAP-901", full_name="Lee Fictional"))
    dialog = ClientDialog(services, client.id)
    qtbot.addWidget(dialog)
    dialog.show()
    pbs = dialog.pbs
    assert not pbs.note.isVisible() and pbs.add_button.isEnabled()
    pbs.medicine.setText("Sertraline")
    pbs.dose.setText("200 mg daily")
    pbs.weeks.setValue(8)
    pbs.response.setText("No response")
    pbs.add_button.click()
    pbs.medicine.setText("Escitalopram")
    pbs.add_button.click()
    pbs.medicine.setText("")
    pbs.add_button.click()  # no medicine: refused, named
    assert "Medicine" in pbs.error.text()
    assert [pbs.table.item(r, 0).text() for r in range(pbs.table.rowCount())] == [
        "Sertraline", "Escitalopram"]
    assert pbs.table.item(0, 2).text() == "8"
    pbs.table.selectRow(1)
    pbs.remove_button.click()
    assert pbs.table.rowCount() == 1
    pbs.oral.setText("Mirtazapine")
    pbs.started.setText("2/11/2026")
    pbs.specialist.setText("Dr Ana Psychiatrist")
    dialog.save()  # the client saves; the bad date is named and the dialog stays
    assert dialog.isVisible() and "Started: must be a date" in pbs.error.text()
    pbs.started.setText("2026-11-02")
    dialog.save()
    assert not dialog.isVisible()
    records = PbsRecords(services.vault)
    assert [t.medicine for t in records.trials(client.id)] == ["Sertraline"]
    details = records.details(client.id)
    assert (details.oral_antidepressant, details.antidepressant_start, details.specialist) == (
        "Mirtazapine", date(2026, 11, 2), "Dr Ana Psychiatrist")
    events = [e.event for e in audit.entries(services.vault) if e.event.startswith("pbs.")]
    assert events == ["pbs.trial.add", "pbs.trial.add", "pbs.trial.delete", "pbs.details"]
    again = ClientDialog(services, client.id)
    qtbot.addWidget(again)
    again.show()
    assert again.pbs.oral.text() == "Mirtazapine" and again.pbs.table.rowCount() == 1
    again.pbs.grab().save(str(Path("/tmp") / "i19b-pbs-section.png"))
    again.save()  # nothing changed: no second details entry
    assert [e.event for e in audit.entries(services.vault)].count("pbs.details") == 1


def test_a_new_client_is_saved_before_its_trials(qtbot: Any, services: Any) -> None:
    dialog = ClientDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.pbs.note.isVisible() and not dialog.pbs.add_button.isEnabled()
