"""render_pdf, read back with pypdf: text, order, page furniture, scripts, contents, outline."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pytest
from helpers.pdf_text import body, page_texts, read_pdf

from kapnotes.export.pdf import DEIDENTIFIED_NOTICE, IDENTIFYING_CAPTION, render_pdf
from kapnotes.export.report import (
    Banner,
    DraftMark,
    Heading,
    KeyValues,
    LineChart,
    Marker,
    PageBreak,
    Paragraph,
    ReferenceLine,
    Series,
    SignatureLine,
    Table,
)

NAMES = ("Σοφία Παπαδοπούλου", "Анна Кузнецова", "Nguyễn Thị Hương")


def _vitals_table(n: int) -> Table:
    rows = [(f"2024-05-{i:03d}", f"{110 + i % 30}/{70 + i % 12}", "calm\nsettled" if i % 9 == 0
             else "—") for i in range(n)]
    return Table(("Measured on", "Blood pressure", "Observation"), rows, highlight_rows={2})


def _footer_pages(text: str) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in re.findall(r"Page (\d+) of (\d+)", text)]


def test_text_comes_back_in_order(make_report) -> None:
    report = make_report([
        Heading("First section"),
        Paragraph("Alpha paragraph."),
        KeyValues([("Course", "Course 2"), ("Sessions", "6")]),
        Banner("Check BP before dosing.", "alert"),
        Heading("Second section", 2),
        Paragraph("Omega paragraph.", "muted"),
        SignatureLine("Supervisor signature"),
    ], subtitle="Client 7")
    text = body(page_texts(render_pdf(report))[0])
    order = ["Course summary", "Client 7", "First section", "Alpha paragraph.", "Course",
             "Course 2", "Alert: Check BP before dosing.", "Second section", "Omega paragraph.",
             "Supervisor signature"]
    at = 0
    for expected in order:  # each one found after the one before it
        at = text.index(expected, at) + len(expected)


def test_long_table_repeats_header_and_every_page_is_numbered(make_report) -> None:
    data = render_pdf(make_report([Heading("Vitals"), _vitals_table(90)]))
    texts = page_texts(data)
    assert len(texts) >= 3
    for number, text in enumerate(texts, start=1):
        assert text.count("Blood pressure") == 1, f"page {number} lacks its header row"
        assert _footer_pages(text) == [(number, len(texts))]
        assert "Exported 2 Apr 2024" in text
        assert "KAP Notes 9.8.7" in text
        assert "Harbour Lane Therapy" in text  # header
    body = "".join(texts)
    assert all(f"2024-05-{i:03d}" in body for i in range(90))


def test_user_text_is_literal_not_markup(make_report) -> None:
    tricky = "BP <140/90> & HR > 100 <b>not bold</b> &amp; AT&T\nsecond line\n    indented"
    data = render_pdf(make_report([Heading("Q&A <draft>"), Paragraph(tricky),
                                   Table(("<col>",), (("a & b",),))], contents=True))
    text = "\n".join(page_texts(data))
    assert "Q&A <draft>" in text
    assert "BP <140/90> & HR > 100 <b>not bold</b> &amp; AT&T" in text
    assert re.search(r"AT&T\s*\n\s*second line\s*\n\s*indented", text)
    assert "<col>" in text and "a & b" in text


def test_emoji_do_not_break_the_text_around_them(make_report) -> None:
    # 😀 is in DejaVu Sans; 🙂 and 🧘 are not and draw as an empty box.
    data = render_pdf(make_report([Paragraph("felt calm 😀 then 🙂 and 🧘 after session end")]))
    text = page_texts(data)[0]
    assert "felt calm 😀 then" in text
    assert "after session end" in text


def test_control_characters_are_dropped_not_fatal(make_report) -> None:
    data = render_pdf(make_report([Paragraph("bell\x07 null\x00 form\x0cfeed\r\nCRLF")]))
    text = page_texts(data)[0]
    assert "bell null formfeed" in text and "CRLF" in text


@pytest.mark.parametrize("name", NAMES)
def test_names_in_greek_cyrillic_and_vietnamese_come_back(make_report, name: str) -> None:
    data = render_pdf(make_report([Heading(name), KeyValues([("Client", name)]),
                                   Table(("Name",), ((name,),))], title=f"Summary {name}"))
    text = page_texts(data)[0]
    assert text.count(name) >= 4  # header, heading, key-value, table cell
    assert read_pdf(data).metadata.title == f"Summary {name}"


def test_decomposed_vietnamese_is_drawn_with_precomposed_glyphs(make_report) -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hương")
    text = page_texts(render_pdf(make_report([Paragraph(decomposed)])))[0]
    assert "Nguyễn Thị Hương" in unicodedata.normalize("NFC", text)


def test_metadata_title_author_subject(make_report) -> None:
    data = render_pdf(make_report(subtitle="Anja Roth — course 1", author="Dr Ines Varga"))
    meta = read_pdf(data).metadata
    assert meta.title == "Course summary"
    assert meta.author == "Dr Ines Varga"
    assert meta.subject == "Anja Roth — course 1"
    assert meta.creator == "KAP Notes 9.8.7"


def test_deidentified_metadata_holds_only_title_and_author(make_report) -> None:
    report = make_report([Paragraph("Talked about her sister Maren.", possibly_identifying=True)],
                         title="Client K-042", subtitle="Anja Roth", deidentified=True)
    data = render_pdf(report)
    meta = read_pdf(data).metadata
    assert "Anja" not in " ".join(str(v) for v in meta.values())
    assert (meta.title, meta.author) == ("Client K-042", "Harbour Lane Therapy")
    text = page_texts(data)[0]
    assert DEIDENTIFIED_NOTICE in text
    assert "Confidential · De-identified" in text  # the footer says so on every page
    assert IDENTIFYING_CAPTION in text


def test_identifying_caption_only_in_deidentified_exports(make_report) -> None:
    block = Paragraph("Mentions a workplace.", possibly_identifying=True)
    assert IDENTIFYING_CAPTION not in page_texts(render_pdf(make_report([block])))[0]


def test_notices_are_printed_near_the_top(make_report) -> None:
    data = render_pdf(make_report([Heading("Body")],
                                  notices=["Private process notes are not included."]))
    text = page_texts(data)[0]
    assert text.index("Private process notes are not included.") < text.index("Body")


def test_contents_page_lists_sections_with_their_pages(make_report) -> None:
    parts = []
    for name in NAMES:
        parts += [Heading(name), Heading("Vitals", 2), _vitals_table(45), PageBreak()]
    data = render_pdf(make_report(parts[:-1], contents=True))
    texts = page_texts(data)
    contents = read_pdf(data).pages[0].extract_text(extraction_mode="layout")
    assert "Contents" in contents and "Vitals" not in contents  # level 1 only
    for name in NAMES:
        listed = int(re.search(re.escape(name) + r"[ .]*?(\d+)\n", contents).group(1))
        actual = next(i for i, t in enumerate(texts[1:], start=2) if name in body(t))
        assert listed == actual, name
    assert all(_footer_pages(t)[0][1] == len(texts) for t in texts)


def test_outline_bookmarks_point_at_the_heading_pages(make_report) -> None:
    sections = [Heading("Scores", 3), Heading("Client one"), Heading("Vitals", 3),
                _vitals_table(60), Heading("Client two")]
    reader = read_pdf(render_pdf(make_report(sections)))
    flat: list[tuple[str, int]] = []

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                flat.append((item.title, reader.get_destination_page_number(item)))

    walk(reader.outline)
    titles = [t for t, _ in flat]
    assert titles == ["Scores", "Client one", "Vitals", "Client two"]
    assert dict(flat)["Client two"] == len(reader.pages) - 1


def test_draft_mark_watermarks_only_its_own_page(make_report) -> None:
    data = render_pdf(make_report([Paragraph("Signed note."), PageBreak(), DraftMark(),
                                   Paragraph("Unsigned note.")]))
    first, second = page_texts(data)
    assert "DRAFT" not in first
    assert "DRAFT — not signed" in second
    assert second.count("DRAFT") == 2  # the boxed mark and the watermark


def test_empty_and_oversized_tables_render(make_report) -> None:
    huge_note = "\n".join(f"line {i} of a very long integration note" for i in range(150))
    data = render_pdf(make_report([
        Table(("Date", "Dose"), ()),
        KeyValues(()),
        Table(("Date", "Note"), (("2024-01-01", huge_note),), widths=(1, 4)),
    ]))
    text = "".join(page_texts(data))
    assert "No entries" in text
    assert "line 149 of a very long integration note" in text


def test_long_practice_name_is_shortened_in_the_header(make_report) -> None:
    name = "The Very Long Named Centre for Integrative Psychedelic-Assisted Psychotherapy " * 2
    text = page_texts(render_pdf(make_report(practice_name=name)))[0]
    assert "…" in text.splitlines()[0]


def test_chart_renders_with_dates_reference_lines_and_markers(make_report) -> None:
    start = dt.date(2024, 3, 4)
    chart = LineChart(
        "PHQ-9 over the course", "Week", "Score",
        [Series("PHQ-9", [(start + dt.timedelta(weeks=i), s)
                          for i, s in enumerate([20, 14, 9, 4])])],
        reference_lines=[ReferenceLine("remission < 5", 5)],
        markers=[Marker("KAP 1", start + dt.timedelta(days=3))],
        y_min=0, y_max=27,
    )
    data = render_pdf(make_report([Heading("Scores"), chart]))
    text = page_texts(data)[0]
    for expected in ("PHQ-9 over the course", "remission < 5", "KAP 1", "4 Mar 2024", "Score"):
        assert expected in text
    content = read_pdf(data).pages[0].get_contents().get_data()
    assert content.count(b" l") > 10  # lines were drawn (axes, grid, series, markers)


def test_unsupported_scripts_do_not_crash_and_latin_around_them_survives(make_report) -> None:
    # Documented in docs/PDF.md: RTL is not shaped reliably; CJK, Thai, Devanagari draw boxes.
    mixed = "Arabic مرحبا, Hebrew שלום, Chinese 王芳, Thai สวัสดี, Hindi नमस्ते — end of note"
    text = page_texts(render_pdf(make_report([Paragraph(mixed)])))[0]
    assert "end of note" in text and "Arabic" in text and "Hindi" in text
