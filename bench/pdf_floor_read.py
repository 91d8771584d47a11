"""The course PDF floor's first half: the least work to read what the export prints and
de-identify it, so the floor does what the app's measured path does before it draws.

The app's path (`services.exports.build_course_report`) reads the course through the
services (domain objects, per-session reads, seals, rules), assembles the report's blocks and
de-identifies every text. The floor here reads the same tables' rows for the same course with
one plain `SELECT *` each (no domain objects, no per-session queries, no seal or rule work),
decodes the stored field values (JSON) and passes every distinct text through the same
de-identification (`kapnotes.export.redaction.Redactor`, built from the client's row, with the
course's prescriber). It does not assemble anything: the page lines it then draws are given
(`probes_pdf.same_content_pdf`).
"""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace
from typing import Any

# Tables keyed by the course's sessions, as the export reads them (its note fields, addenda,
# events, dosing records, vitals, observations, effects, acknowledgements, boosters, rule
# overrides, device times, seals, intention reviews, theme mentions, review records).
_BY_SESSION = ("session_fields", "addenda", "session_events", "monitoring_records",
               "vitals_readings", "sedation_observations", "adverse_effects", "screening_acks",
               "dose_boosters", "rule_overrides", "device_times", "note_seals",
               "intention_reviews", "theme_mentions", "review_records")


def _rows(conn: Any, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def read_course(conn: Any, client_id: int, course_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row the course summary is made from, one plain SELECT per table."""
    out = {"clients": _rows(conn, "SELECT * FROM clients WHERE id = ?", (client_id,)),
           "courses": _rows(conn, "SELECT * FROM courses WHERE id = ?", (course_id,)),
           "planned_slots": _rows(conn, "SELECT * FROM planned_slots WHERE course_id = ?",
                                  (course_id,)),
           "sessions": _rows(conn, "SELECT * FROM sessions WHERE course_id = ?", (course_id,)),
           "intentions": _rows(conn, "SELECT * FROM intentions WHERE course_id = ?",
                               (course_id,)),
           "measures": _rows(conn, "SELECT * FROM measures WHERE client_id = ?", (client_id,)),
           "client_weights": _rows(conn, "SELECT * FROM client_weights WHERE client_id = ?",
                                   (client_id,)),
           "screens": _rows(conn, "SELECT * FROM screens WHERE client_id = ? ORDER BY "
                            "screened_on DESC, id DESC LIMIT 1", (client_id,)),
           "template_snapshots": _rows(conn, "SELECT * FROM template_snapshots"),
           "settings": _rows(conn, "SELECT * FROM settings WHERE key LIKE 'monitoring.%'")}
    ids = tuple(int(s["id"]) for s in out["sessions"])
    marks = ",".join("?" * len(ids))
    for table in _BY_SESSION:
        out[table] = _rows(conn, f"SELECT * FROM {table} WHERE session_id IN ({marks})", ids)
    out["themes"] = _rows(conn, "SELECT * FROM themes WHERE id IN (SELECT theme_id FROM "
                          f"theme_mentions WHERE session_id IN ({marks}))", ids)
    screen = tuple(int(s["id"]) for s in out["screens"])
    out["screen_answers"] = _rows(conn, "SELECT * FROM screen_answers WHERE screen_id IN "
                                  f"({','.join('?' * len(screen))})", screen)
    signed = tuple(str(s["id"]) for s in out["sessions"] if s["signed_at"])
    out["audit_log"] = _rows(conn, "SELECT * FROM audit_log WHERE record_type = 'session' "
                             f"AND record_id IN ({','.join('?' * len(signed))})", signed)
    return out


# Read but never printed as text: seals and the audit chain (hashes), template definitions
# (their titles and field labels are printed, and are taken from the decoded JSON).
_NOT_PRINTED = frozenset({"note_seals", "audit_log", "template_snapshots"})


def _texts(rows: dict[str, list[dict[str, Any]]]) -> set[str]:
    """Every distinct text the rows hold that a PDF may print."""
    texts: set[str] = set()
    for table, found in rows.items():
        if table in _NOT_PRINTED:
            continue
        for row in found:
            for column, value in row.items():
                if table == "session_fields" and column == "value" and value:
                    value = json.loads(value)
                if isinstance(value, str):
                    texts.add(value)
                elif isinstance(value, list):
                    texts.update(v for v in value if isinstance(v, str))
    for row in rows["template_snapshots"]:
        template = json.loads(row["definition"])
        texts.add(template.get("title", ""))
        texts.update(f.get("label", "") for f in template.get("fields", ()))
    return texts


def deidentify(rows: dict[str, list[dict[str, Any]]]) -> int:
    """Every distinct text read, through the export's own redactor; how many were changed."""
    from kapnotes.export.redaction import Redactor

    row = rows["clients"][0]
    born = row.get("date_of_birth")
    client = SimpleNamespace(**{k: (v if v is not None else "") for k, v in row.items()})
    client.date_of_birth = date.fromisoformat(born) if born else None
    redactor = Redactor([client], clinicians=[c["prescriber"] or "" for c in rows["courses"]])
    return sum(1 for text in _texts(rows) if redactor.scrub(text)[1])
