"""Rows the regulator reports are built from: dosing sessions by medicine, and adverse
effects with their dosing record. Only reads; the services shape them (kapnotes/services/
regulator_reports.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kapnotes.storage.rows import to_datetime
from kapnotes.storage.vault import Vault


def dosing_sessions(vault: Vault) -> list[tuple[int, str, datetime, str, str]]:
    """(client id, client code, when, medication, course protocol) of every dosing session.
    The medication is the dosing record's ('' when none was entered yet)."""
    rows = vault.query(
        "SELECT c.id, c.code, s.starts_at, COALESCE(m.medication, ''), co.protocol"
        " FROM sessions s JOIN courses co ON co.id = s.course_id"
        " JOIN clients c ON c.id = co.client_id"
        " LEFT JOIN monitoring_records m ON m.session_id = s.id"
        " WHERE s.kind = 'dosing' ORDER BY s.starts_at, s.id")
    return [(int(r[0]), str(r[1]), to_datetime(r[2]) or datetime.min, str(r[3]), str(r[4]))
            for r in rows]


def adverse_events(vault: Vault) -> list[tuple[Any, ...]]:
    """(session start, client code, medication, route, dose mg, effect, severity, note,
    serious, interventions, ready-to-leave minutes, ended at, id) of every adverse effect;
    the dose is the first dose plus any boosters."""
    rows = vault.query(
        "SELECT s.starts_at, c.code, COALESCE(m.medication, ''), COALESCE(m.route, ''),"
        " m.dose_mg + (SELECT COALESCE(SUM(b.dose_mg), 0) FROM dose_boosters b"
        " WHERE b.session_id = s.id), a.effect, a.severity, a.note, a.serious,"
        " COALESCE(m.interventions, ''),"
        " m.ready_to_leave_minutes, m.ended_at, a.id"
        " FROM adverse_effects a JOIN sessions s ON s.id = a.session_id"
        " JOIN courses co ON co.id = s.course_id JOIN clients c ON c.id = co.client_id"
        " LEFT JOIN monitoring_records m ON m.session_id = s.id"
        " ORDER BY s.starts_at, a.id")
    return [(to_datetime(r[0]) or datetime.min, *r[1:]) for r in rows]
