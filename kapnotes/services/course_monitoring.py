"""The course-level monitoring views of `MonitoringService`: a course's dosing sessions read
at once for the client page (its alerts at each open, the Vitals chart when shown). No Qt."""

from __future__ import annotations

from collections.abc import Sequence

from kapnotes.domain.models import Session, SessionKind
from kapnotes.domain.vitals import alert_screens
from kapnotes.services import monitoring_views as views
from kapnotes.services.practice_settings import MonitoringSettings
from kapnotes.storage import monitoring as repo
from kapnotes.storage import sessions as session_repo
from kapnotes.storage.vault import Vault


class CourseMonitoringMethods:
    """Mixed into MonitoringService, which owns these attributes."""

    vault: Vault
    settings: MonitoringSettings

    def _dosing_sessions(self, course_id: int, sessions: Sequence[Session] | None
                         ) -> list[Session]:
        """The course's dosing sessions, from `sessions` when the caller has just read them."""
        every = session_repo.for_course(self.vault, course_id) if sessions is None else sessions
        return [s for s in every if s.kind is SessionKind.DOSING and s.id is not None]

    def course_monitoring(self, course_id: int, sessions: Sequence[Session] | None = None
                          ) -> views.CourseMonitoring:
        """The course's dosing sessions read at once (one query per table, the thresholds
        resolved once): alerts for the timeline and session list, the chart's series.
        `sessions`: the course's sessions when the caller has just read them."""
        held = self._dosing_sessions(course_id, sessions)
        starts = [(int(s.id or 0), s.starts_at) for s in held]
        ids = [sid for sid, _ in starts]
        return views.course_monitoring(
            starts, repo.vitals_for_sessions(self.vault, ids),
            repo.first_devices_for_sessions(self.vault, ids),
            repo.respiratory_depression_for_sessions(self.vault, ids),
            repo.adverse_effects_for_sessions(self.vault, ids), self.settings.thresholds())

    def course_alerts(self, course_id: int, sessions: Sequence[Session] | None = None
                      ) -> dict[int, list[str]]:
        """`course_monitoring(...).alerts`, read for the alerts alone (the client page at each
        open; the chart is read when its tab is shown): only the readings that could alert
        are read and judged (`alert_screens`), and alerts do not depend on the first device
        (it decides only the pre-dose cautions, which never mark a session)."""
        held = self._dosing_sessions(course_id, sessions)
        ids = [int(s.id or 0) for s in held]
        thresholds = self.settings.thresholds()
        readings = repo.vitals_beyond(self.vault, ids, alert_screens(thresholds))
        return views.course_alerts(
            [views.DosingVitals(sid, s.starts_at, None, tuple(readings[sid]))
             for sid, s in zip(ids, held, strict=True)],
            repo.respiratory_depression_for_sessions(self.vault, ids),
            repo.adverse_effects_for_sessions(self.vault, ids), thresholds)
