"""The report data model: immutable, validated, and listing what the contents page will."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from kapnotes.export.report import (
    Banner,
    Heading,
    LineChart,
    Marker,
    PageBreak,
    Paragraph,
    Series,
    Table,
    concat,
)


def test_lists_become_tuples_so_blocks_are_immutable_and_hashable() -> None:
    table = Table(["A", "B"], [["1", "2"]], highlight_rows={0})
    assert table.columns == ("A", "B")
    assert table.rows == (("1", "2"),)
    hash(table)
    with pytest.raises(dataclasses.FrozenInstanceError):
        table.columns = ("C",)  # type: ignore[misc]


def test_table_rows_must_match_columns() -> None:
    with pytest.raises(ValueError, match="row 1"):
        Table(("A", "B"), (("1", "2"), ("3",)))


def test_table_width_hint_needs_one_positive_number_per_column() -> None:
    with pytest.raises(ValueError):
        Table(("A", "B"), (), widths=(1,))
    with pytest.raises(ValueError):
        Table(("A", "B"), (), widths=(1, 0))


@pytest.mark.parametrize(
    "make",
    [
        lambda: Heading("x", level=4),
        lambda: Paragraph("x", style="shouting"),  # type: ignore[arg-type]
        lambda: Banner("x", severity="panic"),  # type: ignore[arg-type]
    ],
)
def test_unknown_levels_styles_and_severities_are_refused(make) -> None:
    with pytest.raises(ValueError):
        make()


def test_chart_refuses_mixed_dates_and_numbers() -> None:
    with pytest.raises(ValueError, match="all dates or all numbers"):
        LineChart("t", "x", "y", [Series("s", [(dt.date(2024, 1, 1), 3)])],
                  markers=[Marker("KAP 1", 4)])


def test_chart_knows_whether_it_uses_dates() -> None:
    dated = LineChart("t", "x", "y", [Series("s", [(dt.date(2024, 1, 1), 3)])])
    numbered = LineChart("t", "x", "y", [Series("s", [(1, 3)])])
    assert dated.uses_dates and not numbered.uses_dates


def test_report_lists_level_one_headings_and_defaults_author_to_practice(make_report) -> None:
    report = make_report([Heading("Client A"), Heading("Scores", 2), Heading("Client B")])
    assert report.headings() == ["Client A", "Client B"]
    assert report.metadata_author == "Harbour Lane Therapy"
    assert make_report(author="Dr Ines Varga").metadata_author == "Dr Ines Varga"


def test_report_needs_a_title(make_report) -> None:
    with pytest.raises(ValueError):
        make_report(title="  ")


def test_concat_puts_page_breaks_between_parts_only() -> None:
    a, b = [Heading("A")], [Heading("B")]
    assert concat([a, b]) == (Heading("A"), PageBreak(), Heading("B"))
    assert concat([a, b], page_breaks=False) == (Heading("A"), Heading("B"))
