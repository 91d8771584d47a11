"""The canonical text of one stored field value (`seals._value_text`), which every seal
checked by `kapnotes check` goes through. Its string shortcuts must give exactly what
decoding and encoding again gives for every text that is JSON, and for a text that is not,
something no canonical encoding ever writes: otherwise a value rewritten behind the app
could read as the text that was signed (tests/cli/test_check_batched.py shows one)."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kapnotes.storage.seals import _CANONICAL, _value_text

# Texts made of the characters that matter to the shortcuts: quotes, brackets, commas,
# spaces, a backslash, a control character, a letter and a non-ASCII letter.
_PIECES = st.sampled_from(['"', "[", "]", ",", ", ", " ", ":", "\\", "\n", "a", "é", "{",
                          '"a"', '"a",', '"a":', '", "'])
_TEXTS = st.lists(_PIECES, max_size=14).map("".join)
_VALUES = st.one_of(st.text(max_size=12), st.lists(st.text(max_size=8), max_size=5))


def _canonical(value: object) -> str:
    return _CANONICAL.encode(value)


@settings(max_examples=400, deadline=None)
@given(_VALUES, st.sampled_from([{}, {"ensure_ascii": False}, {"separators": (",", ":")}]))
def test_stored_json_gives_its_canonical_text(value: object, options: dict) -> None:
    assert _value_text(json.dumps(value, **options)) == _canonical(value)


def _never_canonical(rendered: str) -> bool:
    """True when no canonical document contains `rendered` as a field's value: the
    fields' text around it (`{"A":...,"z":0}`) is not JSON, or is not the canonical text of
    what it decodes to (a raw control character, spaces, unsorted or repeated keys)."""
    text = '{"A":' + rendered + ',"z":0}'
    try:
        decoded = json.loads(text)
    except ValueError:
        return True
    return _canonical(decoded) != text


@settings(max_examples=2000, deadline=None)
@given(_TEXTS)
@example('"a","a":"a"')  # one field's value that reads as two fields
@example('["a", "a"],"a":"a"')
def test_any_text_is_its_decoded_value_or_never_canonical(text: str) -> None:
    try:
        decoded = json.loads(text)
    except ValueError:
        decoded = None
        readable = False
    else:
        readable = True
    try:
        rendered = _value_text(text)
    except ValueError:
        assert not readable
        return
    if readable and rendered == _canonical(decoded):
        return
    assert _never_canonical(rendered), (text, rendered)


def test_a_string_spliced_with_another_field_is_not_taken_as_it_is() -> None:
    with pytest.raises(ValueError):  # seal_check then renders it as a text no seal matches
        _value_text('"first","next_field":"second"')
    assert not _never_canonical('"first","next_field":"second"')  # what it would have read as


def test_a_list_holding_a_comma_and_space_keeps_it() -> None:
    assert _value_text('[", "]') == '[", "]'
    assert _value_text('["a", "b"]') == '["a","b"]'
    assert _value_text("[]") == "[]"
