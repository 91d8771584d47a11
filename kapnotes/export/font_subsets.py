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

NBSP, SPACE, NEWLINE = 0xA0, 0x20, 0x0A
LINE_SEP = "\u2028"  # whitespace: never inside a line's words


class _Subset0:
    """The characters already placed in a font's first subset in one document, as a
    translation table."""

    __slots__ = ("ascii_known", "ascii_table", "known", "lines_known", "lines_text", "seen",
                 "state", "table")

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
        # For `first_subset_lines`: lines joined by a newline can be translated at once and
        # split again while no placed ASCII character is (or has the code of) a newline.
        self.lines_known = (self.ascii_known + b"\n"
                            if NEWLINE not in self.table and NEWLINE not in codes[:NEWLINE]
                            and NEWLINE not in codes[NEWLINE + 1:128] else None)
        self.lines_text = (self.known | {LINE_SEP}
                           if ord(LINE_SEP) not in self.table else None)


def _placed(font: Any, doc: Any) -> _Subset0 | None:
    """The font's first subset in `doc` as it stands (None: nothing placed yet)."""
    subsets: dict[str, _Subset0] = doc_cache(doc, "_kapnotes_subset0")
    known = subsets.get(font.fontName)
    if known is None or known.seen != len(known.state.assignments):
        state = font.state.get(doc)
        if state is None:
            return None
        known = subsets[font.fontName] = _Subset0(state)
    return known


def first_subset_lines(font: Any, texts: list[str], doc: Any) -> list[bytes] | None:
    """Each line's codes when none is empty and every character is placed in subset 0
    (`splitString` would give each one chunk in subset 0), else None: a cell's lines
    translated in one pass, not one `splitString` each."""
    if "" in texts:
        return None
    known = _placed(font, doc)
    if known is None:
        return None
    joined = "\n".join(texts)
    if joined.isascii():
        if known.lines_known is None:
            return None
        raw = joined.encode("ascii")
        if raw.translate(None, known.lines_known):  # a character not placed yet is left
            return None
        codes = raw.translate(known.ascii_table).split(b"\n")
        return codes if len(codes) == len(texts) else None  # (no newline inside a line)
    # Any code may be a newline here; a separator above 255 is no character's code.
    joined = LINE_SEP.join(texts)
    if known.lines_text is None or not known.lines_text.issuperset(joined):
        return None
    lines = joined.translate(known.table).split(LINE_SEP)
    return [line.encode("latin-1") for line in lines] if len(lines) == len(texts) else None


def first_subset(font: Any, text: str, doc: Any) -> list[tuple[int, bytes]] | None:
    """`font.splitString(text, doc)` when every character of `text` is placed in subset 0
    already (the same result, without the per-character loop), else None."""
    if not text:
        return None
    known = _placed(font, doc)
    if known is None:
        return None
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
