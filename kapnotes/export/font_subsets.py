"""A TTFont whose `splitString` skips reportlab's per-character loop for text it has placed.

reportlab writes a TrueType string as codes in the font's subsets: `TTFont.splitString`
looks every character up in the document's assignments, one at a time in Python (~50 ms of
a 100-page course summary, for the body paragraphs, headings, markup cells and page
furniture that reportlab draws). Once every character of a text sits in the first subset,
the answer is that subset's codes: one `str.translate` with the assignments as a table gives
the same bytes. Anything else (a character not placed yet, one in a later subset) goes
through reportlab's loop, which also places new characters, so the subsets and the PDF are
the same as before (tests/export/test_font_subsets.py).

At `save` reportlab embeds each subset: it cuts the subset's font file out of the TTF
(`makeSubset`) and compresses it and the subset's ToUnicode map, ~4 ms for the three subsets
of a course summary, the same bytes in every export of the same characters in the same
order (every export of one report). `SubsetFont` keeps the last few of those answers for the
process (`Kept`), the font file by its subset, the compressed streams by their bytes.
"""

from __future__ import annotations

import zlib
from threading import Lock
from typing import Any

from reportlab import rl_config
from reportlab.pdfbase.pdfdoc import PDFArray, PDFStreamFilterZCompress, PDFZCompress
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont, TTFontFace

from kapnotes.export.doc_cache import doc_cache
from kapnotes.export.kept import Kept

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


class _KeptCompress(PDFStreamFilterZCompress):
    """reportlab's FlateDecode filter (`zlib.compress` at zlib's default level), its answers
    for a subset's font file and ToUnicode map kept."""

    _kept: Kept[bytes] = Kept(16)

    def encode(self, text: Any) -> bytes:
        if isinstance(text, str):
            text = text.encode("utf8")
        found = self._kept.get(text)
        if found is None:
            found = zlib.compress(text)
            self._kept.put(text, found)
        return found


_KEPT_COMPRESS = _KeptCompress()


class _KeptWidths(PDFArray):
    """A subset's glyph widths (~256 numbers, each formatted by reportlab's `format` and
    its PDFDocEncoding codec), written as PDFArray writes them, kept by their values."""

    _kept: Kept[bytes] = Kept(16)

    def format(self, document: Any, IND: bytes = b"\n ") -> bytes:
        values = tuple(self.sequence)
        if not all(type(v) in (int, float) for v in values):
            return PDFArray.format(self, document, IND)
        key = (values, self.multiline, rl_config.pdfMultiLine, IND)
        found = self._kept.get(key)
        if found is None:
            found = PDFArray.format(self, document, IND)
            self._kept.put(key, found)
        return found


class _KeptFace(TTFontFace):
    """reportlab's font face, its subset font files kept (`makeSubset` reads the TTF's
    tables for each subset of each document)."""

    _kapnotes_subsets: Kept[bytes]
    # reportlab's face reads its tables through one seek position (`_pos`): two renders
    # making a subset at once (the export worker, a review request) would interleave reads.
    _kapnotes_making: Lock

    def makeSubset(self, subset: list[int]) -> bytes:
        key = tuple(subset)
        with self._kapnotes_making:
            found = self._kapnotes_subsets.get(key)
            if found is None:
                found = super().makeSubset(subset)
                self._kapnotes_subsets.put(key, found)
        return found


class SubsetFont(TTFont):
    """reportlab's TTFont with the first-subset shortcut in `splitString`, and its embedded
    subsets' font files and compressed streams kept for the process."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        if type(self.face) is TTFontFace:
            self.face.__class__ = _KeptFace
            self.face._kapnotes_subsets = Kept(8)
            self.face._kapnotes_making = Lock()

    def addObjects(self, doc: Any) -> None:
        state = self.state.get(doc)  # (addObjects lets it go)
        count = len(state.subsets) if state is not None else 0
        internal = state.internalName if state is not None else None
        super().addObjects(doc)
        # The objects reportlab just made for each subset (named as `addObjects` and
        # `addSubsetObjects` name them): the widths and streams are written the kept way.
        face, objects = self.face, doc.idToObject
        for n in range(count):
            base = b"".join((SUBSETN(n), b"+", face.name, face.subfontNameX)).decode("pdfdoc")
            font = objects.get(f"{internal}+{n}")
            widths = getattr(font, "Widths", None)
            if type(widths) is PDFArray:
                widths.__class__ = _KeptWidths
            for name in (f"toUnicodeCMap:{base}", f"fontFile:{face.filename}({base})"):
                stream = objects.get(name)
                if stream is not None and stream.filters == [PDFZCompress]:
                    stream.filters = [_KEPT_COMPRESS]

    def splitString(self, text: Any, doc: Any, encoding: str = "utf-8") -> Any:
        if isinstance(text, str):
            found = first_subset(self, text, doc)
            if found is not None:
                return found
        return super().splitString(text, doc, encoding)
