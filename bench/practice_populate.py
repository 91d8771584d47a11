"""Fill a practice server at benchmark scale, fast: set-based INSERTs as the administrator.

20 clinicians, 2,000 clients, 100,000 sessions (issue 20). Pushing that through `kap.push`
one row at a time would take most of an hour, so the change log, `applied_ops`,
`current_rows`, the care teams and the log head are written directly with `INSERT … SELECT`
over `generate_series`, in one transaction. The rows are what `kap.push` would have written:
each payload is one the workstation's own encoder produced (`bench/practice_payloads.py`
makes them from a real vault), with its references (`client_uuid`, `course_uuid`,
`session_uuid`) and the client's code replaced per row. Each note has a draft version and a
signed version, as a note written and then signed on another day has.

Who is on which care team: the measured therapist (`<prefix>th00`) on clients 0–499, nine
more therapists sharing the other 1,500, four prescribers and four nurses on 500 each, two
supervisors on 1,000 each.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import psycopg

from kapnotes.practice import server_schema
from kapnotes.practice.protocol import OP_SCHEMA_VERSION


@dataclass(frozen=True)
class PracticeSize:
    clients: int = 2_000
    sessions: int = 100_000
    team: int = 500  # clients on the measured therapist's care team
    vitals_per_dose: int = 2  # readings of each dosing session (one session in three)
    measures_per_client: int = 4


@dataclass(frozen=True)
class PayloadTemplates:
    """Payloads as the workstation encodes them, one per kind; notes: (draft, signed) pairs."""

    client: dict[str, Any]
    course: dict[str, Any]
    notes: list[tuple[dict[str, Any], dict[str, Any]]]
    vitals: dict[str, Any]
    measure: dict[str, Any]


THERAPISTS, PRESCRIBERS, NURSES, SUPERVISORS = 10, 4, 4, 2
CLINICIANS = THERAPISTS + PRESCRIBERS + NURSES + SUPERVISORS


def logins(prefix: str) -> dict[str, list[str]]:
    return {"therapist": [f"{prefix}th{i:02d}" for i in range(THERAPISTS)],
            "prescriber": [f"{prefix}pr{i:02d}" for i in range(PRESCRIBERS)],
            "nurse": [f"{prefix}nu{i:02d}" for i in range(NURSES)],
            "supervisor": [f"{prefix}su{i:02d}" for i in range(SUPERVISORS)]}


def client_code(i: int) -> str:
    return f"BN-{i:05d}"


# The rows, as SQL over generate_series. Client i's rows: its client row, one course, its
# sessions (i + k * clients for k = 0…), each note in two versions; a dosing note (one in
# three) has its vitals, recorded between the draft and the signature (a signed note takes no
# more readings); the client has measures. `ord` orders them in time: everything of session
# round k after round k - 1, as a practice's log grows.
_STAGE = """
CREATE TEMP TABLE staged (
    ord bigint, client_code text, kind text, row_id uuid, row_version int,
    author name, payload jsonb) ON COMMIT DROP;
CREATE TEMP TABLE tpl (kind text, n int, version int, payload jsonb) ON COMMIT DROP;
"""

_TEAM = """
WITH c AS (SELECT i FROM generate_series(0, %(clients)s - 1) i)
SELECT 'BN-' || lpad(i::text, 5, '0') AS code,
       CASE WHEN i < %(team)s THEN %(p)s || 'th00'
            ELSE %(p)s || 'th' || lpad((1 + (i - %(team)s) %% 9)::text, 2, '0') END AS therapist,
       %(p)s || 'pr' || lpad((i / 500 %% 4)::text, 2, '0') AS prescriber,
       %(p)s || 'nu' || lpad(((i / 500 + 1) %% 4)::text, 2, '0') AS nurse,
       %(p)s || 'su' || lpad((i / 1000 %% 2)::text, 2, '0') AS supervisor,
       i
FROM c
"""

_ROWS = """
WITH team AS ({team}),
     ids AS (SELECT t.*, md5('client' || t.i)::uuid AS cu, md5('course' || t.i)::uuid AS ku
             FROM team t),
     notes AS (SELECT ids.*, s.k, ids.i + s.k * %(clients)s AS sid,
                      md5('note' || (ids.i + s.k * %(clients)s))::uuid AS su
               FROM ids JOIN generate_series(0, %(per_client)s - 1) s(k)
                 ON ids.i + s.k * %(clients)s < %(sessions)s)
INSERT INTO staged (ord, client_code, kind, row_id, row_version, author, payload)
SELECT i, code, 'client', cu, 1, therapist,
       (SELECT payload FROM tpl WHERE kind = 'client') || jsonb_build_object('code', code)
FROM ids
UNION ALL
SELECT %(clients)s + i, code, 'course', ku, 1, therapist,
       (SELECT payload FROM tpl WHERE kind = 'course') || jsonb_build_object('client_uuid', cu)
FROM ids
UNION ALL
SELECT 4 * (%(clients)s + sid) + 2 * v - 2, code, 'note', su, v, therapist,
       tp.payload || jsonb_build_object('course_uuid', ku, 'client_uuid', cu)
FROM notes
JOIN generate_series(1, 2) v ON true
JOIN tpl tp ON tp.kind = 'note' AND tp.version = v AND tp.n = sid %% %(templates)s
UNION ALL
SELECT 4 * (%(clients)s + sid) + 1, code, 'vitals',
       md5('vitals' || sid || '.' || r)::uuid, 1, nurse,
       (SELECT payload FROM tpl WHERE kind = 'vitals') || jsonb_build_object('session_uuid', su)
FROM notes JOIN generate_series(1, %(vitals_per_dose)s) r ON true
WHERE (sid %% %(templates)s) %% 3 = 1  -- a dosing note (bench/practice_sync.py writes them so)
UNION ALL
SELECT 4 * (%(clients)s + i + m * %(clients)s * 12) + 3, code, 'measure',
       md5('measure' || i || '.' || m)::uuid, 1, therapist,
       (SELECT payload FROM tpl WHERE kind = 'measure') || jsonb_build_object('client_uuid', cu)
FROM ids JOIN generate_series(0, %(measures)s - 1) m ON true
"""

_WRITE = """
CREATE TEMP TABLE numbered ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY ord, row_id, row_version) AS seq, s.* FROM staged s;
INSERT INTO kap.applied_ops (op_id, seq, row_version)
SELECT md5('op' || seq)::uuid, seq, row_version FROM numbered;
INSERT INTO kap.change_log (seq, op_id, author, client_code, kind, row_id, base_version,
                            row_version, schema_version, payload)
SELECT seq, md5('op' || seq)::uuid, author, client_code, kind, row_id,
       NULLIF(row_version - 1, 0), row_version, {schema}, payload FROM numbered;
INSERT INTO kap.current_rows (row_id, client_code, kind, version, signed, author, last_seq)
SELECT DISTINCT ON (row_id) row_id, client_code, kind, row_version,
       coalesce((payload ->> 'signed')::boolean, false), author, seq
FROM numbered ORDER BY row_id, seq DESC;
UPDATE kap.log_head SET seq = (SELECT max(seq) FROM numbered);
"""


def populate(admin_dsn: str, prefix: str, size: PracticeSize,
             templates: PayloadTemplates) -> dict[str, int]:
    """Create the schema, the clinicians (logins with no usable password until
    `enrolment_code` gives one) and every row. Returns row counts per kind."""
    server_schema.setup(admin_dsn)
    per_client = -(-size.sessions // size.clients)
    with psycopg.connect(admin_dsn) as conn:
        _clinicians(conn, prefix)
        conn.execute(_STAGE)
        _templates(conn, templates)
        team = _TEAM
        params = {"clients": size.clients, "team": size.team, "p": prefix,
                  "per_client": per_client, "sessions": size.sessions,
                  "templates": len(templates.notes), "vitals_per_dose": size.vitals_per_dose,
                  "measures": size.measures_per_client}
        conn.execute(f"INSERT INTO kap.clients (code, created_by) SELECT code, therapist "
                     f"FROM ({team}) t", params)
        for role in ("therapist", "prescriber", "nurse", "supervisor"):
            conn.execute(f"INSERT INTO kap.care_team (client_code, login, role) "
                         f"SELECT code, {role}, %(role)s FROM ({team}) t",
                         {**params, "role": role})
        conn.execute(_ROWS.format(team=team), params)
        conn.execute(_WRITE.format(schema=int(OP_SCHEMA_VERSION)))
        counts = dict(conn.execute("SELECT kind, count(*) FROM kap.change_log GROUP BY kind")
                      .fetchall())
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return {str(k): int(v) for k, v in counts.items()}


def _clinicians(conn: psycopg.Connection, prefix: str) -> None:
    from psycopg import sql

    for role, names in logins(prefix).items():
        for name in names:
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                                  (name,)).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                                     "NOBYPASSRLS IN ROLE kap_clinician").format(
                                         sql.Identifier(name)))
            conn.execute("INSERT INTO kap.clinicians (login, role) VALUES (%s, %s)",
                         (name, role))


def _templates(conn: psycopg.Connection, t: PayloadTemplates) -> None:
    rows: list[tuple[str, int, int, str]] = [
        ("client", 0, 1, json.dumps(t.client)), ("course", 0, 1, json.dumps(t.course)),
        ("vitals", 0, 1, json.dumps(t.vitals)), ("measure", 0, 1, json.dumps(t.measure))]
    for n, (draft, signed) in enumerate(t.notes):
        rows += [("note", n, 1, json.dumps(draft)), ("note", n, 2, json.dumps(signed))]
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO tpl VALUES (%s, %s, %s, %s)", rows)


def enrolment_code(admin_dsn: str, login: str) -> str:
    """A fresh one-time code for a bench login (each measured workstation joins anew)."""
    from psycopg import sql

    from kapnotes.practice.admin import new_enrolment_code

    code = new_enrolment_code()
    with psycopg.connect(admin_dsn) as conn:
        verifier = conn.pgconn.encrypt_password(code.encode(), login.encode(),
                                                b"scram-sha-256").decode("ascii")
        conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(
            sql.Identifier(login), sql.Literal(verifier)))
    return code
