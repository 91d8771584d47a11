"""De-identified PDFs against identifiers typed the way people type them.

Also the family members' names and nicknames the record holds as "other names" (words in
brackets there, "(mother)", are not names).

Two fictional clients with every identifying field filled; well over 100 variants of their
names (accents dropped, other case, inflected, initials), dates of birth (numeric in every
order and separator, 2-digit years, month names, ordinals), phones (+61, spaces, brackets),
emails, addresses, support people and clinicians are typed into notes, addenda, the course
title (which the breadcrumbs repeat) and the status reason. The PDF is read back with pypdf:
none of them may be left, compared with accents, case and white space removed (a wrapped
line cannot hide a leak), while the text around each one is still there.
"""

from __future__ import annotations

import dataclasses
import io
import re
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.services import exports

HUONG = Client(
    code="KAP-101", full_name="Nguyễn Thị Hương", preferred_name="Hương",
    date_of_birth=date(1979, 7, 23), phone="0412 345 678", email="huong.nguyen@example.org",
    address="12 Wattlebird Street, Fitzroy North VIC 3068",
    support_person="Trần Văn Minh", support_relationship="brother",
    support_phone="(03) 9123 4567", referring_clinician="Dr Olwen Petrakis",
    prescriber="Dr Idris Kovalenko", other_names="Trần Thị Mai (mother), Bé Lan")
SOFIA = Client(
    code="KAP-102", full_name="Σοφία Παπαδοπούλου", preferred_name="Σοφάκι",
    date_of_birth=date(1984, 3, 14), phone="+61 498 765 432", email="s.papa@example.net",
    address="7/45 Quenby Crescent, Brunswick West VIC 3055",
    support_person="Zhang Qiang", support_relationship="partner",
    referring_clinician="Dr Amaranth Oyelaran", prescriber="Dr Tobiah Wrenfield",
    other_names="Γιώργος (brother); Φιφή")
COURSE_PRESCRIBER = "Dr Leopoldine Marchetti"

VARIANTS: dict[str, list[str]] = {
    "name": [
        "Nguyễn Thị Hương", "Nguyen Thi Huong", "NGUYEN THI HUONG", "nguyen thi huong",
        "Huong", "HUONG", "huong", "Hương", "Nguyen", "Nguyễn", "NGUYỄN", "Thi Huong",
        "Huong Nguyen", "Nguyen, Huong", "Huongs", "N.T.H.", "N. T. H.", "NTH", "N.H.", "H.N.",
        "Σοφία Παπαδοπούλου", "ΣΟΦΙΑ", "Σοφία", "Σοφια", "σοφία", "Σοφίας", "Σοφίαs",
        "ΠΑΠΑΔΟΠΟΥΛΟΥ", "Παπαδοπούλου", "Παπαδοπουλου", "Σοφάκι", "ΣΟΦΑΚΙ", "Σοφακι",
        "Σ.Π.",
        "Trần Văn Minh", "Tran Van Minh", "TRAN VAN MINH", "Minh", "MINH", "Tran", "T.V.M.",
        "Zhang Qiang", "ZHANG QIANG", "zhang", "Qiang", "Z.Q.", "ZQ", "Z. Q.",
        "Trần Thị Mai", "Tran Thi Mai", "TRAN THI MAI", "Mai", "Bé Lan", "Be Lan", "BE LAN",
        "Lan", "Γιώργος", "Γιωργος", "ΓΙΩΡΓΟΣ", "Γιώργου", "Γιώργο", "Φιφή", "Φιφη",
    ],
    "date": [
        "1979-07-23", "23/07/1979", "23/7/1979", "7/23/1979", "07/23/1979", "23.07.1979",
        "23.7.1979", "23.07.79", "23-07-1979", "23-7-79", "23/07/79", "1979/07/23",
        "1979.07.23", "23 July 1979", "23 Jul 1979", "23rd July 1979", "23rd of July 1979",
        "July 23, 1979", "July 23rd, 1979", "Jul 23 1979", "Jul. 23, 1979", "JULY 23RD 1979",
        "23 july 79", "23071979", "19790723",
        "1984-03-14", "14/03/1984", "14/3/1984", "3/14/1984", "1984/03/14", "14.03.84",
        "14.3.84", "14 March 1984", "14th March 1984", "March 14th, 1984", "Mar 14, 1984",
        "14-Mar-1984", "14 mar 84", "the 14th of March, 1984",
    ],
    "phone": [
        "0412 345 678", "0412345678", "+61 412 345 678", "+61412345678", "+61 (0) 412 345 678",
        "0412-345-678", "(0412) 345 678", "0412.345.678", "+614 1234 5678",
        "(03) 9123 4567", "03 9123 4567", "+61 3 9123 4567", "0391234567", "9123 4567",
        "+61 498 765 432", "0498 765 432", "0498765432", "+61-498-765-432", "+44 20 7946 0958",
    ],
    "email": ["huong.nguyen@example.org", "HUONG.NGUYEN@EXAMPLE.ORG", "s.papa@example.net",
              "minh.tran@example.com"],
    "address": [
        "12 Wattlebird Street, Fitzroy North VIC 3068", "12 Wattlebird St", "Wattlebird Street",
        "12 wattlebird st.", "Fitzroy North", "3068", "7/45 Quenby Crescent", "Quenby Cres",
        "Quenby Crescent, Brunswick West", "Brunswick West", "3055",
    ],
    "clinician": [
        "Dr Olwen Petrakis", "Petrakis", "PETRAKIS", "Olwen", "Dr Idris Kovalenko",
        "Kovalenko", "Idris", "Dr Amaranth Oyelaran", "Oyelaran", "Tobiah Wrenfield",
        "Wrenfield", "Leopoldine Marchetti", "Marchetti",
    ],
}
ALL = [(kind, v) for kind, values in VARIANTS.items() for v in values]


def compact(text: str) -> str:
    base = unicodedata.normalize("NFKD", text)
    return re.sub(r"\s+", "", "".join(c for c in base if not unicodedata.combining(c))
                  ).casefold()


def survives(value: str, text: str) -> bool:
    """Compared without accents, case or white space; short values (initials) as words."""
    short = compact(value)
    if len(short) > 4:
        return short in compact(text)
    pattern = r"(?<!\w)" + r"\s*".join(re.escape(c) for c in short) + r"(?!\w)"
    return re.search(pattern, compact_keep_spaces(text)) is not None


def compact_keep_spaces(text: str) -> str:
    base = unicodedata.normalize("NFKD", text)
    return "".join(c for c in base if not unicodedata.combining(c)).casefold()


def pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    meta = " ".join(str(v) for v in (reader.metadata or {}).values())
    return "\n".join(p.extract_text() for p in reader.pages) + "\n" + meta


@pytest.fixture
def exported(services: object, tmp_path: Path) -> tuple[str, exports.ExportJob]:
    huong = services.clients.create(HUONG)
    sofia = services.clients.create(SOFIA)
    lines = [f"Marker{n:03d} {value} end{n:03d}." for n, (_, value) in enumerate(ALL)]
    jobs = []
    for client in (huong, sofia):
        course = services.courses.create(Course(
            client_id=int(client.id or 0), protocol="kap_sublingual_im",
            start_date=date(2026, 10, 1), prescriber=COURSE_PRESCRIBER,
            title=f"{client.full_name} – spring course"))
        services.courses.update(dataclasses.replace(
            course, status_reason=f"Paused: {client.preferred_name} travelling with "
                                  f"{client.support_person}"))
        session = services.notes.create_session(
            course_id=int(course.id or 0), kind=SessionKind.INTEGRATION,
            starts_at=datetime(2026, 11, 2, 10, 0), clinician="Dr Demo Clinician")
        services.notes.save_fields(int(session.id or 0), {
            "client_account": "\n".join(lines),
            "insights": f"{client.full_name.upper()} said her mother calls her "
                        f"{client.preferred_name}."})
        jobs.append(int(client.id or 0))
    options = exports.options_for(services, deidentified=True)
    job = exports.build_packet_report(services, jobs, options)
    path = exports.export_pdf(services, job, tmp_path / "packet.pdf")
    return pdf_text(path), job


def test_there_are_at_least_100_variants() -> None:
    assert len(ALL) >= 100


def test_no_identifier_variant_survives_in_the_pdf(exported: tuple[str, object]) -> None:
    text, _ = exported
    haystack = compact(text)
    left = [(kind, v) for kind, v in ALL if survives(v, text)]
    assert left == [], f"{len(left)} of {len(ALL)} survived: {left}"
    for n in range(len(ALL)):  # the text around each variant was exported (twice)
        assert haystack.count(f"marker{n:03d}") >= 2 and f"end{n:03d}" in haystack, n
    assert "spring course" in text and "KAP-101" in text and "KAP-102" in text
    assert "mother calls her" in text  # "(mother)" in the record does not make it a name


def test_the_exporter_gets_a_list_of_places_without_values(
        exported: tuple[str, exports.ExportJob]) -> None:
    _, job = exported
    places = job.report.redactions
    joined = "\n".join(places)
    assert any(p.endswith("Protocol and schedule › Course: 1 name") for p in places), places
    assert any(p.endswith("Integration session 1 · 2 Nov 2026: 1 name")  # the breadcrumb
               for p in places), places
    assert any(re.search(r"› Client's account: \d+ names, 39 dates of birth, 35 contact "
                         r"details, 18 clinician names", p) for p in places), places
    assert [v for _, v in ALL if survives(v, joined)] == []
