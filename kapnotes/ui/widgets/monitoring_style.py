"""Colours and small helpers shared by the monitoring widgets: light/dark aware, and always
paired with words ("ALERT", "Caution") so nothing is told by colour alone."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QLabel, QTableWidget, QWidget

# (light palette, dark palette)
ALERT = ("#b3261e", "#f2938c")
ALERT_BG = ("#fde7e5", "#4a1d1a")
CAUTION = ("#8a4b00", "#f0b45c")
CAUTION_BG = ("#fff3dc", "#43320f")
OK = ("#2e6b3a", "#93d19f")
MUTED = ("#5f6368", "#a0a4a8")
INFO_BG = ("#eef3f8", "#24303c")


def is_dark() -> bool:
    if QGuiApplication.instance() is None:
        return False
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def colour(pair: tuple[str, str]) -> QColor:
    return QColor(pair[1] if is_dark() else pair[0])


def hex_(pair: tuple[str, str]) -> str:
    return pair[1] if is_dark() else pair[0]


def banner_style(fg: tuple[str, str], bg: tuple[str, str], selector: str = "QLabel") -> str:
    return (f"{selector} {{ color: {hex_(fg)}; background: {hex_(bg)};"
            f" border: 1px solid {hex_(fg)}; border-radius: 4px; padding: 6px; }}")


def error_label(parent: QWidget, name: str = "Error message") -> QLabel:
    """A hidden, word-wrapped label for a refusal, shown next to what was refused."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {hex_(ALERT)}; font-weight: 600;")
    label.setAccessibleName(name)
    label.hide()
    return label


def show_message(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


def muted(label: QLabel) -> QLabel:
    label.setStyleSheet(f"color: {hex_(MUTED)};")
    return label


def fit_table_height(table: QTableWidget, *, min_rows: int, max_rows: int) -> None:
    """Height for the rows there are (within limits), so short logs leave no blank slab and
    long ones scroll inside the table rather than pushing the form down."""
    rows = min(max(table.rowCount(), min_rows), max_rows)
    row_height = table.verticalHeader().defaultSectionSize()
    table.setFixedHeight(table.horizontalHeader().height() + rows * row_height
                         + 2 * table.frameWidth() + 2)
