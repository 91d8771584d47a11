"""Shared helpers for export tests: a small report factory and PDF read-back."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from pypdf import PdfReader

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


def read_pdf(data: bytes, password: str | None = None) -> PdfReader:
    reader = PdfReader(io.BytesIO(data))
    if password is not None:
        reader.decrypt(password)
    return reader


def page_texts(data: bytes, password: str | None = None) -> list[str]:
    return [page.extract_text() for page in read_pdf(data, password).pages]


def body(text: str) -> str:
    """Page text without the header and footer (drawn first, so extracted first)."""
    return text.split("KAP Notes 9.8.7\n", 1)[1]
