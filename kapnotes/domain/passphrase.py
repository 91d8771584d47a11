"""Passphrase rules: a minimum length and an honest strength hint. No storage, no Qt."""

from __future__ import annotations

import math
import string

from kapnotes.domain.errors import ValidationError

MIN_LENGTH = 10
# The environment variable automation (test rigs, scheduled backups, the bundle smoke check)
# may pass the passphrase in; the CLI and the smoke check both read it.
ENV_PASSPHRASE = "KAPNOTES_PASSPHRASE"
_COMMON = {"password", "passphrase", "qwerty", "letmein", "ketamine", "kapnotes", "123456"}


def estimate_bits(passphrase: str) -> float:
    """A rough entropy estimate from length and character classes (for the hint only)."""
    pool = 0
    if any(c in string.ascii_lowercase for c in passphrase):
        pool += 26
    if any(c in string.ascii_uppercase for c in passphrase):
        pool += 26
    if any(c in string.digits for c in passphrase):
        pool += 10
    if any(c in string.punctuation or c == " " for c in passphrase):
        pool += 33
    if any(ord(c) > 127 for c in passphrase):
        pool += 100
    unique = len(set(passphrase))
    if pool == 0 or unique == 0:
        return 0.0
    # Repeated characters add little; count length by distinct-ish characters.
    effective_len = min(len(passphrase), unique * 2)
    return effective_len * math.log2(pool)


def strength_hint(passphrase: str) -> tuple[str, str]:
    """(level, advice) where level is 'too short', 'weak', 'fair' or 'strong'."""
    if len(passphrase) < MIN_LENGTH:
        advice = f"Use at least {MIN_LENGTH} characters; a few unrelated words work well."
        return "too short", advice
    lowered = passphrase.lower()
    if any(word in lowered for word in _COMMON) and len(passphrase) < 16:
        return "weak", "Avoid common words like 'password'; add unrelated words."
    bits = estimate_bits(passphrase)
    if bits < 50:
        return "weak", "Longer is stronger: add another word or two."
    if bits < 70:
        return "fair", "Fair. Another unrelated word would make it strong."
    return "strong", "Strong."


def check_new_passphrase(passphrase: str, confirmation: str) -> None:
    """Refuse a new passphrase that is too short or not typed the same twice."""
    if len(passphrase) < MIN_LENGTH:
        raise ValidationError("Passphrase", f"must be at least {MIN_LENGTH} characters long.")
    if passphrase.strip() != passphrase:
        raise ValidationError("Passphrase", "must not start or end with a space.")
    if any(ord(c) < 32 for c in passphrase):
        raise ValidationError("Passphrase", "must not contain control characters.")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in passphrase):
        raise ValidationError("Passphrase", "contains invalid characters (unpaired surrogates).")
    if passphrase != confirmation:
        raise ValidationError("Passphrase", "the two entries do not match.")
