"""Which course a rating-scale measure belongs to (the course views and course PDFs use it).

A client can have several courses, even two starting the same day (one entered by mistake and
discontinued, say). Each measure belongs to exactly one of them:

1. A measure linked to a session belongs to that session's course.
2. An unlinked measure belongs to the course whose *active span* holds its date. The span runs
   from the course's first planned or held day (a preparation is often a week before the first
   dose) to, for a completed or discontinued course, its last held session (its start date if
   none was held); an active or paused course's span is open-ended.
   When several spans hold the date, an active or paused course wins over an ended one, then
   the course that began later (a new course takes over from an old one), then the newer entry.
3. A date no span holds is a baseline of the next course to begin after it, or, after every
   course has ended, a follow-up of the course that began last.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CourseSpan:
    """The days a course was running, as the rules above count them."""

    course_id: int
    first_day: date
    last_day: date | None  # None: still active or paused, so open-ended
    running: bool  # active or paused (not completed or discontinued)

    def holds(self, day: date) -> bool:
        return self.first_day <= day and (self.last_day is None or day <= self.last_day)


def span_of(course_id: int, *, start: date, dates: Iterable[date], held: Iterable[date],
            running: bool) -> CourseSpan:
    """A course's span from its start date, all its planned and held dates, and the held
    ones alone."""
    held_days = list(held)
    first = min([start, *dates, *held_days])
    last = None if running else max([start, *held_days])
    return CourseSpan(course_id, first, last, running)


def course_for_date(day: date, spans: Sequence[CourseSpan]) -> int | None:
    """The course an unlinked measure taken on `day` belongs to (rules 2 and 3)."""
    holding = [s for s in spans if s.holds(day)]
    if holding:
        best = max(holding, key=lambda s: (s.running, s.first_day, s.course_id))
        return best.course_id
    later = [s for s in spans if s.first_day > day]
    if later:
        return min(later, key=lambda s: (s.first_day, s.course_id)).course_id
    earlier = [s for s in spans if s.first_day <= day]
    if earlier:
        return max(earlier, key=lambda s: (s.first_day, s.course_id)).course_id
    return None
