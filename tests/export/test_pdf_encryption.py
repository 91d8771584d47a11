"""Password-protected exports: AES-256 (/V 5 /R 6), open only with the right password."""

from __future__ import annotations

import pytest
from helpers.pdf_text import read_pdf
from pypdf import PasswordType

from kapnotes.domain.errors import ValidationError
from kapnotes.export.pdf import render_pdf
from kapnotes.export.report import Heading, Paragraph

PASSWORD = "tidal-lantern-4471"


@pytest.fixture
def protected(make_report) -> bytes:
    report = make_report([Heading("Ilse Marchetti"), Paragraph("Session went well.")],
                         title="Summary for Ilse Marchetti", subtitle="Course 1")
    return render_pdf(report, password=PASSWORD)


def test_encrypted_with_aes_256(protected: bytes) -> None:
    reader = read_pdf(protected)
    assert reader.is_encrypted
    encrypt = reader.trailer["/Encrypt"].get_object()
    assert (encrypt["/V"], encrypt["/R"]) == (5, 6)
    assert encrypt["/CF"]["/StdCF"]["/CFM"] == "/AESV3"


def test_wrong_or_empty_password_does_not_open(protected: bytes) -> None:
    for wrong in ("", "tidal-lantern-4472", PASSWORD.upper()):
        assert read_pdf(protected).decrypt(wrong) == PasswordType.NOT_DECRYPTED


def test_right_password_opens_text_and_metadata(protected: bytes) -> None:
    reader = read_pdf(protected)
    assert reader.decrypt(PASSWORD) == PasswordType.USER_PASSWORD
    assert "Session went well." in reader.pages[0].extract_text()
    assert reader.metadata.title == "Summary for Ilse Marchetti"
    assert reader.metadata.subject == "Course 1"


def test_client_name_is_not_readable_without_the_password(protected: bytes) -> None:
    # Metadata and page text are encrypted too, not just the page content streams.
    assert b"Marchetti" not in protected
    assert "Marchetti".encode("utf-16-be") not in protected


def test_empty_password_is_refused(make_report) -> None:
    with pytest.raises(ValidationError) as err:
        render_pdf(make_report(), password="")
    assert err.value.field == "password"


def test_no_password_means_no_encryption(make_report) -> None:
    assert not read_pdf(render_pdf(make_report())).is_encrypted
