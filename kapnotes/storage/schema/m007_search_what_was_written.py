"""Schema step 007: search finds what was written and ticked, wherever it was written.

- Checklist fields were indexed with every option and its box (☑/☐), so a note matched an
  option nobody ticked. New text comes from `kapnotes.domain.template_text.search_text`
  (ticked options only); this step cleans the index of notes written before it: unticked
  lines dropped, the ☑ mark taken off. Only the index is rewritten, never `session_fields`:
  a signed note's rows are locked, and the index is what search reads.
- The monitoring record of a dosing session (medication, route, dose, lot, interventions,
  escort, readings, observation notes, adverse effects, boosters, rule-override reasons)
  becomes one search document per
  session, kind 'monitoring', kept current by triggers on its six tables, so every writer
  (the window, the CLI, an import) keeps it right. Its text is the `monitoring_search_text`
  view: one derivation for the triggers and for the backfill below.
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
                FROM vitals_readings v WHERE v.session_id = s.id), '') || char(10)
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
"""


def _refresh(kind: str, key: str, source: str, column: str, session: str) -> str:
    """Statements replacing the document `kind`/`key` with its view row (none when empty)."""
    found = f"FROM {source} WHERE {column} = {key} AND body <> ''"
    return f"""
    DELETE FROM search_index WHERE rowid = (SELECT fts_rowid FROM search_index_map
                                             WHERE kind = '{kind}' AND key = CAST({key} AS TEXT));
    DELETE FROM search_index_map WHERE kind = '{kind}' AND key = CAST({key} AS TEXT);
    INSERT INTO search_index (body, kind, client_id, session_id, ref)
    SELECT body, '{kind}', client_id, {session}, '{kind}' {found};
    INSERT OR REPLACE INTO search_index_map (kind, key, fts_rowid)
    SELECT '{kind}', CAST({key} AS TEXT), last_insert_rowid() WHERE EXISTS (SELECT 1 {found});"""


def trigger_sql() -> str:
    out = []
    for table in MONITORING_TABLES:
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            name = f"search_{table}_{event.lower()}"
            body = _refresh("monitoring", f"{row}.session_id", "monitoring_search_text",
                            "session_id", f"{row}.session_id")
            out.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN{body}\nEND;")
    medicines = _refresh("medicines", "NEW.id", "medicines_search_text", "client_id", "NULL")
    out.append(f"CREATE TRIGGER search_medicines_ins AFTER INSERT ON clients BEGIN{medicines}"
               "\nEND;")
    out.append("CREATE TRIGGER search_medicines_upd AFTER UPDATE OF medicines ON clients "
               f"BEGIN{medicines}\nEND;")
    out.append("""CREATE TRIGGER search_medicines_del AFTER DELETE ON clients BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT fts_rowid FROM search_index_map
                                             WHERE kind = 'medicines'
                                               AND key = CAST(OLD.id AS TEXT));
    DELETE FROM search_index_map WHERE kind = 'medicines' AND key = CAST(OLD.id AS TEXT);
END;""")
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
    for kind, source, key, session in (
            ("monitoring", "monitoring_search_text", "session_id", "session_id"),
            ("medicines", "medicines_search_text", "client_id", "NULL")):
        docs = conn.execute(
            f"SELECT {key}, client_id, body, {session} FROM {source} WHERE body <> ''"
        ).fetchall()
        for doc_key, client_id, body, session_id in docs:
            cur = conn.execute(
                "INSERT INTO search_index (body, kind, client_id, session_id, ref)"
                " VALUES (?, ?, ?, ?, ?)", (body, kind, client_id, session_id, kind))
            conn.execute("INSERT OR REPLACE INTO search_index_map (kind, key, fts_rowid)"
                         " VALUES (?, ?, ?)", (kind, str(doc_key), cur.lastrowid))
