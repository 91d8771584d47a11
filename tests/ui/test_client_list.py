"""Client list pane and its model: instant filter, archived hidden by default, sort, empty state."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence

from kapnotes.domain.models import Client, ClientSummary, Course
from kapnotes.ui.client_list import EMPTY_TEXT, ClientListPane
from kapnotes.ui.models.client_list_model import CLIENT_ID_ROLE, ClientListModel

DISPLAY = Qt.ItemDataRole.DisplayRole


def add_client(services, code: str, name: str, **extra) -> Client:
    return services.clients.create(Client(code=code, full_name=name, **extra))


def names(pane: ClientListPane) -> list[str]:
    m = pane.model
    return [m.data(m.index(r, ClientListModel.CODE)) for r in range(m.rowCount())]


def summary(**kw) -> ClientSummary:
    base = dict(id=1, code="KAP-001", full_name="Ada Example", preferred_name="", archived=False,
                courses=0, sessions=0, next_planned=None, next_planned_kind=None)
    base.update(kw)
    return ClientSummary(**base)


def test_model_data_shows_code_name_and_next_planned(qtbot):
    model = ClientListModel()
    model.set_rows([
        summary(id=7, preferred_name="Ada", next_planned=date(2026, 11, 20),
                next_planned_kind="dosing"),
        summary(id=8, code="KAP-002", full_name="Bram Fictional", archived=True),
    ], today=date(2026, 11, 20))
    assert model.rowCount() == 2 and model.columnCount() == 3
    assert model.data(model.index(0, model.CODE)) == "KAP-001"
    assert model.data(model.index(0, model.NAME)) == "Ada Example (Ada)"
    assert model.data(model.index(0, model.NEXT)) == "Today · ◆ Dosing"
    assert model.data(model.index(0, model.NEXT), Qt.ItemDataRole.FontRole).bold()
    assert model.data(model.index(0, 0), CLIENT_ID_ROLE) == 7
    # Archived: said in words, and greyed.
    assert model.data(model.index(1, model.NAME)) == "Bram Fictional"
    assert model.data(model.index(1, model.NEXT)) == "Archived"
    assert isinstance(model.data(model.index(1, 0), Qt.ItemDataRole.ForegroundRole), QColor)
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is None
    assert "archived" in model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole)
    model.set_rows([summary()])
    assert model.data(model.index(0, model.NEXT)) == "—"
    assert model.headerData(2, Qt.Orientation.Horizontal, DISPLAY) == "Next planned"


def test_model_future_date_is_written_out(qtbot):
    model = ClientListModel()
    model.set_rows([summary(next_planned=date(2026, 11, 27), next_planned_kind="integration")],
                   today=date(2026, 11, 20))
    assert model.data(model.index(0, model.NEXT)) == "27 Nov 2026 · ○ Integration"


def test_empty_state_names_the_shortcut(qtbot, services):
    pane = ClientListPane(services)
    qtbot.addWidget(pane)
    assert pane.stack.currentWidget() is pane.empty_label
    assert pane.empty_label.text() == EMPTY_TEXT
    assert pane.filter_edit.placeholderText() == "Filter by name or code"


def test_filter_narrows_instantly_by_name_or_code(qtbot, services):
    add_client(services, "KAP-001", "Ada Example")
    add_client(services, "KAP-002", "Bram Fictional", preferred_name="Bee")
    add_client(services, "ZED-9", "Cleo Testperson")
    pane = ClientListPane(services)
    qtbot.addWidget(pane)
    assert len(names(pane)) == 3
    qtbot.keyClicks(pane.filter_edit, "kap")
    assert sorted(names(pane)) == ["KAP-001", "KAP-002"]
    pane.filter_edit.clear()
    qtbot.keyClicks(pane.filter_edit, "bee")  # preferred name counts too
    assert names(pane) == ["KAP-002"]
    pane.filter_edit.clear()
    qtbot.keyClicks(pane.filter_edit, "nobody")
    assert names(pane) == []
    assert pane.stack.currentWidget() is pane.empty_label
    assert "nobody" in pane.empty_label.text()
    pane.filter_edit.clear()
    assert len(names(pane)) == 3
    assert pane.stack.currentWidget() is pane.view


def test_archived_hidden_by_default_and_shown_with_checkbox(qtbot, services):
    add_client(services, "KAP-001", "Ada Example")
    old = add_client(services, "KAP-002", "Bram Fictional")
    services.clients.set_archived(old.id, True)
    pane = ClientListPane(services)
    qtbot.addWidget(pane)
    assert names(pane) == ["KAP-001"]
    assert pane.archived_check.text() == "Show archived"
    pane.archived_check.setChecked(True)
    assert sorted(names(pane)) == ["KAP-001", "KAP-002"]
    row = pane.model.row_of(old.id)
    assert pane.model.data(pane.model.index(row, 2)) == "Archived"
    pane.archived_check.setChecked(False)
    assert names(pane) == ["KAP-001"]


def test_sorted_by_next_planned_and_today_counted(qtbot, services):
    late = add_client(services, "KAP-001", "Ada Example")
    soon = add_client(services, "KAP-002", "Bram Fictional")
    add_client(services, "KAP-003", "Cleo Testperson")  # nothing planned: last
    # Today is Fri 20 Nov 2026 (FakeClock): a first dose a week on puts preparation today.
    services.courses.create(Course(client_id=soon.id, protocol="kap_sublingual_im",
                                   start_date=date(2026, 11, 27)))
    services.courses.create(Course(client_id=late.id, protocol="kap_sublingual_im",
                                   start_date=date(2027, 1, 8)))
    pane = ClientListPane(services)
    qtbot.addWidget(pane)
    assert names(pane) == ["KAP-002", "KAP-001", "KAP-003"]
    assert pane.model.data(pane.model.index(0, 2)) == "Today · ◇ Preparation"
    assert "1 client with a planned session" in pane.today_label.text()


def test_activating_a_row_emits_the_client_id(qtbot, services):
    ada = add_client(services, "KAP-001", "Ada Example")
    pane = ClientListPane(services)
    qtbot.addWidget(pane)
    with qtbot.waitSignal(pane.client_activated, timeout=1000) as sig:
        pane.view.activated.emit(pane.model.index(0, 1))
    assert sig.args == [ada.id]
    # Enter in the filter opens the first match.
    qtbot.keyClicks(pane.filter_edit, "ada")
    with qtbot.waitSignal(pane.client_activated, timeout=1000) as sig:
        qtbot.keyClick(pane.filter_edit, Qt.Key.Key_Return)
    assert sig.args == [ada.id]
    assert pane.selected_client_id() == ada.id


def test_focus_filter_and_shortcuts(qtbot, services):
    pane = ClientListPane(services)
    qtbot.addWidget(pane)
    pane.show()
    qtbot.waitExposed(pane)
    pane.focus_filter()
    assert pane.focusWidget() is pane.filter_edit
    assert pane.filter_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    assert pane.new_client_action.shortcut() == QKeySequence("Ctrl+Shift+N")
    assert set(pane.shortcut_actions()) <= set(pane.actions())


def test_new_client_from_the_pane_is_listed_and_activated(qtbot, services):
    pane = ClientListPane(services)
    qtbot.addWidget(pane)
    qtbot.keyClicks(pane.filter_edit, "zzz")  # a filter must not hide the new client
    dialog = pane.new_client()
    qtbot.keyClicks(dialog.code_edit, "kap-020")
    qtbot.keyClicks(dialog.full_name_edit, "Dara Madeup")
    with qtbot.waitSignal(pane.client_activated, timeout=1000) as sig:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    stored = services.clients.by_code("KAP-020")
    assert stored is not None and sig.args == [stored.id]
    assert pane.filter_edit.text() == ""
    assert names(pane) == ["KAP-020"]
    assert pane.selected_client_id() == stored.id
