"""Joining the practice server announces one settings change, after the link is kept, and
nothing when the server refuses the code (kapnotes/services/changes.py; the writer's row in
tests/services/test_change_notifications.py points here because it needs the server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kapnotes.domain.errors import KapNotesError
from kapnotes.practice import admin, server_schema
from kapnotes.services import practice_link
from kapnotes.services.changes import Changes, hub
from kapnotes.storage import lifecycle
from tests.practice.practice_helpers import unique_login


def test_join_announces_one_settings_change(practice_dsn: str, new_vault: Path,
                                            passphrase: str) -> None:
    server_schema.setup(practice_dsn)
    login = unique_login("ther")
    code = admin.add_clinician(practice_dsn, login, "therapist")
    with lifecycle.unlock_vault(new_vault, passphrase=passphrase) as vault:
        heard: list[Changes] = []
        hub(vault).subscribe(heard.append)
        practice_link.join(vault, practice_dsn, code, login)
        assert [c.kinds for c in heard] == [{"settings"}]


def test_a_refused_join_announces_nothing(practice_dsn: str, new_vault: Path,
                                          passphrase: str) -> None:
    server_schema.setup(practice_dsn)
    login = unique_login("nurse")
    admin.add_clinician(practice_dsn, login, "nurse")
    with lifecycle.unlock_vault(new_vault, passphrase=passphrase) as vault:
        heard: list[Changes] = []
        hub(vault).subscribe(heard.append)
        with pytest.raises(KapNotesError):
            practice_link.join(vault, practice_dsn, "WRONG-CODES-ABCDE-FGHJK-MNPQR", login)
        assert heard == []
        assert practice_link.linked(vault) is None
