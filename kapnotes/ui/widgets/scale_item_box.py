"""One rating-scale item as an input: a combo box whose entries start with their value
("2 — More than half the days", so typing the digit answers), yes/no, or a number range."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QSpinBox, QWidget

from kapnotes.domain.scales import ScaleItem


def item_number(item: ScaleItem) -> str:
    """How an item is numbered on screen: "9", "Q1", "Q6 recent"."""
    return item.id if item.id.isdigit() else item.id.replace("_", " ").capitalize()


def item_box(item: ScaleItem, parent: QWidget,
             on_change: Callable[[], None]) -> QComboBox | QSpinBox:
    """The input for `item`, "not answered" until chosen; `on_change` runs on every change."""
    name = f"Item {item.id}: {item.text}"
    if item.response == "range":
        spin = QSpinBox(parent)
        spin.setRange(item.min - 1, item.max)  # one below the range means "not answered"
        spin.setSpecialValueText("—")
        spin.setValue(item.min - 1)
        spin.setAccessibleName(name)
        spin.setToolTip(f"{item.min} {item.min_label} … {item.max} {item.max_label}".strip())
        spin.valueChanged.connect(on_change)
        return spin
    box = QComboBox(parent)
    box.setAccessibleName(name)
    box.addItem("—", None)
    if item.response == "yesno":
        box.addItem("No", False)
        box.addItem("Yes", True)
    else:
        for option in sorted(item.options, key=lambda o: o.value):
            box.addItem(f"{option.value} — {option.label}", option.value)
    box.setMinimumContentsLength(24)
    box.currentIndexChanged.connect(on_change)
    return box
