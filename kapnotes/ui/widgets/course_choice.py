"""The client page's course chooser: its courses listed in working order."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from kapnotes.domain.course_label import course_label_with_status
from kapnotes.domain.models import Course, CourseStatus


def courses_in_working_order(courses: list[Course]) -> list[Course]:
    """Active courses first, then newest, since that is where the work is."""
    return sorted(courses, key=lambda c: (c.status is not CourseStatus.ACTIVE,
                                          -c.start_date.toordinal()))


def fill_course_choice(combo: QComboBox, courses: list[Course], keep: int | None) -> None:
    """List the courses (their id as item data) and choose `keep`, else the first, without
    announcing the refill as a choice."""
    combo.blockSignals(True)
    combo.clear()
    for c in courses:
        combo.addItem(course_label_with_status(c), c.id)
    index = combo.findData(keep) if keep is not None else -1
    combo.setCurrentIndex(max(index, 0) if courses else -1)
    combo.blockSignals(False)
