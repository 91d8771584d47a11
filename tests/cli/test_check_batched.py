"""`kapnotes check` verifies every seal in one pass (kapnotes.storage.seal_check): each
table read once in note order instead of a dozen queries per note. The batched digests must
be the per-note digests, in every canonical form, and a change to any one note among many
must still be found and named through the real command, while its neighbours stay sound.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from kapnotes.storage import keyfile, lifecycle, seal_check, seal_sql, seals
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


def _raw(path: Path, passphrase: str) -> Any:
    data_key = keyfile.read_key_file(keyfile.key_file_for(path)).unlock(passphrase=passphrase)
    return connect_keyed(path, data_key)


@pytest.mark.parametrize("form", seals.FORMS)
def test_sqlite_rendered_digests_are_the_python_digests(demo, passphrase, form) -> None:
    """kapnotes/storage/seal_sql.py renders most of each document in SQLite: the text must
    hash to what the Python path gives, in every form."""
    conn = _raw(demo, passphrase)
    try:
        conn.execute("DROP TRIGGER IF EXISTS note_seals_no_update")
        conn.execute("UPDATE note_seals SET form = ? WHERE addendum_id = 0", (form,))
    finally:
        conn.close()
    with lifecycle.unlock_vault(demo, passphrase=passphrase) as vault:
        signed = _signed(vault)
        templates = {(r[0], r[1]): seals.template_hash(r[2]) for r in vault.execute(
            "SELECT template_id, version, definition FROM template_snapshots").fetchall()}
        fields = {sid: seals.fields_text([(r[0], r[1]) for r in vault.execute(
            "SELECT field_id, value FROM session_fields WHERE session_id = ?",
            (sid,)).fetchall()]) for sid in signed}
        rendered = dict(seal_sql.digests(vault, form, fields.__getitem__, templates))
        assert rendered == {sid: seals.note_digest(vault, sid, form) for sid in signed}


def _dosing_note_without_addenda(vault: Any) -> int:
    row = vault.execute(
        "SELECT s.id FROM sessions s JOIN monitoring_records m ON m.session_id = s.id"
        " WHERE s.signed_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM addenda a"
        " WHERE a.session_id = s.id) ORDER BY s.id").fetchone()
    assert row is not None
    return int(row[0])


def _sealed_over_an_odd_weight(demo: Path, passphrase: str) -> int:
    """A dosing note without addenda whose weight SQLite writes with 17 digits (Python: 16),
    sealed again over it as the app seals; its id."""
    with lifecycle.unlock_vault(demo, passphrase=passphrase) as vault:
        sid = _dosing_note_without_addenda(vault)
    conn = _raw(demo, passphrase)
    try:
        for trigger in ("note_seals_no_delete", "monitoring_records_locked_update"):
            conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        conn.execute("UPDATE monitoring_records SET weight_kg = 70.33333333333333"
                     " WHERE session_id = ?", (sid,))
        conn.execute("DELETE FROM note_seals WHERE session_id = ?", (sid,))
        seals.seal_session(conn, sid)
    finally:
        conn.close()
    return sid


def _set_weight(demo: Path, passphrase: str, sid: int, weight: float) -> None:
    conn = _raw(demo, passphrase)
    try:
        conn.execute("UPDATE monitoring_records SET weight_kg = ? WHERE session_id = ?",
                     (weight, sid))
    finally:
        conn.close()


def test_a_value_sqlite_writes_differently_is_decided_in_python(
        run_entry, demo, passphrase, passphrase_file) -> None:
    """SQLite writes 70.33333333333333 with 17 digits, Python with 16: a note sealed over it
    still checks sound (its digest is recomputed in Python), and changing it is found. Both
    checks through the console entry in this process (tests/helpers/console_entry.py); the
    real command runs as a subprocess above."""
    sid = _sealed_over_an_odd_weight(demo, passphrase)
    sound = run_entry("check", "--vault", demo, "--passphrase-file", passphrase_file)
    assert sound.returncode == 0, sound.stderr
    _set_weight(demo, passphrase, sid, 70.33333333333334)  # behind the app's back
    changed = run_entry("check", "--vault", demo, "--passphrase-file", passphrase_file)
    assert changed.returncode == 1
    assert f"signed note {sid} was changed after signing" in changed.stderr


def test_a_summarys_seals_at_once_are_each_notes_seal(demo, passphrase) -> None:
    """`seal_batch.current_seals` (a course summary's notes) gives `current_seal` for every
    note: drafts, signed notes, notes with addenda, and a note changed after signing."""
    from kapnotes.storage.seal_batch import current_seals

    conn = _raw(demo, passphrase)
    try:  # one signed note changed behind the app's back
        changed = int(conn.execute("SELECT min(session_id) FROM session_fields WHERE session_id"
                                   " IN (SELECT id FROM sessions WHERE signed_at IS NOT NULL)"
                                   ).fetchone()[0])
        conn.execute("DROP TRIGGER IF EXISTS session_fields_locked_update")
        conn.execute("UPDATE session_fields SET value = '\"changed\"' WHERE session_id = ?1"
                     " AND field_id = (SELECT min(field_id) FROM session_fields"
                     " WHERE session_id = ?1)", (changed,))
        assert conn.total_changes == 1
    finally:
        conn.close()
    with lifecycle.unlock_vault(demo, passphrase=passphrase) as vault:
        signed = _signed(vault)
        with_addenda = {int(r[0]) for r in vault.execute("SELECT session_id FROM addenda")}
        every = [int(r[0]) for r in vault.execute("SELECT id FROM sessions").fetchall()]
        one_by_one = {sid: seals.current_seal(vault, sid) for sid in [*every, 10**6]}
        assert current_seals(vault, [*every, 10**6]) == one_by_one
        assert one_by_one[changed] is not None and one_by_one[changed][2] is False
        assert any(v is None for v in one_by_one.values())  # drafts among them
        assert with_addenda & set(signed)  # addenda among the signed notes


def test_a_summarys_seal_over_a_value_sqlite_writes_differently_is_decided_in_python(
        demo, passphrase) -> None:
    """A summary's seals are rendered by SQLite too (`seal_check.sealed_digests`): a note
    sealed over a value SQLite writes with another digit still prints as intact, with the
    Python digest, and the value changed afterwards is flagged, as `current_seal` says."""
    from kapnotes.storage.seal_batch import current_seals

    sid = _sealed_over_an_odd_weight(demo, passphrase)
    with lifecycle.unlock_vault(demo, passphrase=passphrase) as vault:
        sound = current_seals(vault, [sid])[sid]
        assert sound == seals.current_seal(vault, sid) and sound is not None and sound[2]
    _set_weight(demo, passphrase, sid, 70.33333333333334)  # behind the app's back
    with lifecycle.unlock_vault(demo, passphrase=passphrase) as vault:
        changed = current_seals(vault, [sid])[sid]
        assert changed == seals.current_seal(vault, sid) and changed is not None
        assert changed[2] is False and changed[0] != sound[0]


def _adjacent_string_fields(vault: Any) -> tuple[int, str, str, str, str]:
    """A signed note and two of its fields next to each other in field-id order, both stored
    as one JSON string without escapes: (note, first id, its value, second id, its value)."""
    for sid in _signed(vault):
        rows = vault.execute("SELECT field_id, value FROM session_fields WHERE session_id = ?"
                             " ORDER BY field_id", (sid,)).fetchall()
        for (fid, value), (next_fid, next_value) in pairwise(rows):
            if all(v.startswith('"') and "\\" not in v for v in (value, next_value)):
                return sid, fid, value, next_fid, next_value
    raise AssertionError("the demo vault has no note with two plain text fields")


def test_a_field_value_spliced_to_pass_for_two_fields_is_found(
        run_cli, demo, passphrase, passphrase_file) -> None:
    """One field's stored value rewritten as `"a","next_field":"b"` and the next field
    deleted: the text of the fields reads the same as before, but the stored value is not
    JSON (the app cannot read the note) and a field is gone, so the note has changed."""
    with lifecycle.unlock_vault(demo, passphrase=passphrase) as vault:
        sid, fid, value, next_fid, next_value = _adjacent_string_fields(vault)
    conn = _raw(demo, passphrase)
    try:
        for trigger in ("session_fields_locked_update", "session_fields_locked_delete"):
            conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        deleted = conn.execute("DELETE FROM session_fields WHERE session_id = ?"
                               " AND field_id = ?", (sid, next_fid)).rowcount
        updated = conn.execute("UPDATE session_fields SET value = ? WHERE session_id = ?"
                               " AND field_id = ?",
                               (f'{value},"{next_fid}":{next_value}', sid, fid)).rowcount
        assert (deleted, updated) == (1, 1)
    finally:
        conn.close()
    result = run_cli("check", "--vault", demo, "--passphrase-file", passphrase_file)
    assert result.returncode == 1, result.stdout
    assert f"signed note {sid} was changed after signing" in result.stderr



def test_a_summarys_seal_of_a_signed_note_whose_seal_was_removed_is_the_notes_own(
        demo, passphrase) -> None:
    """A signed note whose note seal was deleted behind the app's back (`check`: "marked
    signed but has no seal") prints in a summary what `current_seal` says of it, its digest
    now and not an empty one: SQLite renders only notes with a note seal, so such a note is
    computed by the Python path like any other that does not match."""
    from kapnotes.storage.seal_batch import current_seals

    with lifecycle.unlock_vault(demo, passphrase=passphrase) as vault:
        sid = _signed(vault)[0]
    conn = _raw(demo, passphrase)
    try:
        conn.execute("DROP TRIGGER IF EXISTS note_seals_no_delete")
        conn.execute("DELETE FROM note_seals WHERE session_id = ? AND addendum_id = 0", (sid,))
        assert conn.total_changes >= 1
    finally:
        conn.close()
    with lifecycle.unlock_vault(demo, passphrase=passphrase) as vault:
        one = seals.current_seal(vault, sid)
        assert current_seals(vault, [sid]) == {sid: one}
