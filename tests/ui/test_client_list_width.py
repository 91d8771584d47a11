"""The client list at a 1366×768 laptop's size: a typical full name is read whole, or, where a
longer one must be cut, the cut cell's tooltip carries the whole name."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

from kapnotes.domain.models import Client
from kapnotes.ui.main_window import MainWindow
from kapnotes.ui.models.client_list_model import ClientListModel
from kapnotes.ui.workspace import Workspace

TYPICAL = "Marguerite Okonkwo-Lindqvist"
PADDING = 12  # the cell's margins either side of the text (QCommonStyle: 2 × focus frame)


def test_names_are_whole_at_1366_by_768_on_the_demo_vault(qtbot, open_demo, settings) -> None:
    services, _ids = open_demo(datetime(2026, 11, 20, 9, 0))  # tests/ui/conftest.py
    services.clients.create(Client(code="KAP-006", full_name=TYPICAL))
    window = MainWindow(services.vault, settings=settings)
    qtbot.addWidget(window)
    workspace = Workspace(window, services, signer_name="Dr Demo Clinician")
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    view = workspace.client_list.view
    model = view.model()
    qtbot.waitUntil(lambda: model.rowCount() == 6, timeout=2000)

    metrics = QFontMetrics(view.font())
    name_width = view.columnWidth(ClientListModel.NAME)
    assert name_width >= metrics.horizontalAdvance(TYPICAL) + PADDING, (
        f"name column {name_width}px, {TYPICAL!r} needs "
        f"{metrics.horizontalAdvance(TYPICAL) + PADDING}px")
    for row in range(model.rowCount()):
        index = model.index(row, ClientListModel.NAME)
        shown = str(model.data(index))
        if metrics.horizontalAdvance(shown) + PADDING > name_width:  # cut: the tip says it all
            assert shown in str(model.data(index, Qt.ItemDataRole.ToolTipRole))
