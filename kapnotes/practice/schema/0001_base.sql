-- Practice server schema, step 1 (docs/PRACTICE-SERVER.md). Run by `kapnotes practice setup`
-- as the owner role kap_owner (not a superuser: FORCE ROW LEVEL SECURITY binds it too).
-- Shipped steps are never edited; a change is a new file 0002_….sql.

-- Which workstation operation formats this server can apply (kapnotes/practice/protocol.py).
CREATE TABLE kap.accepted_op_versions (
    schema_version integer PRIMARY KEY
);
INSERT INTO kap.accepted_op_versions VALUES (1);

-- Roles and what each may read and write, as data. kind names what a row is.
CREATE TABLE kap.roles (
    role text PRIMARY KEY,
    description text NOT NULL
);
INSERT INTO kap.roles VALUES
    ('therapist', 'writes preparation, dosing and integration notes'),
    ('prescriber', 'assesses, prescribes and signs'),
    ('nurse', 'records dosing vitals and measures'),
    ('supervisor', 'reads the record and writes reviews'),
    ('administrator', 'manages client details and care teams; no clinical content');

CREATE TABLE kap.role_permissions (
    role text NOT NULL REFERENCES kap.roles,
    kind text NOT NULL,
    may_read boolean NOT NULL,
    may_write boolean NOT NULL,
    PRIMARY KEY (role, kind)
);
INSERT INTO kap.role_permissions (role, kind, may_read, may_write)
SELECT r.role, k.kind,
       r.role <> 'administrator' OR k.kind = 'client',
       (r.role, k.kind) IN (
           ('therapist', 'client'), ('therapist', 'note'), ('therapist', 'addendum'),
           ('therapist', 'measure'), ('therapist', 'vitals'), ('therapist', 'audit'),
           ('prescriber', 'note'), ('prescriber', 'addendum'), ('prescriber', 'vitals'),
           ('prescriber', 'measure'), ('prescriber', 'signature'), ('prescriber', 'audit'),
           ('nurse', 'vitals'), ('nurse', 'measure'), ('nurse', 'audit'),
           ('supervisor', 'review'), ('supervisor', 'audit'),
           ('administrator', 'client'))
FROM kap.roles r
CROSS JOIN (VALUES ('client'), ('note'), ('addendum'), ('vitals'), ('measure'),
                   ('signature'), ('review'), ('audit')) AS k(kind);

-- One database login per clinician.
CREATE TABLE kap.clinicians (
    login name PRIMARY KEY,
    role text NOT NULL REFERENCES kap.roles,
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE kap.clients (
    code text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'),
    created_by name NOT NULL DEFAULT session_user,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Which clinician sees which client, in which role.
CREATE TABLE kap.care_team (
    client_code text NOT NULL REFERENCES kap.clients,
    login name NOT NULL REFERENCES kap.clinicians,
    role text NOT NULL REFERENCES kap.roles,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (client_code, login)
);

-- The append-only change log. seq is assigned by kap.push under a table lock, so a pull
-- "after seq N" never skips a row that commits late.
CREATE TABLE kap.change_log (
    seq bigint PRIMARY KEY,
    op_id uuid NOT NULL UNIQUE,
    author name NOT NULL,
    client_code text NOT NULL REFERENCES kap.clients,
    kind text NOT NULL,
    row_id uuid NOT NULL,
    base_version integer,
    row_version integer NOT NULL,
    schema_version integer NOT NULL,
    payload jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX change_log_client ON kap.change_log (client_code, seq);

-- Current state, one line per row: its version and whether it is signed (immutable).
CREATE TABLE kap.current_rows (
    row_id uuid PRIMARY KEY,
    client_code text NOT NULL REFERENCES kap.clients,
    kind text NOT NULL,
    version integer NOT NULL,
    signed boolean NOT NULL DEFAULT false,
    author name NOT NULL,
    last_seq bigint NOT NULL
);

CREATE FUNCTION kap.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the practice change log is append-only' USING ERRCODE = '42501';
END $$;
CREATE TRIGGER change_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON kap.change_log
    FOR EACH STATEMENT EXECUTE FUNCTION kap.refuse_change();

-- The clinician acting. Inside a SECURITY DEFINER function current_user is the function's
-- owner, so the login is session_user there; outside one they are the same login. Only a
-- superuser can change session_user (SET SESSION AUTHORIZATION), so a clinician cannot spoof it.
CREATE FUNCTION kap.acting_login() RETURNS name LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN current_user = 'kap_owner' THEN session_user ELSE current_user END
$$;

CREATE FUNCTION kap.may(p_client text, p_kind text, p_write boolean) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = kap, pg_temp AS $$
    SELECT EXISTS (
        SELECT 1 FROM kap.care_team ct
        JOIN kap.clinicians c ON c.login = ct.login AND c.active
        JOIN kap.role_permissions rp ON rp.role = ct.role AND rp.kind = p_kind
        WHERE ct.client_code = p_client AND ct.login = kap.acting_login()
          AND (CASE WHEN p_write THEN rp.may_write ELSE rp.may_read END))
$$;

ALTER TABLE kap.change_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE kap.change_log FORCE ROW LEVEL SECURITY;
CREATE POLICY change_log_read ON kap.change_log FOR SELECT
    USING (kap.may(client_code, kind, false));
CREATE POLICY change_log_write ON kap.change_log FOR INSERT
    WITH CHECK (author = kap.acting_login() AND kap.may(client_code, kind, true));

ALTER TABLE kap.current_rows ENABLE ROW LEVEL SECURITY;
ALTER TABLE kap.current_rows FORCE ROW LEVEL SECURITY;
CREATE POLICY current_rows_read ON kap.current_rows FOR SELECT
    USING (kap.may(client_code, kind, false));
CREATE POLICY current_rows_write ON kap.current_rows FOR INSERT
    WITH CHECK (kap.may(client_code, kind, true));
CREATE POLICY current_rows_update ON kap.current_rows FOR UPDATE
    USING (kap.may(client_code, kind, true)) WITH CHECK (kap.may(client_code, kind, true));

-- Clinicians read the log through RLS and write only through kap.push.
REVOKE ALL ON ALL TABLES IN SCHEMA kap FROM PUBLIC;
GRANT USAGE ON SCHEMA kap TO kap_clinician;
GRANT SELECT ON kap.change_log, kap.roles, kap.role_permissions TO kap_clinician;
