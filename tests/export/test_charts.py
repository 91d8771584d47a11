"""Chart drawing: readable ticks, labelled reference lines and markers, no crash on odd data."""

from __future__ import annotations

import datetime as dt

import pytest
from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, String

from kapnotes.export.charts import build_chart, date_ticks, nice_ticks
from kapnotes.export.report import LineChart, Marker, ReferenceLine, Series


def _strings(node: Drawing | Group) -> list[str]:
    out: list[str] = []
    for item in node.contents:
        if isinstance(item, String):
            out.append(item.text)
        elif isinstance(item, Group):
            out += _strings(item)
    return out


def test_nice_ticks_are_round_and_cover_the_range() -> None:
    assert nice_ticks(0, 27) == [0, 10, 20, 30]
    assert nice_ticks(3.2, 4.1)[0] <= 3.2 and nice_ticks(3.2, 4.1)[-1] >= 4.1
    assert nice_ticks(5, 5) == [5, 5.2, 5.4, 5.6, 5.8, 6]


def test_date_ticks_use_days_weeks_or_months_and_stay_few() -> None:
    week = date_ticks(dt.date(2024, 3, 4), dt.date(2024, 3, 8))
    assert [label for _, label in week] == ["4 Mar 2024", "5 Mar", "6 Mar", "7 Mar", "8 Mar"]
    quarter = date_ticks(dt.date(2024, 3, 4), dt.date(2024, 5, 20))
    assert len(quarter) <= 7 and quarter[0][1] == "4 Mar 2024"
    two_years = date_ticks(dt.date(2023, 1, 15), dt.date(2024, 12, 1))
    assert len(two_years) <= 7
    assert all(label.split()[0] in ("Jan", "Apr", "Jul", "Oct", "Feb", "May", "Aug", "Nov")
               for _, label in two_years)


def test_chart_labels_reference_lines_markers_and_legend() -> None:
    start = dt.date(2024, 1, 8)
    chart = LineChart(
        "MADRS", "Date", "Score",
        [Series("MADRS", [(start + dt.timedelta(weeks=i), 30 - 4 * i) for i in range(6)]),
         Series("Self-report", [(start + dt.timedelta(weeks=i), 25 - 3 * i) for i in range(6)])],
        reference_lines=[ReferenceLine("response (50 % of baseline)", 15), ReferenceLine(
            "remission < 10", 10, dashed=False)],
        markers=[Marker("KAP 1", start + dt.timedelta(days=2)),
                 Marker("KAP 2", start + dt.timedelta(days=3))],  # too close: label dropped
    )
    drawing = build_chart(chart, 450)
    texts = _strings(drawing)
    for expected in ("MADRS", "Self-report", "response (50 % of baseline)", "remission < 10",
                     "KAP 1", "Date", "Score", "8 Jan 2024"):
        assert expected in texts
    assert "KAP 2" not in texts
    assert drawing.width == 450


def test_numeric_x_single_point_and_empty_charts_do_not_crash() -> None:
    numeric = build_chart(LineChart("t", "Session", "mmHg", [Series("SBP", [(1, 120)])]), 300)
    assert "1" in _strings(numeric)
    empty = build_chart(LineChart("Nothing yet", "x", "y", []), 300)
    assert "No data to chart" in _strings(empty)


def _plot_box_y(drawing: Drawing) -> tuple[float, float]:
    """Bottom and top of the plot area: the y axis, the one vertical line longer than a tick."""
    axis = next(n for n in drawing.contents
                if isinstance(n, Line) and n.x1 == n.x2 and abs(n.y2 - n.y1) > 10)
    return min(axis.y1, axis.y2), max(axis.y1, axis.y2)


def _series_ys(drawing: Drawing) -> list[float]:
    """The y of each data point, in x order, from the series' line."""
    line = next(n for n in drawing.contents if isinstance(n, PolyLine))
    return list(line.points[1::2])


def test_values_outside_a_fixed_scale_are_clipped_to_it() -> None:
    # A PHQ-9 scale runs 0-27: a bad -5 and 40 sit on the plot's edges, not beyond them.
    chart = LineChart("t", "x", "y", [Series("s", [(0, -5), (1, 13.5), (2, 40)])],
                      y_min=0, y_max=27)
    drawing = build_chart(chart, 300)
    bottom, top = _plot_box_y(drawing)
    low, middle, high = _series_ys(drawing)
    assert low == pytest.approx(bottom)
    assert high == pytest.approx(top)
    assert middle == pytest.approx((bottom + top) / 2)  # values inside keep their place
    marks = [n.cy for n in drawing.contents if isinstance(n, Circle) and n.cy >= bottom]
    assert sorted(marks) == pytest.approx(sorted([low, middle, high]))
    tick_labels = {t for t in _strings(drawing) if t.lstrip("-").isdigit()}
    assert tick_labels <= {"0", "10", "20", "1", "2"}  # no tick beyond the fixed 0-27 scale


def test_long_legends_wrap_onto_more_rows() -> None:
    series = [Series(f"A rather long series name number {i}", [(0, i), (1, i + 1)])
              for i in range(6)]
    one = build_chart(LineChart("t", "x", "y", series[:1]), 300)
    many = build_chart(LineChart("t", "x", "y", series), 300)
    assert many.height > one.height
