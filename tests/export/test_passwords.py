"""Export passwords: generated ones are strong and readable; typed ones are checked."""

from __future__ import annotations

import pytest

from kapnotes.domain.errors import ValidationError
from kapnotes.export.passwords import ALPHABET, check_password_pair, generate_password


def test_generated_passwords_are_long_unambiguous_and_different() -> None:
    passwords = {generate_password() for _ in range(50)}
    assert len(passwords) == 50
    for pw in passwords:
        groups = pw.split("-")
        assert [len(g) for g in groups] == [4] * 5
        assert set("".join(groups)) <= set(ALPHABET)
        assert not set("0O1IL") & set(pw)
        check_password_pair(pw, pw)


def test_matching_pair_is_returned() -> None:
    assert check_password_pair("correct horse", "correct horse") == "correct horse"


def test_short_password_is_refused_on_the_password_field() -> None:
    with pytest.raises(ValidationError) as err:
        check_password_pair("short1234", "short1234")
    assert err.value.field == "password"
    assert "10" in err.value.reason


def test_mismatch_is_refused_on_the_confirmation_field() -> None:
    with pytest.raises(ValidationError) as err:
        check_password_pair("long enough one", "long enough two")
    assert err.value.field == "password_confirmation"
