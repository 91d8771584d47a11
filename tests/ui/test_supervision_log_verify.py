"""The supervision log PDF saved from the log window carries its signed entries and passes
the same check as `kapnotes review verify-log` (kapnotes/services/supervision_log_verify.py);
a changed entry in it is refused and the signer's fingerprint is the vault's own."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.review_model import SupervisionFormat, SupervisionSession
from kapnotes.services.clinician import set_clinician_profile
from kapnotes.services.supervision_log_verify import verify_log
from kapnotes.ui.supervision_log_view import SupervisionLogView
from tests.services.review_helpers import SUPERVISOR, THERAPIST


def test_log_pdf_saved_from_the_window_verifies(qtbot: Any, services: Any,
                                                tmp_path: Path) -> None:
    set_clinician_profile(services.vault, *THERAPIST)
    for day, minutes in ((date(2026, 10, 5), 60), (date(2026, 11, 2), 45)):
        services.reviews.log_session(SUPERVISOR[0], SupervisionSession(
            day, minutes, SupervisionFormat.INDIVIDUAL, ("consent",)))
    view = SupervisionLogView(services)
    qtbot.addWidget(view)
    view.show()
    pdf = view.save_pdf(tmp_path / "log.pdf")
    assert pdf is not None

    log = verify_log(pdf)
    assert (log.sessions, log.minutes, log.first, log.last) == (2, 105, "2026-10-05",
                                                                 "2026-11-02")
    assert log.fingerprint == services.reviews.fingerprint()
    assert log.clinician.startswith(THERAPIST[0])

    changed = tmp_path / "changed.pdf"
    changed.write_bytes(pdf.read_bytes().replace(b'"minutes":45', b'"minutes":95'))
    with pytest.raises(ValidationError, match="signature does not match the entries"):
        verify_log(changed)
