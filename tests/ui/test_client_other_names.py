"""A client's other names (family members, nicknames): typed in the client dialog, kept,
carried by the portable export, shown in an identified PDF and replaced in a de-identified
one (the variants are in tests/export/test_deidentify_variants.py)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from kapnotes.domain.models import Client
from kapnotes.services import portable_export, portable_import
from kapnotes.services.portable_schema import check_document
from kapnotes.ui.dialogs.client_dialog import ClientDialog


def test_the_dialog_keeps_other_names(qtbot, services: Any) -> None:
    dlg = ClientDialog(services)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.keyClicks(dlg.code_edit, "kap-015")
    qtbot.keyClicks(dlg.full_name_edit, "Ada Example")
    qtbot.keyClicks(dlg.other_names_edit, "Rosa Example (sister), Addy")
    assert "de-identified" in dlg.other_names_edit.toolTip()
    with qtbot.waitSignal(dlg.saved, timeout=1000) as sig:
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    client = services.clients.get(sig.args[0])
    assert client.other_names == "Rosa Example (sister), Addy"
    dlg = ClientDialog(services, client.id)
    qtbot.addWidget(dlg)
    assert dlg.other_names_edit.text() == "Rosa Example (sister), Addy"


def test_other_names_travel_in_the_export_and_older_files_still_import(
        services: Any, tmp_path: Any, passphrase: str) -> None:
    from tests.services.portable_data import new_services

    services.clients.create(Client(code="KAP-016", full_name="Ada Example",
                                   other_names="Addy"))
    doc = portable_export.build_export(services.vault)
    assert doc["clients"][0]["other_names"] == "Addy"
    check_document(doc)
    target = new_services(tmp_path / "t.kapnotes", passphrase, services.clock,
                          tmp_path / "templates")
    older = {**doc, "clients": [{k: v for k, v in c.items() if k != "other_names"}
                                for c in doc["clients"]]}
    portable_import.import_document(target, older)
    assert target.clients.by_code("KAP-016").other_names == ""
