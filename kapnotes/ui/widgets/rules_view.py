"""Settings → "Clinical rules in force": every threshold of the rule set as the app applies it
now, with what it does and its source, and which ones the practice policy tightened
(docs/CLINICAL-RULES.md). Read-only: rules change only through the practice policy file."""

from __future__ import annotations

from dataclasses import replace

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

from kapnotes.domain.clinical_rules import RuleSet, Threshold
from kapnotes.domain.dates import plural

COLUMNS = ("Rule", "In force", "Does", "Set by", "Source")
PRACTICE = "Your practice (tightened)"
THIS_VAULT = "These settings (tightened)"
SHIPPED = "Built in"
RULE_COLUMN_WIDTH = 240
# (rule id, threshold name) → (value in force, who set it): a vitals threshold made stricter
# in Settings or by the policy's `vitals_thresholds` (kapnotes/rules.py VITALS_FIELDS).
Tightened = dict[tuple[str, str], tuple[float, str]]


DOES = {"info": "Guidance", "warn": "Warns", "override": "Needs a reason", "block": "Blocks"}


def rule_rows(rules: RuleSet, tightened: Tightened | None = None
              ) -> list[tuple[str, str, str, str, str]]:
    """One row per threshold (one per rule without thresholds), in file order; a threshold in
    `tightened` shows the stricter value the app applies and who set it."""
    rows = []
    for rule in rules.rules.values():
        thresholds: list[Threshold | None] = [*rule.thresholds.values()] or [None]
        for t in thresholds:
            part = (t.label or t.name.replace("_", " ")) if t and len(thresholds) > 1 else ""
            set_by = PRACTICE if t is not None and t.set_by_practice else SHIPPED
            shown = t.shown() if t else "—"
            if t is not None and (rule.id, t.name) in (tightened or {}):
                value, set_by = (tightened or {})[(rule.id, t.name)]
                shown = replace(t, value=value).shown()
            rows.append((
                f"{rule.title} ({part})" if part else rule.title,
                shown,
                DOES[rule.severity.value],
                set_by,
                # The detail often says which number is the product's own choice.
                " — ".join(p for p in (rule.source.label, rule.source.detail) if p),
            ))
    return rows


class RulesView(QGroupBox):
    """A table of the rules in force; the practice's tightenings are marked."""

    def __init__(self, rules: RuleSet, parent: QWidget | None = None, *,
                 tightened: Tightened | None = None) -> None:
        super().__init__("Clinical rules in force", parent)
        self.table = QTableWidget(self)
        self.table.setAccessibleName("Clinical rules in force")
        self.table.setColumnCount(len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        rows = rule_rows(rules, tightened)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if c == 3 and text != SHIPPED:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)
        # The rule and its source wrap: a squeezed "KAP Notes conservat…" hid the one thing
        # a reviewer needs, whether a value is a publication's or the product's own.
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(0, RULE_COLUMN_WIDTH)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumHeight(320)
        practice = sum(row[3] == PRACTICE for row in rows)
        here = sum(row[3] == THIS_VAULT for row in rows)
        self.summary = QLabel(
            (f"{plural(practice, 'threshold')} tightened by your practice policy. " if practice else
             "No threshold is changed by a practice policy. ")
            + (f"{plural(here, 'vitals threshold')} tightened in these settings. " if here else "")
            + "A practice may tighten these rules but never loosen them.", self)
        self.summary.setWordWrap(True)
        self.summary.setObjectName("rules_summary")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
