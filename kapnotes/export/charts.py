"""LineChart data → a reportlab Drawing (vector, so it prints sharp).

Drawn by hand rather than with reportlab's LinePlot: reference lines, dosing-session markers
and readable date ticks need the axis scale, which LinePlot keeps private.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from kapnotes.domain.dates import MONTHS, human_date, short_date
from kapnotes.export import fonts
from kapnotes.export.markup import clean
from kapnotes.export.report import LineChart, XValue

# Okabe-Ito: distinguishable with colour-blindness; point shapes differ too, for greyscale.
PALETTE = (
    colors.HexColor("#0072B2"),
    colors.HexColor("#D55E00"),
    colors.HexColor("#009E73"),
    colors.HexColor("#CC79A7"),
    colors.HexColor("#E69F00"),
    colors.HexColor("#56B4E9"),
)
GRID = colors.HexColor("#DDDDDD")
AXIS = colors.HexColor("#555555")
REF = colors.HexColor("#333333")
MARK = colors.HexColor("#8E6FB5")

TICK_FONT = 7
LABEL_FONT = 8
TITLE_FONT = 10
LEFT, RIGHT, TOP = 44.0, 12.0, 32.0
LEGEND_ROW = 12.0


def _x_number(x: XValue) -> float:
    return float(x.toordinal()) if isinstance(x, dt.date) else float(x)


def nice_ticks(lo: float, hi: float, target: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (steps of 1, 2, 2.5 or 5 × 10^k)."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / target
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.floor(lo / step) * step
    ticks, v = [], first
    while v < hi + step * 0.999:
        ticks.append(round(v, 10))
        v += step
    return ticks


def _fmt_number(v: float) -> str:
    return f"{v:g}"


def date_ticks(lo: dt.date, hi: dt.date, max_ticks: int = 7) -> list[tuple[float, str]]:
    """Readable ticks for a date axis: days, weeks, or month starts, never more than max_ticks."""
    span = (hi - lo).days
    for step in (1, 2, 7, 14):
        if span / step <= max_ticks:
            days = [lo + dt.timedelta(days=d) for d in range(0, span + 1, step)]
            return [(d.toordinal(), _day_label(d, i == 0 or (d.month == 1 and d.day <= step)))
                    for i, d in enumerate(days)]
    months = (hi.year - lo.year) * 12 + hi.month - lo.month + 1
    step = next((s for s in (1, 2, 3, 6, 12) if months / s <= max_ticks), 24)
    ticks: list[tuple[float, str]] = []
    y, m = lo.year, lo.month
    while dt.date(y, m, 1) <= hi:
        d = dt.date(y, m, 1)
        if d >= lo:
            ticks.append((d.toordinal(), f"{MONTHS[m - 1]} {y}"))
        y, m = (y + (m + step - 1) // 12, (m + step - 1) % 12 + 1)
    return ticks


def _day_label(d: dt.date, with_year: bool) -> str:
    # The app's one date form (kapnotes/domain/dates.py); the year only where it helps.
    return human_date(d) if with_year else short_date(d)


def _shape(kind: int, x: float, y: float, color: colors.Color) -> Circle | Rect | Polygon:
    r = 2.4
    if kind % 3 == 0:
        return Circle(x, y, r, fillColor=color, strokeColor=color)
    if kind % 3 == 1:
        return Rect(x - r, y - r, 2 * r, 2 * r, fillColor=color, strokeColor=color)
    return Polygon([x - r, y - r, x + r, y - r, x, y + r], fillColor=color, strokeColor=color)


def _legend_rows(chart: LineChart, width: float) -> list[list[tuple[int, str, float]]]:
    rows: list[list[tuple[int, str, float]]] = [[]]
    used = 0.0
    for i, s in enumerate(chart.series):
        name = clean(s.name)
        w = 22 + stringWidth(name, fonts.REGULAR, LABEL_FONT) + 12
        if rows[-1] and used + w > width:
            rows.append([])
            used = 0.0
        rows[-1].append((i, name, w))
        used += w
    return rows if rows[0] else []


def build_chart(chart: LineChart, width: float, height: float = 200.0) -> Drawing:
    """The chart as a Drawing `width` wide; the legend may add rows below `height`."""
    fonts.register_fonts()
    legend = _legend_rows(chart, width - LEFT)
    bottom = 34.0 + LEGEND_ROW * len(legend)
    total_h = height + LEGEND_ROW * max(0, len(legend) - 1)
    d = Drawing(width, total_h)
    x0, x1 = LEFT, width - RIGHT
    y0, y1 = bottom, total_h - TOP

    d.add(String(0, total_h - TITLE_FONT - 2, clean(chart.title), fontName=fonts.BOLD,
                 fontSize=TITLE_FONT))
    points = [(_x_number(x), float(y)) for s in chart.series for x, y in s.points]
    if not points:
        d.add(Rect(x0, y0, x1 - x0, y1 - y0, fillColor=None, strokeColor=GRID))
        d.add(String((x0 + x1) / 2, (y0 + y1) / 2, "No data to chart", fontName=fonts.ITALIC,
                     fontSize=LABEL_FONT, fillColor=AXIS, textAnchor="middle"))
        return d

    xs = [p[0] for p in points] + [_x_number(m.x) for m in chart.markers]
    xlo, xhi = min(xs), max(xs)
    if xhi - xlo < 1e-9:
        xlo, xhi = xlo - 1, xhi + 1
    data_range = (xlo, xhi)  # date ticks start at the first real date, not the padding
    pad = (xhi - xlo) * 0.03
    xlo, xhi = xlo - pad, xhi + pad
    ys = [p[1] for p in points] + [r.y for r in chart.reference_lines]
    yticks = nice_ticks(chart.y_min if chart.y_min is not None else min(ys),
                        chart.y_max if chart.y_max is not None else max(ys))
    ylo = chart.y_min if chart.y_min is not None else yticks[0]
    yhi = chart.y_max if chart.y_max is not None else yticks[-1]
    yticks = [t for t in yticks if ylo - 1e-9 <= t <= yhi + 1e-9]
    if yhi - ylo < 1e-9:
        ylo, yhi = ylo - 1, yhi + 1

    def sx(v: float) -> float:
        return x0 + (v - xlo) / (xhi - xlo) * (x1 - x0)

    def sy(v: float) -> float:
        v = min(max(v, ylo), yhi)  # a fixed scale range clips outliers to its edge
        return y0 + (v - ylo) / (yhi - ylo) * (y1 - y0)

    _draw_axes(d, chart, sx, sy, (x0, x1, y0, y1), data_range, yticks)
    _draw_overlays(d, chart, sx, sy, (x0, x1, y0, y1))
    for i, s in enumerate(chart.series):
        color = PALETTE[i % len(PALETTE)]
        pts = sorted((_x_number(x), float(y)) for x, y in s.points)
        if len(pts) > 1:
            flat = [c for x, y in pts for c in (sx(x), sy(y))]
            d.add(PolyLine(flat, strokeColor=color, strokeWidth=1.5))
        for x, y in pts:
            d.add(_shape(i, sx(x), sy(y), color))

    for row_i, row in enumerate(legend):
        ly = 4 + LEGEND_ROW * (len(legend) - 1 - row_i)
        lx = x0
        for i, name, w in row:
            color = PALETTE[i % len(PALETTE)]
            d.add(Line(lx, ly + 3, lx + 16, ly + 3, strokeColor=color, strokeWidth=1.5))
            d.add(_shape(i, lx + 8, ly + 3, color))
            d.add(String(lx + 20, ly, name, fontName=fonts.REGULAR, fontSize=LABEL_FONT))
            lx += w
    return d


Scale = Callable[[float], float]


def _draw_axes(d: Drawing, chart: LineChart, sx: Scale, sy: Scale,
               box: tuple[float, float, float, float], data_range: tuple[float, float],
               yticks: list[float]) -> None:
    x0, x1, y0, y1 = box
    for t in yticks:
        d.add(Line(x0, sy(t), x1, sy(t), strokeColor=GRID, strokeWidth=0.5))
        d.add(String(x0 - 4, sy(t) - 2.5, _fmt_number(t), fontName=fonts.REGULAR,
                     fontSize=TICK_FONT, textAnchor="end", fillColor=AXIS))
    d.add(Line(x0, y0, x1, y0, strokeColor=AXIS, strokeWidth=0.8))
    d.add(Line(x0, y0, x0, y1, strokeColor=AXIS, strokeWidth=0.8))

    xlo, xhi = data_range
    if chart.uses_dates:
        lo = dt.date.fromordinal(math.ceil(xlo))
        hi = dt.date.fromordinal(math.floor(xhi))
        xticks = date_ticks(lo, hi, max_ticks=max(2, int((x1 - x0) // 60)))
    else:
        xticks = [(t, _fmt_number(t)) for t in nice_ticks(xlo, xhi) if xlo <= t <= xhi]
    for v, label in xticks:
        d.add(Line(sx(v), y0, sx(v), y0 - 3, strokeColor=AXIS, strokeWidth=0.6))
        d.add(String(sx(v), y0 - 11, label, fontName=fonts.REGULAR, fontSize=TICK_FONT,
                     textAnchor="middle", fillColor=AXIS))
    d.add(String((x0 + x1) / 2, y0 - 22, clean(chart.x_label), fontName=fonts.REGULAR,
                 fontSize=LABEL_FONT, textAnchor="middle"))
    ylabel = Group(String(0, 0, clean(chart.y_label), fontName=fonts.REGULAR,
                          fontSize=LABEL_FONT, textAnchor="middle"))
    ylabel.transform = (0, 1, -1, 0, 10, (y0 + y1) / 2)  # rotate 90°, reading bottom-up
    d.add(ylabel)


def _draw_overlays(d: Drawing, chart: LineChart, sx: Scale, sy: Scale,
                   box: tuple[float, float, float, float]) -> None:
    x0, x1, y0, y1 = box
    for ref in chart.reference_lines:
        y = sy(ref.y)
        d.add(Line(x0, y, x1, y, strokeColor=REF, strokeWidth=0.9,
                   strokeDashArray=[4, 3] if ref.dashed else None))
        label = clean(ref.label)
        w = stringWidth(label, fonts.ITALIC, TICK_FONT)
        # A white backing keeps the label legible where a series line crosses it.
        d.add(Rect(x1 - w - 4, y + 1, w + 4, TICK_FONT + 1, fillColor=colors.white,
                   fillOpacity=0.85, strokeColor=None))
        d.add(String(x1 - 2, y + 2.5, label, fontName=fonts.ITALIC, fontSize=TICK_FONT,
                     textAnchor="end", fillColor=REF))
    last_right = -math.inf
    for m in sorted(chart.markers, key=lambda m: _x_number(m.x)):
        x = sx(_x_number(m.x))
        d.add(Line(x, y0, x, y1, strokeColor=MARK, strokeWidth=0.8, strokeDashArray=[1, 2]))
        label = clean(m.label)
        w = stringWidth(label, fonts.REGULAR, TICK_FONT)
        left = min(max(x - w / 2, x0), x1 - w)
        # Close sessions would print labels on top of each other: keep the line, drop the label.
        if left > last_right + 3:
            d.add(String(left, y1 + 3, label, fontName=fonts.REGULAR, fontSize=TICK_FONT,
                         fillColor=MARK))
            last_right = left + w
