"""A report repeats texts (labels, dates, a sentence copied into several notes): the scrub
(export/deidentify.py) works each distinct text out once, and still replaces and counts
every repeat where it is, exactly as scrubbing each one afresh does."""

from __future__ import annotations

import dataclasses
import datetime as dt

from kapnotes.domain.models import Client
from kapnotes.export.deidentify import scrub_report
from kapnotes.export.redaction import NAME_MARK, Redactor
from kapnotes.export.report import (
    Heading,
    KeyValues,
    LineChart,
    Marker,
    Paragraph,
    Report,
    Series,
    Table,
)

CLIENT = Client(code="KAP-7", full_name="Olwen Marchetti", date_of_birth=dt.date(1980, 5, 2))
SAID = "Olwen said the week was calmer."


def _report() -> Report:
    return Report(
        title="Course summary", practice_name="Harbour Lane", app_version="1",
        export_date=dt.date(2026, 11, 20),
        sections=(Heading("Session 1"), KeyValues((("Note", SAID), ("Plan", SAID))),
                  Heading("Session 2"), Table(("When", "What"), (("1 Nov", SAID),
                                                                 ("2 Nov", "Calm"))),
                  Paragraph(SAID)))


def test_every_repeat_is_replaced_and_counted_in_its_place() -> None:
    redactor = Redactor([CLIENT])
    scrubbed, places = scrub_report(_report(), redactor)
    replaced = f"{NAME_MARK} said the week was calmer."
    kv, table, para = scrubbed.sections[1], scrubbed.sections[3], scrubbed.sections[4]
    assert isinstance(kv, KeyValues) and isinstance(table, Table)
    assert isinstance(para, Paragraph)
    assert kv.rows == (("Note", replaced), ("Plan", replaced))
    assert table.rows[0][1] == replaced and para.text == replaced
    assert redactor.counts[NAME_MARK] == 4
    assert places == ("Session 1 › Note: 1 name", "Session 1 › Plan: 1 name",
                      "Session 2 › table column “What”: 1 name", "Session 2: 1 name")


def test_the_same_as_scrubbing_each_text_afresh() -> None:
    once = Redactor([CLIENT])
    scrub_report(_report(), once)
    afresh = Redactor([CLIENT])
    texts = [SAID, SAID, SAID, SAID]
    assert [afresh(t) for t in texts] == [f"{NAME_MARK} said the week was calmer."] * 4
    assert afresh.counts == once.counts


def test_blocks_without_a_replacement_are_kept_and_nested_texts_still_replaced() -> None:
    day = dt.date(2026, 11, 3)
    chart = LineChart("PHQ-9", "Date", "Total", (Series("PHQ-9", ((day, 9.0),)),),
                      markers=(Marker("Olwen away", day), Marker("Dose", day)))
    calm = Table(("When", "What"), (("1 Nov", "Calm"),))
    report = dataclasses.replace(_report(), sections=(
        Heading("Session 1"), calm, KeyValues((("Plan", "Rest"),)), Paragraph("Slept well."),
        chart, Heading("Olwen's week"), KeyValues((("Said", SAID),))))
    scrubbed, places = scrub_report(report, Redactor([CLIENT]))
    # Untouched blocks are the very objects built (rebuilding each one cost more than the
    # scrub itself); the rest are rebuilt with the replacement wherever it sat.
    assert all(new is old for new, old in zip(scrubbed.sections[:4], report.sections[:4],
                                              strict=True))
    new_chart = scrubbed.sections[4]
    assert isinstance(new_chart, LineChart)
    assert new_chart.series is chart.series and new_chart.markers[1] is chart.markers[1]
    assert new_chart.markers[0] == Marker(f"{NAME_MARK} away", day)
    assert scrubbed.sections[5] == Heading(f"{NAME_MARK}'s week")
    assert scrubbed.sections[6] == KeyValues((("Said", f"{NAME_MARK} said the week was "
                                                       "calmer."),))
    assert places == ("Session 1: 1 name", "Session 1 › heading: 1 name",
                      f"{NAME_MARK}'s week › Said: 1 name")


def test_a_name_only_in_a_heading_row_or_label_is_found_and_counted_each_time() -> None:
    # Blocks are first checked whole (nothing to replace: kept as built); the check must
    # let by neither a table's column headings nor a key-value label, nor count twice.
    report = dataclasses.replace(_report(), sections=(
        Heading("Session 1"),
        Table(("When", "Olwen"), (("1 Nov", "Calm"),)),
        KeyValues((("Olwen", "Rest"),)),
        Table(("When", "Olwen"), (("2 Nov", "Calm"),))))
    redactor = Redactor([CLIENT])
    scrubbed, places = scrub_report(report, redactor)
    first, kv, second = scrubbed.sections[1], scrubbed.sections[2], scrubbed.sections[3]
    assert isinstance(first, Table) and isinstance(kv, KeyValues)
    assert isinstance(second, Table)
    assert first.columns == second.columns == ("When", NAME_MARK)
    assert kv.rows == ((NAME_MARK, "Rest"),)
    assert redactor.counts[NAME_MARK] == 3
    assert places == ("Session 1 › table heading: 2 names", "Session 1 › label: 1 name")
