"""`markup.clean` returns printable ASCII text as it is, without the normalising work: the
answer must be the one the full path gives, for any text (ASCII or not, controls included)."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from kapnotes.export.markup import clean

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _full(text: str) -> str:  # the function as it was before the shortcut
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return _CONTROL.sub("", text)


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_ascii_text_comes_out_as_the_full_path_makes_it(text: str) -> None:
    assert clean(text) == _full(text)


@given(st.text())
def test_any_text_comes_out_as_the_full_path_makes_it(text: str) -> None:
    assert clean(text) == _full(text)


def test_the_shortcut_keeps_what_the_full_path_changes() -> None:
    for text in ("a\r\nb", "tab\there", "bell\x07", "del\x7f", "e\u0301", "Settled"):
        assert clean(text) == _full(text)
    assert clean("Settled") == "Settled"
