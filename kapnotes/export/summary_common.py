"""What every summary builder shares: how the client is named, redaction of a client's known
identifying details in free text, and date/value formatting.

De-identified exports name the client by code only; free text (which a therapist may have
written a name into) has the client's own known details replaced, and is still marked as
possibly identifying, because no program can promise to find every identifying detail.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from kapnotes.domain.dates import human_date, human_datetime, human_time
from kapnotes.domain.models import Client
from kapnotes.export.report import Paragraph
from kapnotes.export.snapshot import ExportOptions

NAME_MARK = "[name]"
CONTACT_MARK = "[contact]"
DATE_MARK = "[date]"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
NOT_RECORDED = "—"


def fmt_date(day: dt.date | None) -> str:
    """`12 Nov 2026` (the order follows the locale; see kapnotes/domain/dates.py)."""
    return human_date(day, empty=NOT_RECORDED)


def fmt_time(moment: dt.datetime | None) -> str:
    return human_time(moment, empty=NOT_RECORDED)


def fmt_datetime(moment: dt.datetime | None) -> str:
    return human_datetime(moment, empty=NOT_RECORDED)


def yes_no(value: bool | None) -> str:
    """Yes/no items are None until answered: 'not answered' differs from 'no'."""
    return "Not answered" if value is None else ("Yes" if value else "No")


def number(value: float | None, unit: str = "") -> str:
    if value is None:
        return NOT_RECORDED
    text = f"{value:g}" if float(value).is_integer() else f"{value:.2f}".rstrip("0")
    return f"{text} {unit}".rstrip()


def minutes_between(start: dt.datetime | None, end: dt.datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return int((end - start).total_seconds() // 60)


def age_on(dob: dt.date | None, day: dt.date) -> int | None:
    if dob is None:
        return None
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _dob_forms(dob: dt.date) -> set[str]:
    d, m, y = dob.day, dob.month, dob.year
    month, mon = MONTHS[m - 1], MONTHS[m - 1][:3]
    forms = {dob.isoformat(), f"{d}/{m}/{y}", f"{d:02d}/{m:02d}/{y}", f"{m}/{d}/{y}",
             f"{m:02d}/{d:02d}/{y}", f"{d}.{m}.{y}", f"{d:02d}.{m:02d}.{y}",
             f"{d}-{m}-{y}", f"{d:02d}-{m:02d}-{y}", f"{d} {month} {y}", f"{d} {mon} {y}",
             f"{month} {d}, {y}", f"{mon} {d}, {y}", f"{month} {d} {y}", f"{d:02d}{m:02d}{y}"}
    return forms


class Redactor:
    """Replaces the known identifying details of some clients in free text.

    Names match as whole words in any letter case (a client called "Hope" loses the word
    "hope" too: over-redaction is the safe side); phone numbers match whatever spacing or
    punctuation was typed between the digits; dates of birth match common written forms.
    """

    def __init__(self, clients: Iterable[Client] = (), *, enabled: bool = True) -> None:
        self.enabled = enabled
        names: set[str] = set()
        contacts: set[str] = set()
        dates: set[str] = set()
        phones: set[str] = set()
        for c in clients:
            for whole in (c.full_name, c.preferred_name, c.support_person):
                whole = whole.strip()
                if whole:
                    names.add(whole)
                    names.update(w for w in re.findall(r"[^\W\d_][\w'’-]*", whole) if len(w) > 1)
            for text in (c.email, c.address):
                if text.strip():
                    contacts.add(text.strip())
            for phone in (c.phone, c.support_phone):
                digits = re.sub(r"\D", "", phone)
                if len(digits) >= 6:
                    phones.add(r"[\s\-.()/]*".join(digits))
            if c.date_of_birth is not None:
                dates.update(_dob_forms(c.date_of_birth))
        self._rules: list[tuple[re.Pattern[str], str]] = []
        if contacts:  # before names: an email address often contains the name
            self._rules.append((_alternation(contacts, words=False), CONTACT_MARK))
        if phones:
            pattern = "|".join(sorted(phones, key=len, reverse=True))
            self._rules.append((re.compile(rf"(?<!\d)(?:{pattern})(?!\d)"), CONTACT_MARK))
        if dates:
            self._rules.append((_alternation(dates, words=True), DATE_MARK))
        if names:
            self._rules.append((_alternation(names, words=True), NAME_MARK))

    def __call__(self, text: str) -> str:
        if not self.enabled or not text:
            return text
        for pattern, mark in self._rules:
            text = pattern.sub(mark, text)
        return text


def _alternation(terms: set[str], *, words: bool) -> re.Pattern[str]:
    # Longest first, so "Mira Solenne Hartwell" is replaced whole, not word by word.
    body = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    if words:
        body = rf"(?<![\w]){'(?:' + body + ')'}(?![\w])"
    return re.compile(body, re.IGNORECASE)


@dataclass(frozen=True)
class Context:
    """The options of one export and how the client in hand is named."""

    options: ExportOptions
    redactor: Redactor
    who: str  # the code when de-identified, else "Full Name (CODE)"

    @property
    def deidentified(self) -> bool:
        return self.options.deidentified

    def text(self, value: str) -> str:
        """Free text as printed: the client's known details replaced when de-identified."""
        return self.redactor(value) if self.deidentified else value

    def free(self, value: str, style: str = "normal") -> Paragraph:
        return Paragraph(self.text(value) or NOT_RECORDED, style,  # type: ignore[arg-type]
                         possibly_identifying=True)


def client_label(client: Client, options: ExportOptions) -> str:
    return client.code if options.deidentified else f"{client.full_name} ({client.code})"


def context_for(client: Client, options: ExportOptions) -> Context:
    return Context(options, Redactor([client], enabled=options.deidentified),
                   client_label(client, options))
