"""Read a rendered PDF back: the reader, each page's text, a page's body."""

from __future__ import annotations

import io

from pypdf import PdfReader


def read_pdf(data: bytes, password: str | None = None) -> PdfReader:
    reader = PdfReader(io.BytesIO(data))
    if password is not None:
        reader.decrypt(password)
    return reader


def page_texts(data: bytes, password: str | None = None) -> list[str]:
    return [page.extract_text() for page in read_pdf(data, password).pages]


def page_text(data: bytes, number: int, password: str | None = None) -> str:
    """One page's text (0-based `number`): a test that looks at one page of a long PDF need
    not extract every page's."""
    return read_pdf(data, password).pages[number].extract_text()


def body(text: str) -> str:
    """Page text without the header and footer (drawn first, so extracted first)."""
    return text.split("KAP Notes 9.8.7\n", 1)[1]
