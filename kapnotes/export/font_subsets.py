"""A TTFont whose `splitString` skips reportlab's per-character loop for text it has placed.

reportlab writes a TrueType string as codes in the font's subsets: `TTFont.splitString`
looks every character up in the document's assignments, one at a time in Python (~50 ms of
a 100-page course summary, for the body paragraphs, headings, markup cells and page
furniture that reportlab draws). Once every character of a text sits in the first subset,
the answer is that subset's codes: one `str.translate` with the assignments as a table gives
the same bytes. Anything else (a character not placed yet, one in a later subset) goes
through reportlab's loop, which also places new characters, so the subsets and the PDF are
the same as before (tests/export/test_font_subsets.py).
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase.ttfonts import TTFont

from kapnotes.export.doc_cache import doc_cache

NBSP, SPACE = 0xA0, 0x20


class _Subset0:
    """The characters already placed in a font's first subset in one document, as a
    translation table."""

    __slots__ = ("ascii_known", "ascii_table", "known", "seen", "state", "table")

    def __init__(self, state: Any) -> None:
        # The font's state in the document (reportlab keeps it in a WeakKeyDictionary, whose
        # every lookup makes a weak reference: kept here, it is looked up once per rebuild).
        self.state = state
        assignments = state.assignments
        self.seen = len(assignments)
        self.table = {code: n for code, n in assignments.items() if n < 256}
        if SPACE in self.table:
            self.table[NBSP] = self.table[SPACE]  # reportlab places a no-break space as a space
        self.known = frozenset(map(chr, self.table))
        # The same for ASCII text, as bytes: which ASCII characters are placed, and a byte
        # table giving each its code (most cells and lines are ASCII; bytes.translate is one
        # C pass where the set test and str.translate look every character up).
        ascii_codes = [code for code in self.table if code < 128]
        self.ascii_known = bytes(ascii_codes)
        codes = bytearray(range(256))
        for code in ascii_codes:
            codes[code] = self.table[code]
        self.ascii_table = bytes(codes)


def first_subset(font: Any, text: str, doc: Any) -> list[tuple[int, bytes]] | None:
    """`font.splitString(text, doc)` when every character of `text` is placed in subset 0
    already (the same result, without the per-character loop), else None."""
    if not text:
        return None
    subsets: dict[str, _Subset0] = doc_cache(doc, "_kapnotes_subset0")
    known = subsets.get(font.fontName)
    if known is None or known.seen != len(known.state.assignments):
        state = font.state.get(doc)
        if state is None:
            return None
        known = subsets[font.fontName] = _Subset0(state)
    if text.isascii():
        raw = text.encode("ascii")
        if raw.translate(None, known.ascii_known):  # a character not placed yet is left
            return None
        return [(0, raw.translate(known.ascii_table))]
    if not known.known.issuperset(text):
        return None
    return [(0, text.translate(known.table).encode("latin-1"))]


class SubsetFont(TTFont):
    """reportlab's TTFont with the first-subset shortcut in `splitString`."""

    def splitString(self, text: Any, doc: Any, encoding: str = "utf-8") -> Any:
        if isinstance(text, str):
            found = first_subset(self, text, doc)
            if found is not None:
                return found
        return super().splitString(text, doc, encoding)
