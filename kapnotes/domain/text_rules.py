"""Shared rules for what a user types: control characters, length, required."""

from __future__ import annotations

import re
from datetime import date

from kapnotes.domain.errors import ValidationError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f]")
MAX_SHORT = 200
MAX_LONG = 2_000_000  # a 1 MB note fits with room to spare


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """Whether text holds a control character (multiline text may hold tabs and newlines)."""
    return bool((_CONTROL if multiline else _CONTROL_SINGLE_LINE).search(text))


def clean_text(
    label: str,
    value: object,
    *,
    required: bool = False,
    max_length: int = MAX_SHORT,
    multiline: bool = False,
) -> str:
    """Strip outer whitespace of one-line text; refuse control characters and over-long text."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(label, "must be text.")
    text = value if multiline else value.strip()
    if has_control_characters(text, multiline=multiline):
        raise ValidationError(label, "contains control characters that cannot be stored.")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise ValidationError(label, "contains invalid characters (unpaired surrogates).")
    if required and not text.strip():
        raise ValidationError(label, "is required.")
    if len(text) > max_length:
        raise ValidationError(label, f"is too long ({len(text):,} characters; the limit is "
                                     f"{max_length:,}).")
    return text


def parse_date(label: str, value: object) -> date | None:
    """Accept a date or ISO `YYYY-MM-DD` text; empty means none."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValidationError(label, "must be a date.")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(label, "is not a date (use YYYY-MM-DD).") from None
