"""The header and footer drawn once and repeated (export/page_furniture.py, `_Repeat`) are
byte for byte what reportlab writes when it draws them on every page: with a logo, a
practice name and title in Greek, Cyrillic and Vietnamese (characters in later font subsets),
the audit line, and DRAFT pages."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from helpers.pdf_text import page_texts
from PIL import Image

from kapnotes.export import page_furniture, pdf
from kapnotes.export.report import DraftMark, Heading, PageBreak, Paragraph, Report

NAMES = "Nguyễn Thị Hương · Σοφία Παπαδοπούλου · Анна Кузнецова"


def _logo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 40), (0, 114, 178)).save(out, format="PNG")
    return out.getvalue()


def _drawn_every_time(self: Any, canv: Any) -> Callable[..., None]:
    def call(draw: Callable[..., None], *args: object) -> None:
        draw(*args)

    return call


@pytest.mark.parametrize("logo", [False, True])
def test_repeated_furniture_is_what_reportlab_writes_on_every_page(
        logo: bool, make_report: Callable[..., Report],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from reportlab import rl_config

    monkeypatch.setattr(rl_config, "invariant", 1)
    sections: list[Any] = []
    for n in range(12):
        sections += [Heading(f"Session {n + 1} {NAMES[: n * 4]}", 1),
                     Paragraph(f"Body {n} " * 60)]
        if n % 4 == 1:
            sections.append(DraftMark("Draft: not signed"))
        sections.append(PageBreak())
    report = make_report(sections, practice_name=f"Praxis {NAMES} " * 2,
                         title=f"Course summary — {NAMES}", audit_head="9 entries, head 0a1b",
                         practice_logo=_logo() if logo else None, deidentified=True)
    repeated = pdf.render_pdf(report)
    monkeypatch.setattr(page_furniture._Repeat, "bind", _drawn_every_time)
    every_time = pdf.render_pdf(report)
    assert repeated == every_time
    texts = page_texts(repeated)
    assert len(texts) >= 12
    assert all(f"Page {n} of {len(texts)}" in text for n, text in enumerate(texts, 1))
