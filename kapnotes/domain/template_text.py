"""The text a note shows, prints and indexes: display per field type, export rows, search text.

A stored value that no longer validates prints as stored rather than failing the export.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from kapnotes.domain.dates import human_date
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.template_fields import FieldType, Template, TemplateField
from kapnotes.domain.template_values import (
    format_number,
    is_empty,
    validate_value,
    validate_value_or_none,
)

CHECKED = "☑"
UNCHECKED = "☐"
BULLET = "•"


class RenderRow(NamedTuple):
    """One printed line of a note: a heading or a field label with its value as text."""

    label: str
    text: str
    is_heading: bool
    is_private: bool


def display_text(
    field: TemplateField, value: object, intention_labels: Mapping[int, str] | None = None
) -> str:
    """A value as a person reads it; a stored value that no longer validates prints as stored."""
    try:
        value = validate_value(field, value)
    except ValidationError:
        return str(value)
    if is_empty(field, value) and not isinstance(value, str):
        return ""
    return _FORMATTERS[field.type](field, value, intention_labels or {})


def render_rows(
    template: Template,
    values: Mapping[str, object],
    include_private: bool = False,
    *,
    intention_labels: Mapping[int, str] | None = None,
) -> list[RenderRow]:
    """The note as ordered rows for print/export; private fields only when asked for."""
    rows: list[RenderRow] = []
    for f in template.fields:
        if f.private and not include_private:
            continue
        if f.type is FieldType.HEADING:
            rows.append(RenderRow(f.label, "", True, f.private))
        else:
            text = display_text(f, values.get(f.id), intention_labels)
            rows.append(RenderRow(f.label, text, False, f.private))
    return rows


def search_text(
    field: TemplateField, value: object, intention_labels: Mapping[int, str] | None = None
) -> str:
    """What search indexes for one field: what was written and ticked, as `display_text`
    shows it, except that a checklist gives only its ticked options (no boxes): an unticked
    option printed for the record must not make every note match its wording."""
    if field.type is FieldType.CHECKLIST:
        ticked = validate_value_or_none(field, value) or []
        return "\n".join(o.label for o in field.options if o.id in ticked)
    return display_text(field, value, intention_labels)


def _checklist_text(field: TemplateField, value: Any, _: Mapping[int, str]) -> str:
    # Every item prints with its box: an unticked consent item is part of the record.
    return "\n".join(f"{CHECKED if o.id in value else UNCHECKED} {o.label}" for o in field.options)


def is_review_checklist(field: TemplateField) -> bool:
    """A checklist of topics *reviewed* (e.g. "Risk reviewed"), not of findings or consents.

    A tick there means "we talked about it", never "it is present": printed as a bare ticked
    "Suicidal ideation" a reader takes it for a finding.
    """
    return field.type is FieldType.CHECKLIST and "review" in field.label.casefold()


def review_checklist_text(field: TemplateField, value: Any) -> str:
    """`Reviewed: Suicidal ideation; Self-harm` / `Not reviewed: Substance use`."""
    ticked = value if isinstance(value, list) else []
    done = [o.label for o in field.options if o.id in ticked]
    left = [o.label for o in field.options if o.id not in ticked]
    lines = [f"{CHECKED} Reviewed (a topic discussed, not a finding): {'; '.join(done)}"
             if done else f"{UNCHECKED} Nothing marked as reviewed"]
    if left:
        lines.append(f"{UNCHECKED} Not reviewed: {'; '.join(left)}")
    return "\n".join(lines)


def _review_text(field: TemplateField, value: Any, labels: Mapping[int, str]) -> str:
    lines = []
    for entry in value:
        name = labels.get(entry["intention_id"]) or f"Intention #{entry['intention_id']}"
        progress = entry["progress"]
        line = f"{name} — " + ("not rated" if progress is None else f"progress {progress}/10")
        if entry["note"].strip():
            line += f": {entry['note']}"
        lines.append(line)
    return "\n".join(lines)


def _themes_text(field: TemplateField, value: Any, _: Mapping[int, str]) -> str:
    return "\n".join(
        f"{t['theme']} — {t['evidence']}" if t["evidence"].strip() else t["theme"] for t in value
    )


def _number_text(field: TemplateField, value: Any, _: Mapping[int, str]) -> str:
    return f"{format_number(value)} {field.unit}".rstrip()


_FORMATTERS: dict[FieldType, Callable[[TemplateField, Any, Mapping[int, str]], str]] = {
    FieldType.HEADING: lambda f, v, _: "",
    FieldType.SHORT_TEXT: lambda f, v, _: v,
    FieldType.LONG_TEXT: lambda f, v, _: v,
    FieldType.SINGLE_CHOICE: lambda f, v, _: f.option_label(v),
    FieldType.MULTI_CHOICE: lambda f, v, _: ", ".join(f.option_label(o) for o in v),
    FieldType.CHECKLIST: _checklist_text,
    FieldType.SCALE_0_10: lambda f, v, _: f"{v}/10",
    FieldType.NUMBER: _number_text,
    FieldType.TIME: lambda f, v, _: v,
    FieldType.DATE: lambda f, v, _: human_date(dt.date.fromisoformat(v)),
    FieldType.REPEATING_LIST: lambda f, v, _: "\n".join(f"{BULLET} {item}" for item in v),
    FieldType.INTENTIONS_REVIEW: _review_text,
    FieldType.THEMES: _themes_text,
}
