"""The measure dialog's link to a session: the sessions offered, the dosing days, and how a
linked session sets the date and the scale the course expects next
(kapnotes/domain/measure_plan.py)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QDateEdit

from kapnotes.domain.dates import schedule_date
from kapnotes.domain.measure_plan import expected_scale
from kapnotes.services.container import Services
from kapnotes.ui.widgets.qt_dates import from_qdate, to_qdate


class MeasureSessionMixin:
    """Mixed into MeasureDialog, which owns these widgets and services."""

    services: Services
    client_id: int
    scale_combo: QComboBox
    session_combo: QComboBox
    date_edit: QDateEdit
    _scale_picked: bool

    def _scale_picked_by_user(self, _index: int) -> None:
        self._scale_picked = True

    def _expected_scale(self) -> str | None:
        """The scale this course expects next for the chosen session (or, unlinked, today)."""
        sid = self.session_combo.currentData()
        kind = self.services.notes.session(sid).kind.value if sid is not None else None
        day = from_qdate(self.date_edit.date())
        recorded = {m.scale_id for m in self.services.measures.for_client(self.client_id)
                    if (m.session_id == sid if sid is not None else m.taken_on == day)}
        available = [self.scale_combo.itemData(i) for i in range(self.scale_combo.count())]
        return expected_scale(kind, recorded, available)

    def _session_changed(self, *_: object) -> None:
        """A measure linked to a session is dated that day and starts on its expected scale."""
        sid = self.session_combo.currentData()
        if sid is not None:
            day = self.services.notes.session(sid).starts_at.date()
            self.date_edit.setDate(to_qdate(day))
        if not self._scale_picked:
            expected = self._expected_scale()
            if expected is not None:
                self.scale_combo.setCurrentIndex(max(0, self.scale_combo.findData(expected)))

    # -- building --------------------------------------------------------------------------
    def _client_sessions(self) -> list[tuple[int, str]]:
        out = []
        for course in self.services.courses.for_client(self.client_id):
            for s in self.services.notes.sessions_for_course(int(course.id or 0)):
                out.append((int(s.id or 0),
                            f"{schedule_date(s.starts_at.date())} · {s.kind.label}"))
        return out

    def _dosing_days(self) -> set[date]:
        days: set[date] = set()
        for course in self.services.courses.for_client(self.client_id):
            days.update(self.services.measures.dosing_dates(int(course.id or 0)))
        return days

