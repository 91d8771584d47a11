"""The bundled DejaVu fonts, registered with reportlab once per process."""

from __future__ import annotations

import threading

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics, ttfonts

from kapnotes.export.font_subsets import SubsetFont
from kapnotes.export.kept import Kept
from kapnotes.paths import resource_path

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
BOLD_ITALIC = "DejaVuSans-BoldOblique"

_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}
_lock = threading.Lock()  # exports may run on a worker thread
_registered = False


def register_fonts() -> None:
    """Register the four DejaVu faces and map <b>/<i> markup onto them (idempotent)."""
    global _registered
    with _lock:
        if _registered:
            return
        _fix_to_unicode_cmap()
        for name, filename in _FILES.items():
            path = resource_path("fonts", filename)
            if not path.is_file():
                raise FileNotFoundError(f"bundled font missing: {path}")
            pdfmetrics.registerFont(SubsetFont(name, str(path)))
        # Paragraph <b>/<i> look the family up by these mappings.
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, ITALIC)
        addMapping(REGULAR, 1, 1, BOLD_ITALIC)
        _registered = True


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap with code points above U+FFFF written as UTF-16 pairs.

    reportlab writes them as five hex digits (<1F600>), which is invalid: text extraction,
    search and copy-paste then lose every emoji. Same CMap otherwise. The last few are kept:
    every export of one report embeds the same subsets.
    """
    key = (fontname, tuple(subset))
    found = _CMAPS.get(key)
    if found is None:
        found = _cmap(fontname, subset)
        _CMAPS.put(key, found)
    return found


_CMAPS: Kept[str] = Kept(16)


def _cmap(fontname: str, subset: list[int]) -> str:
    def utf16(cp: int) -> str:
        return chr(cp).encode("utf-16-be", "surrogatepass").hex().upper()

    return "\n".join([
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{utf16(cp)}>" for i, cp in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ])


def _fix_to_unicode_cmap() -> None:
    # ttfonts looks the function up as a module global when it embeds a subset.
    if getattr(ttfonts.makeToUnicodeCMap, "__name__", "") != _to_unicode_cmap.__name__:
        ttfonts.makeToUnicodeCMap = _to_unicode_cmap
