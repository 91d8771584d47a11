"""User text → reportlab Paragraph markup, so `<`, `&` and newlines come out literally."""

from __future__ import annotations

import re
import unicodedata
from xml.sax.saxutils import escape

# C0/C1 control characters (other than tab/newline) break reportlab's XML parser.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """Plain text fit for any PDF string: NFC (so Vietnamese uses precomposed glyphs),
    one newline style, no control characters."""
    if text.isascii() and text.isprintable():  # most cells: nothing to change (~20× faster)
        return text
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return _CONTROL.sub("", text)


def to_markup(text: str) -> str:
    """Escape user text for a Paragraph; newlines become line breaks and repeated spaces stay."""
    escaped = escape(clean(text))
    # Paragraph collapses runs of spaces; keep indentation people typed on purpose.
    escaped = re.sub(r"  +", lambda m: " " + "&nbsp;" * (len(m.group()) - 1), escaped)
    return escaped.replace("\n", "<br/>")


def needs_markup(text: str) -> bool:
    """Whether `text` needs reportlab's markup parser: line breaks or runs of spaces to keep
    (`to_markup` turns them into tags). Without them the text is one run of one style."""
    return "\n" in text or "  " in text or not text.strip()
