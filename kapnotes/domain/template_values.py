"""Values of note fields: validation and normalisation per field type, and "required".

Validation never rejects an *empty* value: drafts autosave half-filled, and "required" is
checked only when signing (`missing_required`). Empty normalises to "" for text, [] for lists
and None for everything else.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from kapnotes.domain.dates import human_date
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.template_fields import FieldType, Template, TemplateField

_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT_RE = re.compile(r"^[+-]?\d+$")


def validate_value(field: TemplateField, value: object) -> Any:
    """The value normalised for storage, or ValidationError naming the field's label."""
    try:
        return _VALIDATORS[field.type](field, value)
    except _Invalid as problem:
        raise ValidationError(field.label, str(problem)) from None


def validate_values(template: Template, values: Mapping[str, object]) -> dict[str, Any]:
    """Every fillable field's normalised value, in template order; unknown keys are refused."""
    for key in values:
        target = template.field(key)
        if target is None or target.type is FieldType.HEADING:
            raise ValidationError(
                template.title,
                f"'{key}' is not a field of this template (version {template.version})",
            )
    return {
        f.id: validate_value(f, values.get(f.id))
        for f in template.fields
        if f.type is not FieldType.HEADING
    }


def is_empty(field: TemplateField, value: object) -> bool:
    """True when a normalised value records nothing (what "required" looks for)."""
    if value is None or value == [] or value == "":
        return True
    if isinstance(value, str):
        return not value.strip()
    if field.type is FieldType.INTENTIONS_REVIEW and isinstance(value, list):
        # The app pre-fills the course's intentions; untouched rows are not an answer.
        return all(e.get("progress") is None and not e.get("note", "").strip() for e in value)
    return False


def missing_required(template: Template, values: Mapping[str, object]) -> list[str]:
    """Labels of required fields left empty, in template order (what signing must name)."""
    missing: list[str] = []
    for f in template.fields:
        if not f.required or f.type is FieldType.HEADING:
            continue
        try:
            value = validate_value(f, values.get(f.id))
        except ValidationError:
            continue  # present but wrong: validate_values reports it, it is not "missing"
        if is_empty(f, value):
            missing.append(f.label)
    return missing


def validate_value_or_none(field: TemplateField, value: object) -> Any:
    """validate_value, but None instead of an error (for read-only uses such as search)."""
    try:
        return validate_value(field, value)
    except ValidationError:
        return None


# The longest text one note field holds: about 500 pages of prose, twice the 1 MB notes the
# kill harness writes; typing, pasting and importing all stop here.
MAX_NOTE_CHARS = 2_000_000


class _Invalid(Exception):
    """Internal: a value problem, re-raised as ValidationError with the field's label."""


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _storable(text: str, what: str = "text") -> str:
    # Lone surrogates cannot be written to SQLite as UTF-8; refuse them here, not at save.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _Invalid(f"the {what} contains characters that cannot be stored") from None
    return text


def _text(field: TemplateField, value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Invalid("must be text")
    if len(value) > MAX_NOTE_CHARS:
        # A 50 MB note took 854 MB to save and never finished as a PDF (docs/TEMPLATES.md).
        raise _Invalid(f"is too long ({len(value):,} characters; the limit is "
                       f"{MAX_NOTE_CHARS:,})")
    return _storable(value)  # unchanged: what the therapist typed is what is kept


def _heading(field: TemplateField, value: object) -> None:
    if not _blank(value):
        raise _Invalid("a heading holds no value")
    return None


def _single_choice(field: TemplateField, value: object) -> str | None:
    if _blank(value):
        return None
    if not isinstance(value, str) or value not in {o.id for o in field.options}:
        raise _Invalid(f"{_show(value)} is not one of the choices ({_option_ids(field)})")
    return value


def _many_choices(field: TemplateField, value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise _Invalid("must be a list of choices")
    known = [o.id for o in field.options]
    for item in value:
        if not isinstance(item, str) or item not in known:
            raise _Invalid(f"{_show(item)} is not one of the choices ({_option_ids(field)})")
    # Stored in the template's order, once each, so equal answers compare equal.
    return [o for o in known if o in value]


def _whole_0_10(value: object, what: str = "") -> int | None:
    if _blank(value):
        return None
    number: object = value
    if isinstance(value, str) and _INT_RE.match(value.strip()):
        number = int(value.strip())
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= 10:
        raise _Invalid(f"{what}must be a whole number from 0 to 10, not {_show(value)}")
    return number


def _scale(field: TemplateField, value: object) -> int | None:
    return _whole_0_10(value)


def _number(field: TemplateField, value: object) -> int | float | None:
    if _blank(value):
        return None
    number: object = value
    if isinstance(value, str):
        text = value.strip()
        try:
            if "_" in text:  # Python accepts "1_000"; a person typing it meant something else
                raise ValueError(text)
            number = int(text) if _INT_RE.match(text) else float(text)
        except ValueError:
            raise _Invalid(f"{_show(value)} is not a number") from None
    if isinstance(number, bool) or not isinstance(number, int | float):
        raise _Invalid(f"{_show(value)} is not a number")
    if not math.isfinite(number):
        raise _Invalid("must be a finite number")
    unit = f" {field.unit}" if field.unit else ""
    if field.min is not None and number < field.min:
        raise _Invalid(f"must be at least {format_number(field.min)}{unit}")
    if field.max is not None and number > field.max:
        raise _Invalid(f"must be at most {format_number(field.max)}{unit}")
    return number


def _time(field: TemplateField, value: object) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, dt.time):
        return f"{value.hour:02d}:{value.minute:02d}"
    match = _TIME_RE.match(value.strip()) if isinstance(value, str) else None
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise _Invalid(f"must be a time as HH:MM (24-hour), not {_show(value)}")
    return f"{int(match[1]):02d}:{match[2]}"


def _date(field: TemplateField, value: object) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str) and _DATE_RE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    example = human_date(dt.date(2026, 3, 7))
    raise _Invalid(f"must be a date like {example} (YYYY-MM-DD in files), not {_show(value)}")


def _repeating_list(field: TemplateField, value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise _Invalid("must be a list of entries")
    entries: list[str] = []
    for n, item in enumerate(value, start=1):
        if not isinstance(item, str):
            raise _Invalid(f"entry {n} must be text")
        if item.strip():  # blank rows left in the editor are not entries
            entries.append(_storable(item, f"entry {n}"))
    return entries


def _intentions_review(field: TemplateField, value: object) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise _Invalid("must be a list of reviewed intentions")
    entries: list[dict[str, Any]] = []
    seen: set[int] = set()
    for n, item in enumerate(value, start=1):
        if not isinstance(item, Mapping) or not set(item) <= {"intention_id", "progress", "note"}:
            raise _Invalid(f"item {n} must hold only intention_id, progress and note")
        intention_id = item.get("intention_id")
        if isinstance(intention_id, bool) or not isinstance(intention_id, int) or intention_id < 1:
            raise _Invalid(f"item {n} has no valid intention_id")
        if intention_id in seen:
            raise _Invalid(f"item {n} repeats intention {intention_id}")
        seen.add(intention_id)
        progress = _whole_0_10(item.get("progress"), f"item {n}: progress ")
        note = item.get("note")
        if note is None:
            note = ""
        if not isinstance(note, str):
            raise _Invalid(f"item {n}: the note must be text")
        entries.append(
            {"intention_id": intention_id, "progress": progress, "note": _storable(note)}
        )
    return entries


def _themes(field: TemplateField, value: object) -> list[dict[str, str]]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise _Invalid("must be a list of themes")
    entries: list[dict[str, str]] = []
    for n, item in enumerate(value, start=1):
        if not isinstance(item, Mapping) or not set(item) <= {"theme", "evidence"}:
            raise _Invalid(f"item {n} must hold only theme and evidence")
        theme, evidence = item.get("theme") or "", item.get("evidence") or ""
        if not isinstance(theme, str) or not isinstance(evidence, str):
            raise _Invalid(f"item {n}: theme and evidence must be text")
        if not theme.strip():
            if evidence.strip():
                raise _Invalid(f"item {n}: the theme is missing (evidence is given)")
            continue  # an empty row
        # Theme names are matched across sessions, so outer spaces are dropped.
        entries.append({"theme": _storable(theme.strip()), "evidence": _storable(evidence)})
    return entries


_VALIDATORS: dict[FieldType, Callable[[TemplateField, object], Any]] = {
    FieldType.HEADING: _heading,
    FieldType.SHORT_TEXT: _text,
    FieldType.LONG_TEXT: _text,
    FieldType.SINGLE_CHOICE: _single_choice,
    FieldType.MULTI_CHOICE: _many_choices,
    FieldType.CHECKLIST: _many_choices,
    FieldType.SCALE_0_10: _scale,
    FieldType.NUMBER: _number,
    FieldType.TIME: _time,
    FieldType.DATE: _date,
    FieldType.REPEATING_LIST: _repeating_list,
    FieldType.INTENTIONS_REVIEW: _intentions_review,
    FieldType.THEMES: _themes,
}


def format_number(value: float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _option_ids(field: TemplateField) -> str:
    return ", ".join(o.id for o in field.options)


def _show(value: object) -> str:
    """A refused value named by its kind and size only: text may be note content or a name."""
    if isinstance(value, str):
        return f"a text of {len(value):,} character{'s' if len(value) != 1 else ''}"
    if value is None or isinstance(value, bool | int | float):
        shown = repr(value)
        return shown if len(shown) <= 20 else "a very long number"
    return f"a {type(value).__name__}"
