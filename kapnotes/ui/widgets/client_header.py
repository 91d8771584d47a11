"""Top of the client page: who this is (name, code, age), archived badge, medicine flags."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kapnotes.domain.models import Client
from kapnotes.domain.screening import MedicineClass
from kapnotes.ui.widgets.slot_style import MUTED_COLOURS, WARNING_COLOURS, style_sheet_colour


def describe_client(client: Client, today: date) -> str:
    parts = [client.code]
    if client.preferred_name and client.preferred_name != client.full_name:
        parts.append(client.full_name)
    age = client.age_on(today)
    if age is not None and client.date_of_birth is not None:
        parts.append(f"{age} y (born {client.date_of_birth.strftime('%d %b %Y')})")
    else:
        parts.append("date of birth not recorded")
    if client.prescriber:
        parts.append(f"prescriber {client.prescriber}")
    return " · ".join(parts)


def flags_text(flags: dict[str, tuple[MedicineClass, ...]]) -> str:
    if not flags:
        return ""
    items = [f"{med} ({', '.join(c.label for c in classes)})" for med, classes in flags.items()]
    return "⚠ Concomitant medicines — review before dosing: " + "; ".join(items)


class ClientHeader(QWidget):
    """Display-only; the page puts the action buttons beside it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name_label = QLabel(self)
        font = QFont(self.name_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name_label.setFont(font)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.name_label.setAccessibleName("Client name")
        self.archived_badge = QLabel("Archived", self)
        self.archived_badge.setAccessibleName("Archived")
        muted = style_sheet_colour(MUTED_COLOURS)
        self.archived_badge.setStyleSheet(
            f"color: {muted}; border: 1px solid {muted}; border-radius: 3px; padding: 1px 6px;"
            " font-weight: 600;"
        )
        self.meta_label = QLabel(self)
        self.meta_label.setAccessibleName("Client details")
        self.meta_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.flags_label = QLabel(self)
        self.flags_label.setWordWrap(True)
        self.flags_label.setAccessibleName("Concomitant medicine flags")
        self.flags_label.setStyleSheet(
            f"color: {style_sheet_colour(WARNING_COLOURS)}; font-weight: 600;"
        )

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.name_label)
        top.addWidget(self.archived_badge)
        top.addStretch(1)
        self.actions_layout = top  # the page appends its Edit / Archive / Delete buttons
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.meta_label)
        layout.addWidget(self.flags_label)

    def show_client(self, client: Client, today: date,
                    flags: dict[str, tuple[MedicineClass, ...]]) -> None:
        self.name_label.setText(client.display_name)
        self.archived_badge.setVisible(client.archived)
        self.meta_label.setText(describe_client(client, today))
        text = flags_text(flags)
        self.flags_label.setText(text)
        self.flags_label.setVisible(bool(text))
