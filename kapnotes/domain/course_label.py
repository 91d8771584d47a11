"""The one name of a course, wherever it is shown: window, PDFs, dialogs and breadcrumbs.

Its title when the therapist gave one, else its protocol; always with the day it started, so
two courses of one client never read alike. Views add what they need beside it (the status).
"""

from __future__ import annotations

from kapnotes.domain.dates import human_date
from kapnotes.domain.models import Course
from kapnotes.domain.protocols import protocol_label

__all__ = ["course_label", "course_label_with_status", "protocol_label"]


def course_label(course: Course) -> str:
    """"Spring course from 2 Nov 2026", or "IV ketamine series from 2 Nov 2026"."""
    return f"{course.title or protocol_label(course.protocol)} from {human_date(course.start_date)}"


def course_label_with_status(course: Course) -> str:
    """The label and the course's status, for lists that show courses side by side."""
    return f"{course_label(course)} ({course.status.label.lower()})"
