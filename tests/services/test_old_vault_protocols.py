"""A vault written before protocols were data files opens and plans its courses as before.

The vault is built at schema version OLD_VERSION (the last one without the KAP dosing interval
field) with courses stored the old way, a KAP course's dosing interval in
`maintenance_interval_weeks`. Opening it with today's code migrates it; every course then
generates the plan recorded from the old code (tests/services/course_schedule_cases.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kapnotes.domain.errors import ValidationError
from kapnotes.services.container import build_services
from kapnotes.storage import keyfile, lifecycle
from kapnotes.storage.migrations import MIGRATIONS, migrate
from kapnotes.storage.schema import m013_course_dose_interval
from kapnotes.storage.vault import connect_keyed, create_empty_vault_file
from tests.helpers.basics import TEST_PASSPHRASE, FakeClock
from tests.services.course_schedule_cases import GOLDEN, TODAY, cases, render

# The last schema step before the dosing interval had its own field.
OLD_VERSION = next(m.version for m in MIGRATIONS
                   if m.apply is m013_course_dose_interval.migrate) - 1
NOW = "2026-11-20T09:00:00Z"


def _old_vault(path: Path) -> dict[str, int]:
    """A vault at OLD_VERSION holding one course per recorded case: {case key: course id}."""
    kf, data_key, _recovery = keyfile.create_key_file(TEST_PASSPHRASE)
    create_empty_vault_file(path, data_key)
    keyfile.write_key_file(keyfile.key_file_for(path), kf)
    conn: Any = connect_keyed(path, data_key)
    ids: dict[str, int] = {}
    try:
        assert migrate(conn, stop_before=OLD_VERSION + 1) == OLD_VERSION
        conn.execute("INSERT INTO clients (code, full_name, created_at, updated_at) "
                     "VALUES ('KAP-901', 'Old Example', ?, ?)", (NOW, NOW))
        client_id = conn.execute("SELECT id FROM clients").fetchone()[0]
        for key, protocol, start, weeks in cases():
            cur = conn.execute(
                "INSERT INTO courses (client_id, protocol, start_date, "
                "maintenance_interval_weeks, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (client_id, protocol, start.isoformat(), weeks, NOW, NOW))
            ids[key] = int(cur.lastrowid)
        conn.commit()
    finally:
        conn.close()
    return ids


def test_old_vault_courses_plan_as_they_did(tmp_path: Path) -> None:
    path = tmp_path / "old.kapnotes"
    ids = _old_vault(path)
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    vault = lifecycle.unlock_vault(path, passphrase=TEST_PASSPHRASE)
    try:
        services = build_services(vault, clock=FakeClock(TODAY),
                                  practice_templates=tmp_path / "templates")
        found = {}
        for key, protocol, start, weeks in cases():
            course = services.courses.get(ids[key])
            assert course.protocol == protocol  # stored ids never change
            # The migration copied each KAP course's interval, as its plan used it.
            assert course.dose_interval_weeks == (
                min(weeks, 2) if protocol == "kap_sublingual_im" else 1)
            offsets = [0, 7, 14, 28] if protocol == "custom" else None
            try:
                plan = services.courses.generate(course, custom_day_offsets=offsets)
            except ValidationError as exc:
                found[key] = [f"error {exc.field}: {exc.reason}"]
                continue
            found[key] = render(plan, start)
    finally:
        vault.close()
    changed = [k for k in expected if found[k] != expected[k]]
    assert changed == [], f"{changed[0]}: {found[changed[0]]} != {expected[changed[0]]}"
