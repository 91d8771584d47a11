"""A report (kapnotes.export.report) as plain JSON data: what a review request carries so a
supervisor's window can show the notes without reading the PDF (docs/REVIEW-FORMAT.md).

Every block becomes an object with a `type` ("heading", "paragraph", "key_values", "table",
"line_chart", "banner", "draft_mark", "signature_line", "page_break") and its fields; dates
become ISO text, tuples lists. The practice logo and the de-identification review lines
(what was replaced where) are left out: the first is in the PDF, the second is for the
sender only; so is `lead` (how many first sections a PDF draws before its contents page: a
layout hint, the sections themselves are all here).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

from kapnotes.export.report import Report

# Attachments: files embedded after rendering (the signed log), not part of the content.
_LEFT_OUT = frozenset({"practice_logo", "redactions", "sections", "lead", "attachments"})


def _type_name(block: object) -> str:
    # KeyValues -> key_values, LineChart -> line_chart
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(block).__name__).lower()


def _value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_value(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(_value(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def block_data(block: object) -> dict[str, Any]:
    data = _value(block)
    return {"type": _type_name(block), **data}


def report_data(report: Report) -> dict[str, Any]:
    out = {f.name: _value(getattr(report, f.name)) for f in dataclasses.fields(report)
           if f.name not in _LEFT_OUT}
    out["sections"] = [block_data(b) for b in report.sections]
    return out
