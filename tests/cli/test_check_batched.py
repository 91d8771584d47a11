"""`kapnotes check` verifies every seal in one pass (kapnotes.storage.seal_check): each
table read once in note order instead of a dozen queries per note. The batched digests must
be the per-note digests, in every canonical form, and a change to any one note among many
must still be found and named through the real command, while its neighbours stay sound.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kapnotes.storage import keyfile, lifecycle, seal_check, seals
from kapnotes.storage.vault import connect_keyed


def _copy(template: Path, dest: Path) -> Path:
    for source in (template, template.with_name(template.name + ".keys")):
        target = dest.with_name(dest.name + source.name.removeprefix(template.name))
        target.write_bytes(source.read_bytes())
    return dest


@pytest.fixture
def demo(rich_demo_vault: Path, tmp_path: Path) -> Path:
    return _copy(rich_demo_vault, tmp_path / "demo.kapnotes")


def _signed(vault: Any) -> list[int]:
    return [int(r[0]) for r in vault.execute(
        "SELECT id FROM sessions WHERE signed_at IS NOT NULL ORDER BY id").fetchall()]


@pytest.mark.parametrize("form", seals.FORMS)
def test_batched_digests_are_the_per_note_digests_in_every_form(demo, passphrase,
                                                                form) -> None:
    with lifecycle.unlock_vault(demo, passphrase=passphrase) as vault:
        signed = _signed(vault)
        assert len(signed) >= 5
        # Dosing records, vitals and course rows among them, so every table is exercised.
        for table, key in (("vitals_readings", "session_id"), ("theme_mentions", "session_id"),
                           ("intentions", "source_session_id")):
            assert vault.execute(f"SELECT count(*) FROM {table} WHERE {key} IN"
                                 " (SELECT id FROM sessions WHERE signed_at IS NOT NULL)"
                                 ).fetchone()[0] > 0, table
        missing = max(signed) + 1000  # a note that does not exist gives None both ways
        batched = dict(seal_check.note_digests(vault, {sid: form for sid in [*signed, missing]}))
        assert batched == {sid: seals.note_digest(vault, sid, form)
                           for sid in [*signed, missing]}
        assert batched[missing] is None


def test_a_note_changed_among_many_is_named_alone(run_cli, demo, passphrase,
                                                  passphrase_file) -> None:
    with lifecycle.unlock_vault(demo, passphrase=passphrase) as vault:
        signed = _signed(vault)
        with_fields = [sid for sid in signed if vault.execute(
            "SELECT count(*) FROM session_fields WHERE session_id = ?", (sid,)).fetchone()[0]]
    middle = with_fields[len(with_fields) // 2]
    assert signed[0] < middle < signed[-1]
    data_key = keyfile.read_key_file(keyfile.key_file_for(demo)).unlock(passphrase=passphrase)
    conn = connect_keyed(demo, data_key)
    try:
        conn.execute("DROP TRIGGER IF EXISTS session_fields_locked_update")
        conn.execute("UPDATE session_fields SET value = '\"Rewritten later.\"'"
                     " WHERE session_id = ?1 AND field_id = (SELECT min(field_id)"
                     " FROM session_fields WHERE session_id = ?1)", (middle,))
        assert conn.total_changes == 1
    finally:
        conn.close()
    result = run_cli("check", "--vault", demo, "--passphrase-file", passphrase_file)
    assert result.returncode == 1, result.stdout
    problems = [line for line in result.stderr.splitlines() if "problem:" in line]
    assert problems == [f"kapnotes: problem: signed note {middle} was changed after signing"
                        " (content, signer or time differ from its seal)"], result.stderr
