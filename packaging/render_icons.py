"""Render resources/icons/kapnotes.svg to the PNG sizes desktops want, and pack the Windows
.ico and macOS .icns from those PNGs (both formats may hold PNG data; no Pillow needed).

Run after changing the SVG:  QT_QPA_PLATFORM=offscreen uv run python packaging/render_icons.py
The outputs are committed, so a build machine needs none of this.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_TYPES = {b"icp4": 16, b"icp5": 32, b"ic07": 128, b"ic08": 256, b"ic09": 512}


def render(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = 6 + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, png in pngs.items():
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICO directory
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def icns(pngs: dict[bytes, bytes]) -> bytes:
    body = b"".join(kind + struct.pack(">I", 8 + len(png)) + png for kind, png in pngs.items())
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ICONS / "kapnotes.svg"))
    if not renderer.isValid():
        print("kapnotes.svg is not a valid SVG", file=sys.stderr)
        return 1
    rendered = {size: render(renderer, size) for size in {*PNG_SIZES, 512}}
    for size in PNG_SIZES:
        (ICONS / f"kapnotes-{size}.png").write_bytes(rendered[size])
    (ICONS / "kapnotes.ico").write_bytes(ico({s: rendered[s] for s in ICO_SIZES}))
    (ICONS / "kapnotes.icns").write_bytes(icns({k: rendered[s] for k, s in ICNS_TYPES.items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
