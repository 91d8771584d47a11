"""Pages of a rendered PDF as images (poppler's `pdftoppm`), to compare how two PDFs look."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageChops


def page_images(data: bytes, dpi: int = 50) -> list[Image.Image]:
    """Every page rendered in grey at `dpi`, as poppler's `pdftoppm` draws it."""
    tool = shutil.which("pdftoppm")
    assert tool is not None, "pdftoppm (poppler-utils) is needed to compare pages as images"
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "doc.pdf"
        pdf.write_bytes(data)
        subprocess.run([tool, "-gray", "-r", str(dpi), str(pdf), str(Path(folder) / "p")],
                       check=True, capture_output=True, timeout=300)
        pages = sorted(Path(folder).glob("p-*.pgm"), key=lambda p: int(p.stem.split("-")[1]))
        return [Image.open(p).copy() for p in pages]


def differing_pixels(a: Image.Image, b: Image.Image) -> int:
    """How many pixels of two equally sized page images differ by more than a shade."""
    assert a.size == b.size
    return sum(ImageChops.difference(a, b).histogram()[9:])
