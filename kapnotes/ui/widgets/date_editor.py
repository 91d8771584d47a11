"""The note editor for a date field: shows and takes the app's one human form."""

from __future__ import annotations

from typing import Any

from kapnotes.domain.dates import date_hint, human_date, parse_date
from kapnotes.ui.widgets.field_editors import _LineEditor


class DateEditor(_LineEditor):
    """Shows and takes the app's one human form ("3 Dec 2026"); stores ISO, as before."""

    PATTERN = r"[\w ,./-]{0,24}"
    PLACEHOLDER = date_hint()
    WIDTH = 170

    def get_value(self) -> Any:
        text = self.edit.text().strip()
        if not text:
            return None
        try:
            return parse_date(text).isoformat()
        except ValueError:
            return text  # the services name the problem

    def _show(self, value: Any) -> None:
        try:
            shown = human_date(parse_date(str(value))) if value else ""
        except ValueError:
            shown = str(value)
        self.edit.setText(shown)
