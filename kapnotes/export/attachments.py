"""Files embedded in a finished PDF (the signed supervision log's entries, docs/SUPERVISION.md):
reportlab has no public call for embedded files, so the renderer writes the PDF into memory
and pypdf adds them here, keeping the document's metadata."""

from __future__ import annotations

import io
from collections.abc import Sequence

from pypdf import PdfReader, PdfWriter


def attach_files(data: bytes, files: Sequence[tuple[str, bytes]]) -> bytes:
    """`data` with each (name, content) embedded as a file attachment."""
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter(clone_from=reader)
    if reader.metadata:
        writer.add_metadata(dict(reader.metadata))
    for name, content in files:
        writer.add_attachment(name, content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
