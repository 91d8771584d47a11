"""The rules typing applies, applied to every value of an import file too.

The JSON Schema checks shapes; the window also refuses control characters, over-long text,
dates the calendar cannot plan from and numbers no form would take. An import used to skip
those (control characters, 50 MB of text, years 0001 and 9999, dose number −3 were stored).
Here every string of the file is checked against the limit of the field it fills, with
`text_rules.clean_text` (the function the forms use), and every date and time must fall in
1900–2200. Refusals name the JSON path and the problem, never the value.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.text_rules import MAX_LONG, MAX_SHORT, clean_text
from kapnotes.services.intentions import MAX_INTENTION

FIRST_YEAR, LAST_YEAR = 1900, 2200
_DATE = re.compile(r"^(\d{4})-\d{2}-\d{2}(?:T|$)")
# key → (longest text, may span lines), as the forms limit them; any other text may span
# lines and is held to the longest a form takes (MAX_LONG).
_TEXT: dict[str, tuple[int, bool]] = {
    "title": (MAX_SHORT, False), "prescriber": (MAX_SHORT, False),
    "clinician": (MAX_SHORT, False), "signed_by": (MAX_SHORT, False),
    "author": (MAX_SHORT, False), "lot_number": (MAX_SHORT, False),
    "monitoring_clinician": (MAX_SHORT, False), "screened_by": (MAX_SHORT, False),
    "status_reason": (2000, True), "change_reason": (2000, True), "sign_reason": (4000, True),
    "note": (2000, True),
}
# Free-form keys whose structure is checked elsewhere (template definitions, note values).
_SKIP = {"definition", "values"}


def check_values(doc: dict[str, Any]) -> None:
    """ValidationError(path, problem) for the first value typing would have refused."""
    _walk(doc, "", None)
    for i, client in enumerate(doc.get("clients", ())):
        for n, course in enumerate(client.get("courses", ())):
            for k, slot in enumerate(course.get("planned_slots", ())):
                number = slot.get("dose_number")
                if number is not None and not 1 <= number <= 1000:
                    raise ValidationError(
                        f"clients[{i}].courses[{n}].planned_slots[{k}].dose_number",
                        "must be a whole number from 1 (or empty)")
            for k, intention in enumerate(course.get("intentions", ())):
                _text(intention.get("text"), f"clients[{i}].courses[{n}].intentions[{k}].text",
                      MAX_INTENTION, multiline=False)


def _walk(node: Any, path: str, key: str | None) -> None:
    if isinstance(node, dict):
        for k, value in node.items():
            if k not in _SKIP:
                _walk(value, f"{path}.{k}" if path else k, k)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _walk(value, f"{path}[{i}]", key)
    elif isinstance(node, str):
        found = _DATE.match(node)
        if found and not FIRST_YEAR <= int(found.group(1)) <= LAST_YEAR:
            raise ValidationError(path, f"must be a date between {FIRST_YEAR} and {LAST_YEAR}")
        limit, multiline = _TEXT.get(key or "", (MAX_LONG, True))
        _text(node, path, limit, multiline=multiline)


def _text(value: object, path: str, limit: int, *, multiline: bool) -> None:
    if not isinstance(value, str):
        return
    try:
        # One-line fields are compared as typed (clean_text strips spaces, the file keeps them).
        clean_text(path, value, max_length=limit, multiline=multiline)
    except ValidationError as exc:
        raise ValidationError(path, exc.reason) from None


def moment(text: str) -> datetime:
    """A file's timestamp as an aware UTC time (a time without zone is taken as UTC)."""
    at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def check_addendum(addendum: dict[str, Any], signed_at: str | None, path: str,
                   today: date) -> None:
    """An addendum follows its note's signature and names its author.

    A merge may add addenda to a signed note already in the vault; without this, a file
    could attach a backdated addendum by anyone to a locked note."""
    if signed_at is None:
        raise ValidationError(path, "a draft note has no addenda (sign it first)")
    clean_text(f"{path}.author", addendum["author"], required=True)
    if moment(addendum["created_at"]) < moment(signed_at):
        raise ValidationError(f"{path}.created_at", "is dated before the note was signed; an "
                                                    "addendum can only follow the signature")
