"""The seal covers everything a signed note shows, and older seals keep matching.

Form 2 of the canonical content (kapnotes.storage.seals) adds the vitals confirmation,
strike, correction and entry-time columns (schema step 9) and the course rows derived from
the note (intentions it set, intention reviews, theme mentions); form 3 the stored wording of
the note's template version. Each test changes one of
them in a signed note of a real demo vault with raw SQL, the locking triggers dropped as any
SQLCipher tool could, and runs the real `kapnotes check` (its console entry in this process;
the sound vaults' checks as subprocesses): it must exit non-zero. A note sealed in form 1
before schema step 11 still checks sound after the upgrade.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kapnotes.storage import keyfile, lifecycle, seal_check, seals
from kapnotes.storage.vault import connect_keyed

LOCKED_TABLES = ("vitals_readings", "intention_reviews", "theme_mentions")
LOCKS = (*(f"{t}_locked_{op}" for t in LOCKED_TABLES for op in ("insert", "update", "delete")),
         "intentions_text_locked")


def _copy(template: Path, dest: Path) -> Path:
    for source in (template, template.with_name(template.name + ".keys")):
        target = dest.with_name(dest.name + source.name.removeprefix(template.name))
        target.write_bytes(source.read_bytes())
    return dest


def _raw(vault: Path, passphrase: str) -> Any:
    data_key = keyfile.read_key_file(keyfile.key_file_for(vault)).unlock(passphrase=passphrase)
    return connect_keyed(vault, data_key)


def _one(conn: Any, sql: str) -> int:
    row = conn.execute(sql).fetchone()
    assert row is not None, sql
    return int(row[0])


SIGNED_DOSING_READING = ("SELECT v.id FROM vitals_readings v JOIN sessions s"
                         " ON s.id = v.session_id WHERE s.signed_at IS NOT NULL ORDER BY v.id")
SIGNED_NOTE = "SELECT id FROM sessions WHERE signed_at IS NOT NULL ORDER BY id"
SIGNED_MENTION = ("SELECT m.id FROM theme_mentions m JOIN sessions s ON s.id = m.session_id"
                  " WHERE s.signed_at IS NOT NULL ORDER BY m.id")
SIGNED_INTENTION = ("SELECT i.id FROM intentions i JOIN sessions s"
                    " ON s.id = i.source_session_id WHERE s.signed_at IS NOT NULL ORDER BY i.id")

Tamper = Callable[[Any], None]
TAMPERS: dict[str, Tamper] = {
    "reading struck": lambda c: c.execute(
        "UPDATE vitals_readings SET struck_at = '2026-11-02T10:00:00+00:00',"
        " change_reason = 'typo' WHERE id = ?", (_one(c, SIGNED_DOSING_READING),)),
    "strike reason reworded": lambda c: c.execute(
        "UPDATE vitals_readings SET change_reason = 'measured again' WHERE id = ?",
        (_one(c, SIGNED_DOSING_READING),)),
    "reading made a correction of another": lambda c: c.execute(
        "UPDATE vitals_readings SET corrects_id = 1 WHERE id = ?",
        (_one(c, SIGNED_DOSING_READING),)),
    "reading marked a confirmed extreme": lambda c: c.execute(
        "UPDATE vitals_readings SET confirmed_unusual = 1 WHERE id = ?",
        (_one(c, SIGNED_DOSING_READING),)),
    "entry time changed": lambda c: c.execute(
        "UPDATE vitals_readings SET entered_at = '2026-12-01T09:00:00+00:00' WHERE id = ?",
        (_one(c, SIGNED_DOSING_READING),)),
    "intention review slipped in": lambda c: c.execute(
        "INSERT INTO intention_reviews (intention_id, session_id, field_id, progress, note)"
        " VALUES ((SELECT min(id) FROM intentions), ?, 'intentions_review', 9, 'Backdated.')",
        (_one(c, SIGNED_NOTE),)),
    "theme mention evidence changed": lambda c: c.execute(
        "UPDATE theme_mentions SET evidence = 'Never said.' WHERE id = ?",
        (_one(c, SIGNED_MENTION),)),
    "theme mention word changed": lambda c: c.execute(
        "UPDATE theme_mentions SET written_as = 'anger' WHERE id = ?",
        (_one(c, SIGNED_MENTION),)),
    "theme mention deleted": lambda c: c.execute(
        "DELETE FROM theme_mentions WHERE id = ?", (_one(c, SIGNED_MENTION),)),
    "intention set by the note reworded": lambda c: c.execute(
        "UPDATE intentions SET text = 'Something else' WHERE id = ?",
        (_one(c, SIGNED_INTENTION),)),
    "stored template wording changed": lambda c: c.execute(
        "UPDATE template_snapshots SET definition = replace(definition, 'Reasons',"
        " 'Reasons given') WHERE (template_id, version) IN (SELECT template_id,"
        " template_version FROM sessions WHERE signed_at IS NOT NULL)", ()),
}


@pytest.fixture
def demo_copy(rich_demo_vault: Path, tmp_path: Path) -> Path:
    return _copy(rich_demo_vault, tmp_path / "demo.kapnotes")


@pytest.fixture
def demo_pf(passphrase_file: Path) -> Path:
    return passphrase_file  # the rich demo vault is made with the test passphrase


def test_an_untouched_demo_vault_checks_sound(run_cli, demo_copy, demo_pf,
                                              passphrase) -> None:
    result = run_cli("check", "--vault", demo_copy, "--passphrase-file", demo_pf)
    assert result.returncode == 0, result.stderr
    with lifecycle.unlock_vault(demo_copy, passphrase=passphrase) as vault:
        assert {s.form for s in seals.seals_of(vault) if s.addendum_id == seals.NOTE} == {
            seals.LATEST_FORM}


@pytest.mark.parametrize("how", list(TAMPERS))
def test_changing_what_a_signed_note_shows_fails_check(run_entry, demo_copy, demo_pf,
                                                       passphrase, how) -> None:
    """`check` through the console entry in this process (tests/helpers/console_entry.py);
    the untouched and the upgraded vault's checks above and below run as subprocesses."""
    conn = _raw(demo_copy, passphrase)
    try:
        for name in LOCKS:
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")
        TAMPERS[how](conn)
        assert conn.total_changes >= 1, how
    finally:
        conn.close()
    result = run_entry("check", "--vault", demo_copy, "--passphrase-file", demo_pf)
    assert result.returncode != 0, (how, result.stdout)
    assert "was changed after signing" in result.stderr, (how, result.stderr)
    assert "Traceback" not in result.stderr


# A vault written by the app at schema step 10 (commit f16ef8d, its tests/cli/signed_note.py
# with the migrations stopped after step 10): one client, one course, a signed preparation
# note with an addendum (session 1) and a draft, under the tests' passphrase. Made by that
# release's own code, so today's services (which write later columns) never have to run on
# an old schema.
STEP_10_VAULT = Path(__file__).parents[1] / "fixtures" / "schema10" / "step10.kapnotes"


def test_a_seal_made_before_the_newer_forms_still_matches_after_the_upgrade(
    run_cli, tmp_path: Path, passphrase: str, passphrase_file: Path,
) -> None:
    """A note signed by the app at schema step 10 keeps its form-1 seal after the upgrade:
    today's code re-hashes it to the very digests that release made."""
    path = _copy(STEP_10_VAULT, tmp_path / "old.kapnotes")
    raw = _raw(path, passphrase)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 10
        made = [row[0] for row in raw.execute(
            "SELECT digest FROM note_seals WHERE session_id = 1 ORDER BY addendum_id")]
    finally:
        raw.close()
    assert len(made) == 2
    result = run_cli("check", "--vault", path, "--passphrase-file", passphrase_file)
    assert result.returncode == 0, result.stderr
    with lifecycle.unlock_vault(path, passphrase=passphrase) as vault:
        assert vault.user_version >= 11
        assert seals.seals_of(vault, 1)[0].form == 1
        assert seals.current_seal(vault, 1) == (made[0], made[-1], True)


def test_what_the_app_changes_after_signing_keeps_seals_sound(
    rich_demo_vault: Path, tmp_path: Path, clock: Any, passphrase: str
) -> None:
    """Renaming and merging themes, and giving an intention a status, are course care, not
    note edits: the seals of the notes that mention them still match."""
    from helpers.vault_template import open_copy

    with open_copy(rich_demo_vault, tmp_path / "care.kapnotes", clock, tmp_path / "templates",
                   passphrase) as svc:
        used = [t for t in svc.themes.all() if svc.themes.mentions_of(t.id)]
        assert len(used) >= 2
        svc.themes.rename(used[0].id, "Grief and loss")
        svc.themes.merge([used[1].id], used[0].id)
        assert seal_check.problems(svc.vault) == []
