"""A small real vault with one client, one course and one signed preparation note (+ addendum),
built in-process through the services and closed, for CLI tests that tamper or export."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from helpers.vault_template import copy_vault

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.services.container import build_services
from kapnotes.storage import lifecycle

CODE = "KAP-451"
ORIGINAL = "Low mood for years; hopes to feel closer to family."


@dataclass(frozen=True)
class SignedVault:
    path: Path
    session_id: int
    draft_id: int
    addendum_id: int


def build_signed_vault(path: Path, passphrase: str) -> SignedVault:
    created = lifecycle.create_vault(path, passphrase)
    try:
        svc = build_services(created.vault, practice_templates=path.parent / "templates")
        client = svc.clients.create(Client(code=CODE, full_name="Ilse Fictional"))
        course = svc.courses.create(Course(client_id=client.id, protocol="kap_sublingual_im",
                                           start_date=date(2026, 11, 2)))
        session = svc.notes.create_session(course_id=course.id, kind=SessionKind.PREPARATION,
                                           starts_at=datetime(2026, 11, 2, 9, 30),
                                           clinician="Dr Test")
        svc.notes.save_fields(session.id, {"reasons": ORIGINAL,
                                           "intentions": ["Be gentle with myself"]})
        svc.notes.sign(session.id, signer="Dr Test", reason="test vault")
        addendum = svc.notes.add_addendum(session.id, "Correction: seen with partner.",
                                          author="Dr Test")
        draft = svc.notes.create_session(course_id=course.id, kind=SessionKind.PREPARATION,
                                         starts_at=datetime(2026, 11, 9, 9, 30))
    finally:
        created.vault.close()
    return SignedVault(path, int(session.id), int(draft.id), int(addendum.id or 0))


def copy_signed_vault(template: SignedVault, path: Path) -> SignedVault:
    """The template's files at `path` (its folder must exist): the same vault, ids and all,
    without building it again for each test (`signed_vault_template`, tests/cli/conftest.py)."""
    copy_vault(template.path, path)
    return dataclasses.replace(template, path=path)
