"""Settings → "Clinical rules in force": every threshold of the rule set as the app applies it
now, with what it does and its source, and which ones the practice policy tightened
(docs/CLINICAL-RULES.md). Read-only: rules change only through the practice policy file."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kapnotes.domain.clinical_rules import RuleSet

COLUMNS = ("Rule", "In force", "Does", "Set by", "Source")
PRACTICE = "Your practice (tightened)"
SHIPPED = "Built in"


DOES = {"info": "Guidance", "warn": "Warns", "override": "Needs a reason", "block": "Blocks"}


def rule_rows(rules: RuleSet) -> list[tuple[str, str, str, str, str]]:
    """One row per threshold (one per rule without thresholds), in file order."""
    rows = []
    for rule in rules.rules.values():
        thresholds = list(rule.thresholds.values()) or [None]
        for t in thresholds:
            part = (t.label or t.name.replace("_", " ")) if t and len(thresholds) > 1 else ""
            rows.append((
                f"{rule.title} ({part})" if part else rule.title,
                t.shown() if t else "—",
                DOES[rule.severity.value],
                PRACTICE if t is not None and t.set_by_practice else SHIPPED,
                rule.source.label,
            ))
    return rows


class RulesView(QGroupBox):
    """A table of the rules in force; the practice's tightenings are marked."""

    def __init__(self, rules: RuleSet, parent: QWidget | None = None) -> None:
        super().__init__("Clinical rules in force", parent)
        self.table = QTableWidget(self)
        self.table.setAccessibleName("Clinical rules in force")
        self.table.setColumnCount(len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        rows = rule_rows(rules)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if c == 3 and text == PRACTICE:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(220)
        practice = len(rules.practice_set())
        self.summary = QLabel(
            (f"{practice} threshold(s) tightened by your practice policy. " if practice else
             "No threshold is changed by a practice policy. ")
            + "A practice may tighten these rules but never loosen them.", self)
        self.summary.setWordWrap(True)
        self.summary.setObjectName("rules_summary")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
