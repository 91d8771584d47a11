"""Schema step 010: search finds what was written and ticked, wherever it was written.

- Checklist fields were indexed with every option and its box (☑/☐), so a note matched an
  option nobody ticked. New text comes from `kapnotes.domain.template_text.search_text`
  (ticked options only); this step cleans the index of notes written before it: unticked
  lines dropped, the ☑ mark taken off. Only the index is rewritten, never `session_fields`:
  a signed note's rows are locked, and the index is what search reads.
- The monitoring record of a dosing session (medication, route, dose, lot, interventions,
  escort, readings, observation notes, adverse effects, boosters, rule-override reasons)
  becomes one search document per session, kind 'monitoring', kept current by triggers on
  its six tables, so every writer (the window, the CLI, an import) keeps it right. Its text
  is the `monitoring_search_text` view: one derivation for the triggers and the backfill.
- A client's current medicines become a document of kind 'medicines' (the client record's
  name/code document stays as it was).
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.script import run_script

CHECKED, UNCHECKED = "☑", "☐"
MONITORING_TABLES = ("monitoring_records", "vitals_readings", "sedation_observations",
                     "adverse_effects", "dose_boosters", "rule_overrides")

VIEWS = r"""
CREATE VIEW monitoring_search_text AS
SELECT s.id AS session_id, c.client_id AS client_id, trim(
    COALESCE((SELECT trim(COALESCE(m.medication, '') || ' ' || COALESCE(m.route, '') || ' '
                     || COALESCE(printf('%g mg', m.dose_mg), '') || ' ' || m.lot_number || ' '
                     || m.monitoring_clinician || ' ' || m.setting) || char(10)
                     || m.interventions || char(10) || m.escort
                FROM monitoring_records m WHERE m.session_id = s.id), '') || char(10)
 || COALESCE((SELECT group_concat(trim(
                     COALESCE('BP ' || v.systolic || '/' || v.diastolic || ' ', '')
                     || COALESCE('HR ' || v.heart_rate || ' ', '')
                     || COALESCE('SpO2 ' || v.spo2 || '%', '')), char(10))
                FROM vitals_readings v WHERE v.session_id = s.id AND v.struck_at IS NULL),
             '') || char(10)
 || COALESCE((SELECT group_concat(trim(
                     CASE o.dissociation WHEN 'none' THEN '' ELSE o.dissociation
                          || ' dissociation ' END || o.note), char(10))
                FROM sedation_observations o WHERE o.session_id = s.id), '') || char(10)
 || COALESCE((SELECT group_concat(trim(
                     CASE a.effect WHEN 'raised_bp' THEN 'raised blood pressure'
                          ELSE replace(a.effect, '_', ' ') END || ' ' || a.severity
                     || CASE a.serious WHEN 1 THEN ' serious' ELSE '' END || ' ' || a.note),
                     char(10))
                FROM adverse_effects a WHERE a.session_id = s.id), '') || char(10)
 || COALESCE((SELECT group_concat(printf('booster %g mg', b.dose_mg), char(10))
                FROM dose_boosters b WHERE b.session_id = s.id), '') || char(10)
 || COALESCE((SELECT group_concat(r.reason, char(10))
                FROM rule_overrides r WHERE r.session_id = s.id), ''),
 char(10, 32)) AS body
FROM sessions s JOIN courses c ON c.id = s.course_id;

CREATE VIEW medicines_search_text AS
SELECT id AS client_id, COALESCE(trim(
       (SELECT group_concat(value, char(10)) FROM json_each(
            CASE WHEN json_valid(medicines) THEN medicines ELSE '[]' END)),
       char(10, 32)), '') AS body
FROM clients;

-- Every document this step adds, by (kind, key): what the refresh trigger and backfill read.
CREATE VIEW search_documents AS
SELECT 'monitoring' AS kind, session_id AS key, client_id, session_id, body
  FROM monitoring_search_text
UNION ALL
SELECT 'medicines', client_id, client_id, NULL, body FROM medicines_search_text;

-- A row put here asks for one document to be rebuilt; the trigger does it and removes the
-- row. One refresh body for every table's triggers (they only name what changed).
CREATE TABLE search_refresh (kind TEXT NOT NULL, key INTEGER NOT NULL);
CREATE TRIGGER search_refresh_run AFTER INSERT ON search_refresh BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT fts_rowid FROM search_index_map
                                             WHERE kind = NEW.kind AND key = CAST(NEW.key AS TEXT));
    DELETE FROM search_index_map WHERE kind = NEW.kind AND key = CAST(NEW.key AS TEXT);
    INSERT INTO search_index (body, kind, client_id, session_id, ref)
    SELECT body, kind, client_id, session_id, kind FROM search_documents
     WHERE kind = NEW.kind AND key = NEW.key AND body <> '';
    INSERT OR REPLACE INTO search_index_map (kind, key, fts_rowid)
    SELECT NEW.kind, CAST(NEW.key AS TEXT), last_insert_rowid()
     WHERE EXISTS (SELECT 1 FROM search_documents
                    WHERE kind = NEW.kind AND key = NEW.key AND body <> '');
    DELETE FROM search_refresh WHERE rowid = NEW.rowid;
END;
"""


def trigger_sql() -> str:
    """Small triggers that only say which document changed (search_refresh does the work)."""
    out = []
    for table in MONITORING_TABLES:
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            out.append(f"CREATE TRIGGER search_{table}_{event.lower()} AFTER {event} ON {table}"
                       f" BEGIN INSERT INTO search_refresh VALUES ('monitoring',"
                       f" {row}.session_id); END;")
    for event, when in (("INSERT", "INSERT"), ("UPDATE", "UPDATE OF medicines"),
                        ("DELETE", "DELETE")):
        row = "OLD" if event == "DELETE" else "NEW"
        out.append(f"CREATE TRIGGER search_medicines_{event.lower()} AFTER {when} ON clients"
                   f" BEGIN INSERT INTO search_refresh VALUES ('medicines', {row}.id); END;")
    return "\n".join(out)


def ticked_only(text: str) -> str:
    """An old checklist index text without its unticked lines and box marks."""
    kept = []
    for line in text.split("\n"):
        if line.startswith(UNCHECKED):
            continue
        kept.append(line[1:].lstrip() if line.startswith(CHECKED) else line)
    return "\n".join(kept)


def migrate(conn: Any) -> None:
    run_script(conn, VIEWS)
    run_script(conn, trigger_sql())
    rows = conn.execute(
        "SELECT m.fts_rowid, i.body FROM search_index_map m"
        " JOIN search_index i ON i.rowid = m.fts_rowid"
        " WHERE m.kind = 'field' AND (i.body LIKE ? OR i.body LIKE ?)",
        (f"%{UNCHECKED} %", f"%{CHECKED} %")).fetchall()
    for rowid, body in rows:
        conn.execute("UPDATE search_index SET body = ? WHERE rowid = ?",
                     (ticked_only(body), rowid))
    conn.execute("INSERT INTO search_refresh (kind, key)"
                 " SELECT kind, key FROM search_documents WHERE body <> ''")
