"""Validation of a client record before it is stored; each refusal names the field."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.models import Client
from kapnotes.domain.text_rules import MAX_LONG, clean_text

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,15}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9+() .\-]{3,30}$")
MAX_MEDICINES = 60
MAX_MEDICINE_NAME = 120


def normalise_code(code: object) -> str:
    text = clean_text("Client code", code, required=True, max_length=16).upper()
    if not CODE_PATTERN.match(text):
        raise ValidationError(
            "Client code", "use 2–16 letters, digits, '-' or '_' (e.g. KAP-014); it is used in "
            "de-identified exports, so no names or dates of birth."
        )
    return text


def validate_client(client: Client, *, today: date) -> Client:
    """The client with every field checked and tidied, or a ValidationError naming a field."""
    dob = client.date_of_birth
    if dob is not None:
        if dob > today:
            raise ValidationError("Date of birth", "is in the future.")
        if dob.year < 1900:
            raise ValidationError("Date of birth", "is before 1900.")
    trials = client.antidepressant_trials
    if trials is not None and not (isinstance(trials, int) and 0 <= trials <= 50):
        raise ValidationError("Adequate antidepressant trials", "must be a whole number 0–50.")
    email = clean_text("Email", client.email, max_length=254)
    if email and not _EMAIL.match(email):
        raise ValidationError("Email", "is not an email address (name@example.org).")
    phone = _checked_phone("Phone", client.phone)
    support_phone = _checked_phone("Support person phone", client.support_phone)
    if len(client.medicines) > MAX_MEDICINES:
        raise ValidationError("Current medicines", f"at most {MAX_MEDICINES} entries.")
    medicines = tuple(
        m for m in (clean_text("Current medicines", m, max_length=MAX_MEDICINE_NAME)
                    for m in client.medicines) if m
    )
    return dataclasses.replace(
        client,
        code=normalise_code(client.code),
        full_name=clean_text("Full name", client.full_name, required=True),
        preferred_name=clean_text("Preferred name", client.preferred_name),
        email=email,
        address=clean_text("Address", client.address, max_length=500, multiline=True),
        support_person=clean_text("Support person", client.support_person),
        support_relationship=clean_text("Relationship", client.support_relationship),
        referring_clinician=clean_text("Referring clinician", client.referring_clinician),
        prescriber=clean_text("Prescriber", client.prescriber),
        diagnosis=clean_text("Diagnosis", client.diagnosis, max_length=2000, multiline=True),
        medicines=medicines,
        background=clean_text("Background", client.background, max_length=MAX_LONG,
                              multiline=True),
        other_names=clean_text("Other names", client.other_names, max_length=2000,
                               multiline=True),
        phone=phone,
        support_phone=support_phone,
    )


def _checked_phone(label: str, raw: str) -> str:
    value = clean_text(label, raw, max_length=30)
    if value and not _PHONE.match(value):
        raise ValidationError(label, "use digits, spaces and + ( ) - only.")
    return value

