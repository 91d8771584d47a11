"""Course facts in words for the client page: its adherence lines."""

from __future__ import annotations

from kapnotes.domain.schedule_status import Adherence


def adherence_text(doses: Adherence, everything: Adherence) -> str:
    """"Doses done 5 of 8 planned to date, 1 missed" and the same for all sessions."""

    def line(label: str, a: Adherence) -> str:
        if a.planned_to_date == 0 and not a.skipped:
            return f"{label}: none due yet"
        text = f"{label} done {a.done} of {a.planned_to_date} planned to date"
        extra = [f"{n} {word}" for n, word in ((a.missed, "missed"), (a.overdue, "overdue"),
                                                (a.skipped, "skipped")) if n]
        return ", ".join([text, *extra])

    return f"{line('Doses', doses)}.\n{line('All sessions', everything)}."
