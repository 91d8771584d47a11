"""A report repeats texts (labels, dates, a sentence copied into several notes): the scrub
(export/deidentify.py) works each distinct text out once, and still replaces and counts
every repeat where it is, exactly as scrubbing each one afresh does."""

from __future__ import annotations

import datetime as dt

from kapnotes.domain.models import Client
from kapnotes.export.deidentify import scrub_report
from kapnotes.export.redaction import NAME_MARK, Redactor
from kapnotes.export.report import Heading, KeyValues, Paragraph, Report, Table

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
