"""Export-test fixtures: a small report factory (PDF read-back is in tests/helpers/pdf_text.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from kapnotes.export.report import Report

EXPORT_DATE = dt.date(2024, 4, 2)


@pytest.fixture
def make_report() -> Callable[..., Report]:
    def make(sections: Any = (), **overrides: Any) -> Report:
        fields: dict[str, Any] = {
            "title": "Course summary",
            "practice_name": "Harbour Lane Therapy",
            "app_version": "9.8.7",
            "export_date": EXPORT_DATE,
            "sections": tuple(sections),
        }
        fields.update(overrides)
        return Report(**fields)

    return make
