"""The course's vitals against minutes from the first device, drawn with QPainter (QtCharts
is not installed): blood pressure and heart rate above, SpO2 below on its own scale so a
drop from 98 to 91 is visible. Earlier sessions are thin and grey, the highlighted (latest by
default) session is in colour with points; dashed lines mark the practice's thresholds.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from kapnotes.domain.dates import human_date, plural
from kapnotes.domain.dosing_record import SessionVitals, VitalsPoint
from kapnotes.domain.vitals import VitalsThresholds
from kapnotes.rules import vitals_defaults
from kapnotes.ui.widgets.monitoring_style import ALERT, CAUTION, MUTED, colour

# (light, dark) colours per line, named in the legend.
SERIES = {
    "systolic": ("Systolic", ("#b3261e", "#f2938c")),
    "diastolic": ("Diastolic", ("#1f5f99", "#8ab8e6")),
    "heart_rate": ("Heart rate", ("#2e6b3a", "#93d19f")),
    "spo2": ("SpO2", ("#7a3e9d", "#c9a3e0")),
}
TOP_RANGE = (40, 200)
SPO2_RANGE = (85, 100)
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 56, 16, 30, 34


class VitalsChart(QWidget):
    """`set_series(series, highlight=session_id)`; an empty course shows a short message."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.series: list[SessionVitals] = []
        self.highlight: int | None = None
        self.thresholds = vitals_defaults()  # the rules in force until a course is shown
        self.setAccessibleName("Vitals chart")
        self.setMinimumSize(420, 280)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(720, 400)

    def set_series(self, series: Sequence[SessionVitals], *, highlight: int | None = None,
                   thresholds: VitalsThresholds | None = None) -> None:
        self.series = list(series)
        self.highlight = highlight if highlight is not None else (
            self.series[-1].session_id if self.series else None)
        self.thresholds = thresholds or vitals_defaults()
        self.setAccessibleDescription(self.summary())
        self.update()

    def summary(self) -> str:
        """A text account of the chart for screen readers."""
        if not self.series:
            return "No vitals recorded in this course."
        n = sum(len(s.points) for s in self.series)
        return (f"{plural(n, 'reading')} over "
                f"{plural(len(self.series), 'dosing session')}.")

    # -- geometry ------------------------------------------------------------------------------
    def _x_range(self) -> tuple[float, float]:
        minutes = [p.minute for s in self.series for p in s.points] or [0.0]
        low = min(-15.0, (min(minutes) // 15) * 15)
        high = max(135.0, -(-max(minutes) // 15) * 15)
        return low, high

    def paintEvent(self, _event: object) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        text = pal.color(QPalette.ColorRole.Text)
        if not self.series:
            p.setPen(text)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.summary())
            return
        plot = QRectF(MARGIN_L, MARGIN_T, self.width() - MARGIN_L - MARGIN_R,
                      self.height() - MARGIN_T - MARGIN_B)
        top = QRectF(plot.left(), plot.top(), plot.width(), plot.height() * 0.68)
        bottom = QRectF(plot.left(), top.bottom() + 18, plot.width(),
                        plot.bottom() - top.bottom() - 18)
        x0, x1 = self._x_range()
        self._draw_legend(p, text)
        self._draw_panel(p, top, (x0, x1), TOP_RANGE, 20, "mmHg · /min", text)
        self._draw_panel(p, bottom, (x0, x1), SPO2_RANGE, 5, "SpO2 %", text)
        self._draw_x_axis(p, bottom, (x0, x1), text)
        self._draw_thresholds(p, top, bottom, (x0, x1))
        ordered = sorted(self.series, key=lambda s: s.session_id == self.highlight)
        for s in ordered:
            lit = s.session_id == self.highlight
            for key in ("systolic", "diastolic", "heart_rate"):
                self._draw_line(p, top, (x0, x1), TOP_RANGE, s.points, key, lit)
            self._draw_line(p, bottom, (x0, x1), SPO2_RANGE, s.points, "spo2", lit)

    @staticmethod
    def _map(rect: QRectF, xr: tuple[float, float], yr: tuple[float, float], x: float,
             y: float) -> QPointF:
        y = min(max(y, yr[0]), yr[1])  # values off the scale sit on its edge, not outside
        return QPointF(rect.left() + (x - xr[0]) / (xr[1] - xr[0]) * rect.width(),
                       rect.bottom() - (y - yr[0]) / (yr[1] - yr[0]) * rect.height())

    def _draw_panel(self, p: QPainter, rect: QRectF, xr: tuple[float, float],
                    yr: tuple[int, int], step: int, unit: str, text: QColor) -> None:
        grid = QColor(text)
        grid.setAlpha(40)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.85))
        p.setFont(small)
        for value in range(yr[0], yr[1] + 1, step):
            pt = self._map(rect, xr, yr, xr[0], value)
            p.setPen(QPen(grid, 1))
            p.drawLine(QPointF(rect.left(), pt.y()), QPointF(rect.right(), pt.y()))
            p.setPen(text)
            p.drawText(QRectF(0, pt.y() - 8, MARGIN_L - 6, 16),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(value))
        # Minute 0 (first device) as a solid rule: before it is pre-dose.
        zero = self._map(rect, xr, yr, 0, yr[0])
        p.setPen(QPen(colour(MUTED), 1.5))
        p.drawLine(QPointF(zero.x(), rect.top()), QPointF(zero.x(), rect.bottom()))
        if yr == TOP_RANGE:
            p.drawText(QPointF(zero.x() + 4, rect.top() + 12), "first device")
        p.setPen(QPen(text, 1))
        p.drawRect(rect)
        p.save()
        p.translate(12, rect.center().y())
        p.rotate(-90)
        p.drawText(QRectF(-rect.height() / 2, -8, rect.height(), 16),
                   Qt.AlignmentFlag.AlignCenter, unit)
        p.restore()

    def _draw_x_axis(self, p: QPainter, rect: QRectF, xr: tuple[float, float],
                     text: QColor) -> None:
        p.setPen(text)
        start = int(xr[0] // 15 * 15)
        for minute in range(start, int(xr[1]) + 1, 15):
            pt = self._map(rect, xr, SPO2_RANGE, minute, SPO2_RANGE[0])
            p.drawLine(QPointF(pt.x(), rect.bottom()), QPointF(pt.x(), rect.bottom() + 4))
            p.drawText(QRectF(pt.x() - 20, rect.bottom() + 4, 40, 14),
                       Qt.AlignmentFlag.AlignCenter, str(minute))
        p.drawText(QRectF(rect.left(), rect.bottom() + 17, rect.width(), 14),
                   Qt.AlignmentFlag.AlignCenter, "minutes from first device")

    def _draw_thresholds(self, p: QPainter, top: QRectF, bottom: QRectF,
                         xr: tuple[float, float]) -> None:
        t = self.thresholds
        lines = ((top, TOP_RANGE, t.alert_systolic_above, ALERT,
                  f"alert ≥ {t.alert_systolic_above}"),
                 (top, TOP_RANGE, t.delay_systolic_above, CAUTION,
                  f"pre-dose > {t.delay_systolic_above}: consider delaying"),
                 (bottom, SPO2_RANGE, t.alert_spo2_below, ALERT,
                  f"alert < {t.alert_spo2_below}%"))
        for rect, yr, value, pair, label in lines:
            if not yr[0] <= value <= yr[1]:
                continue
            pt = self._map(rect, xr, yr, xr[1], value)
            pen = QPen(colour(pair), 1, Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(QPointF(rect.left(), pt.y()), QPointF(rect.right(), pt.y()))
            p.drawText(QRectF(rect.right() - 304, pt.y() - 15, 300, 14),
                       Qt.AlignmentFlag.AlignRight, label)

    def _draw_line(self, p: QPainter, rect: QRectF, xr: tuple[float, float],
                   yr: tuple[int, int], points: Sequence[VitalsPoint], key: str,
                   lit: bool) -> None:
        pts = [self._map(rect, xr, yr, pt.minute, getattr(pt, key))
               for pt in points if getattr(pt, key) is not None]
        if not pts:
            return
        line_colour = colour(SERIES[key][1]) if lit else colour(MUTED)
        if not lit:
            line_colour.setAlpha(120)
        path = QPainterPath(pts[0])
        for pt in pts[1:]:
            path.lineTo(pt)
        p.setPen(QPen(line_colour, 2.2 if lit else 1.0))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)
        if lit:
            p.setBrush(line_colour)
            for pt in pts:
                p.drawEllipse(pt, 3.2, 3.2)

    def _draw_legend(self, p: QPainter, text: QColor) -> None:
        x = float(MARGIN_L)
        p.setFont(self.font())
        fm = p.fontMetrics()
        for label, pair in SERIES.values():
            p.setPen(QPen(colour(pair), 3))
            p.drawLine(QPointF(x, 14), QPointF(x + 18, 14))
            p.setPen(text)
            p.drawText(QPointF(x + 22, 18), label)
            x += 22 + fm.horizontalAdvance(label) + 18
        lit = next((s for s in self.series if s.session_id == self.highlight), None)
        if lit is not None:
            p.setPen(text)
            label = f"coloured: session of {human_date(lit.starts_at.date())}"
            p.drawText(QPointF(x, 18), label)
            x += fm.horizontalAdvance(label) + 18
        if len(self.series) > 1:
            grey = colour(MUTED)
            p.setPen(QPen(grey, 1))
            p.drawLine(QPointF(x, 14), QPointF(x + 18, 14))
            p.setPen(text)
            p.drawText(QPointF(x + 22, 18), f"{len(self.series) - 1} earlier sessions")
