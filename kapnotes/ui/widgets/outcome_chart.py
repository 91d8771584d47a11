"""Outcome chart: each scale over the course, dosing sessions marked, response/remission lines.

Drawn with QPainter (QtCharts is not installed): one panel per scale sharing the date axis, so
scales with different ranges are never squeezed onto one y axis. Lines are told apart by dash
pattern and label as well as colour, so the chart also reads in greyscale print.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from kapnotes.domain.course_items import CourseOutcomes, OutcomeSeries
from kapnotes.domain.dates import short_date
from kapnotes.ui.widgets.slot_style import kind_colour, pick

_SERIES = ("#1f5f99", "#8ab8e6")
_RESPONSE = ("#a05a00", "#f0b45c")
_REMISSION = ("#2e6b3a", "#93d19f")
_LEFT, _RIGHT, _TOP, _AXIS, _GAP = 44, 16, 30, 26, 30


def summary(series: OutcomeSeries) -> str:
    """One line under a panel's title: baseline and what happened since."""
    o = series.outcome
    if o is None:
        return ""
    parts = []
    if o.baseline is not None:
        pre = ", pre-dose" if o.baseline.timing == "before_dose" else ""
        parts.append(f"baseline {_num(o.baseline.total)} ({short_date(o.baseline.on)}{pre})")
    else:
        parts.append("no baseline")
    if o.change is not None:
        pct = f", {o.percent_change:+.0f} %" if o.percent_change is not None else ""
        parts.append(f"change {_num(o.change):+}{pct}" if isinstance(o.change, int)
                     else f"change {o.change:+.1f}{pct}")
    if o.first_response_date:
        parts.append(f"response {short_date(o.first_response_date)}")
    if o.first_remission_date:
        parts.append(f"remission {short_date(o.first_remission_date)}")
    if o.deterioration_dates:
        parts.append(f"⚠ worse (reliable) {short_date(o.deterioration_dates[0])}")
    for day in o.relapse_dates:
        parts.append(f"⚠ relapse {short_date(day)}")
    if o.possible_relapse is not None:
        parts.append(f"⚠ possible relapse {short_date(o.possible_relapse)}")
    return " · ".join(parts) or (o.notes[0] if o.notes else "")


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 1)


class OutcomeChart(QWidget):
    """Call `set_data(services.measures.course_outcomes(course_id))`; repaints itself."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: CourseOutcomes | None = None
        self.setAccessibleName("Outcome measures chart")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(420, 220)

    def set_data(self, data: CourseOutcomes | None) -> None:
        self.data = data
        self.setAccessibleDescription(self.describe())
        self.updateGeometry()
        self.update()

    def panels(self) -> list[OutcomeSeries]:
        if self.data is None:
            return []
        return [s for s in self.data.series if s.outcome is not None and s.points]

    def describe(self) -> str:
        """The chart in words (screen readers, tooltips)."""
        lines = [f"{s.scale.short_name}: {summary(s)}" for s in self.panels()]
        return "\n".join(lines) or "No outcome measures in this course yet."

    def sizeHint(self) -> QSize:
        return QSize(720, max(220, 60 + 190 * len(self.panels())))

    # -- painting --------------------------------------------------------------------------
    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint(painter, QRectF(self.rect()))
        painter.end()

    def render_image(self, size: QSize | None = None) -> QImage:
        """The chart as an image (tests, export previews)."""
        size = size or self.sizeHint()
        image = QImage(size, QImage.Format.Format_ARGB32)
        image.fill(self.palette().color(QPalette.ColorRole.Base))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint(painter, QRectF(0, 0, size.width(), size.height()))
        painter.end()
        return image

    def paint(self, p: QPainter, area: QRectF) -> None:
        text = self.palette().color(QPalette.ColorRole.Text)
        p.fillRect(area, self.palette().color(QPalette.ColorRole.Base))
        panels = self.panels()
        if not panels or self.data is None:
            p.setPen(text)
            p.drawText(area, Qt.AlignmentFlag.AlignCenter, self.describe())
            return
        start, end = self._date_range()
        self._legend(p, area, text)
        height = (area.height() - _TOP - _AXIS) / len(panels)
        for n, series in enumerate(panels):
            box = QRectF(area.left() + _LEFT, area.top() + _TOP + n * height + _GAP,
                         area.width() - _LEFT - _RIGHT, height - _GAP - 6)
            self._panel(p, box, series, start, end, text)
        self._date_axis(p, QRectF(area.left() + _LEFT, area.bottom() - _AXIS,
                                  area.width() - _LEFT - _RIGHT, _AXIS), start, end, text)

    def _date_range(self) -> tuple[date, date]:
        assert self.data is not None
        days = [pt.on for s in self.panels() for pt in s.points] + list(self.data.dosing_dates)
        start, end = min(days), max(days)
        pad = max(2, (end - start).days // 20)
        return start - timedelta(days=pad), end + timedelta(days=pad)

    @staticmethod
    def _x(box: QRectF, day: date, start: date, end: date) -> float:
        span = max(1, (end - start).days)
        return box.left() + box.width() * (day - start).days / span

    def _legend(self, p: QPainter, area: QRectF, text: QColor) -> None:
        x, y = area.left() + _LEFT, area.top() + 16
        items = [("Score", _pen(pick(_SERIES), 2)),
                 ("Dosing session", _pen(kind_colour("dosing"), 1, Qt.PenStyle.DashLine)),
                 ("Response (50 % of baseline)", _pen(pick(_RESPONSE), 1.5,
                                                      Qt.PenStyle.DashLine)),
                 ("Remission", _pen(pick(_REMISSION), 1.5, Qt.PenStyle.DotLine))]
        metrics = p.fontMetrics()
        for label, pen in items:
            p.setPen(pen)
            p.drawLine(QPointF(x, y - 4), QPointF(x + 22, y - 4))
            p.setPen(text)
            p.drawText(QPointF(x + 27, y), label)
            x += 27 + metrics.horizontalAdvance(label) + 18

    def _panel(self, p: QPainter, box: QRectF, s: OutcomeSeries, start: date, end: date,
               text: QColor) -> None:
        top = float(s.scale.total_max)

        def y(value: float) -> float:
            return box.bottom() - box.height() * value / top

        title = QFont(p.font())
        title.setBold(True)
        p.setFont(title)
        p.setPen(text)
        p.drawText(QPointF(box.left(), box.top() - 8), s.scale.short_name)
        offset = p.fontMetrics().horizontalAdvance(s.scale.short_name) + 10
        p.setFont(QFont(self.font()))
        p.drawText(QPointF(box.left() + offset, box.top() - 8), summary(s))
        grid = QColor(text)
        grid.setAlpha(60)
        p.setPen(_pen(grid, 1))
        p.drawRect(box)
        p.setPen(text)
        for value in (0, top / 2, top):
            p.drawText(QRectF(box.left() - _LEFT, y(value) - 8, _LEFT - 6, 16),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       str(_num(value)))
        assert self.data is not None
        p.setPen(_pen(kind_colour("dosing"), 1, Qt.PenStyle.DashLine))
        for day in self.data.dosing_dates:
            x = self._x(box, day, start, end)
            p.drawLine(QPointF(x, box.top()), QPointF(x, box.bottom()))
        rule = s.scale.remission
        for line_at, colour, style, label in (
            (s.response_line, _RESPONSE, Qt.PenStyle.DashLine,
             f"response ≤ {_num(s.response_line or 0)}"),
            (s.remission_line, _REMISSION, Qt.PenStyle.DotLine,
             f"remission {rule.op} {rule.value}" if rule else ""),
        ):
            if line_at is None:
                continue
            p.setPen(_pen(pick(colour), 1.5, style))
            p.drawLine(QPointF(box.left(), y(line_at)), QPointF(box.right(), y(line_at)))
            # Labelled at the left, just inside the panel: the baseline sits high there, so
            # the label rarely meets the line of scores (the latest scores are at the right).
            p.drawText(QPointF(box.left() + 4, y(line_at) - 3), label)
        series = pick(_SERIES)
        path = QPainterPath()
        points = [QPointF(self._x(box, pt.on, start, end), y(pt.total)) for pt in s.points]
        path.moveTo(points[0])
        for point in points[1:]:
            path.lineTo(point)
        p.setPen(_pen(series, 2))
        p.drawPath(path)
        p.setBrush(series)
        baseline = s.outcome.baseline if s.outcome else None
        for pt, point in zip(s.points, points, strict=True):
            is_base = pt == baseline  # same day, total and before/after-dose mark
            p.drawEllipse(point, 5.5 if is_base else 3.5, 5.5 if is_base else 3.5)
        p.setBrush(Qt.BrushStyle.NoBrush)

    def _date_axis(self, p: QPainter, box: QRectF, start: date, end: date, text: QColor) -> None:
        p.setPen(text)
        ticks = 6
        for n in range(ticks + 1):
            day = start + timedelta(days=round((end - start).days * n / ticks))
            x = self._x(box, day, start, end)
            p.drawLine(QPointF(x, box.top()), QPointF(x, box.top() + 4))
            left = min(max(x - 40, box.left() - _LEFT), box.right() + _RIGHT - 80)
            p.drawText(QRectF(left, box.top() + 4, 80, box.height() - 4),
                       Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, short_date(day))


def _pen(colour: QColor, width: float, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(colour, width)
    pen.setStyle(style)
    return pen
