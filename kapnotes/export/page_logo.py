"""The practice logo in the page header: read once per export, drawn on every page."""

from __future__ import annotations

import io

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

LOGO_HEIGHT = 7 * mm


class HeaderLogo:
    """A PNG or JPEG logo; a damaged one is dropped when read, so an export never fails on it."""

    def __init__(self, data: bytes | None) -> None:
        self.reader: ImageReader | None = None
        self.size = (0, 0)
        if not data:
            return
        try:
            reader = ImageReader(io.BytesIO(data))
            self.size = reader.getSize()  # decodes the header: bad files fail here, not mid-page
        except Exception:  # any decoder error: the PDF goes out without the logo
            return
        if self.size[0] > 0 and self.size[1] > 0:
            self.reader = reader

    def draw(self, canv: Canvas, left: float, baseline: float, max_width: float) -> float:
        """Draw it 7 mm high, sitting on the header line; returns its width plus a gap
        (0 when there is none)."""
        if self.reader is None:
            return 0.0
        width, height = self.size
        w = min(LOGO_HEIGHT * width / height, max_width)
        canv.drawImage(self.reader, left, baseline - 1.5 * mm, width=w, height=LOGO_HEIGHT,
                       preserveAspectRatio=True, anchor="sw", mask="auto")
        return w + 2 * mm
