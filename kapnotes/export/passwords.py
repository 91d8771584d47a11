"""Passwords for protected PDF exports: generate a strong one, check what a user typed."""

from __future__ import annotations

from kapnotes.domain.errors import ValidationError

MIN_LENGTH = 10
# No 0/O, 1/I/L: the password is often read aloud or copied from paper to the supervisor.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GROUPS, GROUP_LENGTH = 5, 4  # 20 symbols from 31 ≈ 99 bits


def generate_password() -> str:
    """A random password like `7KQM-X4PT-9HRW-C3ND-UE2A`, easy to read out and type."""
    import secrets  # here: every `kapnotes` launch reads MIN_LENGTH for the help text

    return "-".join(
        "".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS)
    )


def check_password_pair(password: str, confirmation: str) -> str:
    """The password if it is long enough and both entries match; else ValidationError."""
    if len(password) < MIN_LENGTH:
        raise ValidationError("password", f"use at least {MIN_LENGTH} characters")
    if password != confirmation:
        raise ValidationError("password_confirmation", "the two passwords do not match")
    return password
