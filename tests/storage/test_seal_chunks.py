"""`kapnotes check` renders the seal documents ~500 notes to one SQL text
(kapnotes/storage/seal_sql.py), split again in Python on two control characters. Notes
spread over many chunks must give the per-note digests in order, and a value holding those
characters (a template id here) must not split a note: SQLite escapes them in JSON."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from kapnotes.storage import keyfile, lifecycle, seal_check, seal_sql, seals
from kapnotes.storage.vault import connect_keyed


@pytest.fixture
def demo(rich_demo_vault: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "demo.kapnotes"
    for suffix in ("", ".keys"):
        Path(f"{dest}{suffix}").write_bytes(Path(f"{rich_demo_vault}{suffix}").read_bytes())
    return dest


def _sql_digests(vault: Any) -> dict[int, str]:
    templates = {(r[0], r[1]): seals.template_hash(r[2]) for r in vault.execute(
        "SELECT template_id, version, definition FROM template_snapshots").fetchall()}
    fields = seal_check._Grouped(vault, "SELECT session_id, field_id, value FROM"
                                        " session_fields ORDER BY session_id, field_id")
    found = list(seal_sql.digests(vault, seals.LATEST_FORM,
                                  functools.partial(seal_check._fields, fields), templates))
    assert [sid for sid, _ in found] == sorted(sid for sid, _ in found)
    return dict(found)


def _python_digests(vault: Any) -> dict[int, str | None]:
    return {int(r[0]): seals.note_digest(vault, int(r[0]), seals.LATEST_FORM)
            for r in vault.execute("SELECT session_id FROM note_seals WHERE addendum_id = 0"
                                   " AND form = ?", (seals.LATEST_FORM,)).fetchall()}


def test_notes_over_many_chunks_are_each_notes_digest(demo: Path, passphrase: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(seal_sql, "CHUNK_IDS", 2)
    with lifecycle.unlock_vault(demo, passphrase=passphrase) as vault:
        python = _python_digests(vault)
        assert len(python) >= 5
        assert _sql_digests(vault) == python


def test_separators_in_a_value_do_not_split_a_note(demo: Path, passphrase: str) -> None:
    data_key = keyfile.read_key_file(keyfile.key_file_for(demo)).unlock(passphrase=passphrase)
    conn = connect_keyed(demo, data_key)
    try:
        sid = int(conn.execute("SELECT min(session_id) FROM note_seals WHERE addendum_id = 0"
                               ).fetchone()[0])
        odd = "x\x1f1\x1e2\x1fy"  # as if a second note started inside the first
        conn.execute("INSERT INTO template_snapshots (template_id, version, kind, definition)"
                     " SELECT ?, version, kind, definition || ' (copy)' FROM template_snapshots"
                     " WHERE (template_id, version) = (SELECT template_id, template_version"
                     " FROM sessions WHERE id = ?)", (odd, sid))
        conn.execute("UPDATE sessions SET template_id = ? WHERE id = ?", (odd, sid))
        conn.execute("DROP TRIGGER IF EXISTS note_seals_no_delete")
        conn.execute("DELETE FROM note_seals WHERE session_id = ?", (sid,))
        seals.seal_session(conn, sid)  # sealed over the odd id and its wording
    finally:
        conn.close()
    with lifecycle.unlock_vault(demo, passphrase=passphrase) as vault:
        python = _python_digests(vault)
        sql = _sql_digests(vault)
        assert sql == python
        assert sql[sid] == seals.seals_of(vault, sid)[0].digest


_VALUES = [  # stored as the app stores them (json.dumps), each field of one signed note
    "Plain words, no escapes.", "", "a\x1eb\x1fc\x02d\x03e\x00f\nline", "Zoë — naïve “quotes”",
    'He said "no" \\ twice', ["risks", "fasting"], [", "], [], [{"z": 1, "a": "x"}],
    {"b": [1, 2.5, None, True], "a": {"d": "e", "c": "f"}}, 7, -0.5, None, 1e-07,
]


def _reseal_with(demo: Path, passphrase: str, values: dict[str, str]) -> int:
    """One signed note's fields replaced by `values` (stored texts) and sealed again."""
    data_key = keyfile.read_key_file(keyfile.key_file_for(demo)).unlock(passphrase=passphrase)
    conn = connect_keyed(demo, data_key)
    try:
        sid = int(conn.execute("SELECT min(session_id) FROM note_seals WHERE addendum_id = 0"
                               ).fetchone()[0])
        for trigger in ("note_seals_no_delete", "session_fields_locked_insert",
                        "session_fields_locked_delete"):
            conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        conn.execute("DELETE FROM session_fields WHERE session_id = ?", (sid,))
        for fid, text in values.items():
            conn.execute("INSERT INTO session_fields (session_id, field_id, value, updated_at)"
                         " VALUES (?, ?, ?, '2026-01-01T00:00:00Z')", (sid, fid, text))
        conn.execute("DELETE FROM note_seals WHERE session_id = ?", (sid,))
        seals.seal_session(conn, sid)
    finally:
        conn.close()
    return sid


def test_every_kind_of_value_gives_the_python_digest(demo: Path, passphrase: str) -> None:
    """Values of every kind (the chunks' separators and other control characters escaped
    inside strings, non-ASCII, lists, objects with unsorted keys, numbers, null) and a
    field id holding a separator give the per-note Python digest through the chunks."""
    stored = {f"f{i:02}": json.dumps(v) for i, v in enumerate(_VALUES)}
    stored["f\x1e\u00e9"] = json.dumps("an odd field id")
    sid = _reseal_with(demo, passphrase, stored)
    with lifecycle.unlock_vault(demo, passphrase=passphrase) as vault:
        sql = _sql_digests(vault)
        assert sql[sid] == seals.note_digest(vault, sid, seals.LATEST_FORM)
        assert sql[sid] == seals.seals_of(vault, sid)[0].digest


@pytest.mark.parametrize("text", [
    '"a\x1e1\x1fb"',  # raw separators inside a string: not JSON
    '"a\x02"x"\x03"',  # raw control characters around a quoted text
    '"first","f99":"second"',  # one value that reads as two fields
])
def test_a_value_that_is_not_json_never_matches(demo: Path, passphrase: str, text: str) -> None:
    sid = _reseal_with(demo, passphrase, {"f00": json.dumps("first"), "f99": '"second"'})
    data_key = keyfile.read_key_file(keyfile.key_file_for(demo)).unlock(passphrase=passphrase)
    conn = connect_keyed(demo, data_key)
    try:
        conn.execute("DROP TRIGGER IF EXISTS session_fields_locked_update")
        conn.execute("DROP TRIGGER IF EXISTS session_fields_locked_delete")
        conn.execute("UPDATE session_fields SET value = ? WHERE session_id = ?"
                     " AND field_id = 'f00'", (text, sid))
        if "f99" in text:
            conn.execute("DELETE FROM session_fields WHERE session_id = ? AND field_id = 'f99'",
                         (sid,))
    finally:
        conn.close()
    with lifecycle.unlock_vault(demo, passphrase=passphrase) as vault:
        assert _sql_digests(vault)[sid] != seals.seals_of(vault, sid)[0].digest
        assert f"signed note {sid} was changed after signing" in " ".join(
            seal_check.problems(vault))
