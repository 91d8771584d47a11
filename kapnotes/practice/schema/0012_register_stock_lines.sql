-- Practice server schema, step 12 (docs/PRACTICE-SERVER.md "The Schedule 8 register"): every
-- clinician who reads the practice's stock lines gets a stock line for each dose too, without
-- whose dose it was, so the register's running balance is whole on every workstation that
-- keeps it, not only on those of the dosed client's care team.
--
-- A dose (kind s8_entry, filed under its client) is kept once more, as written minus what
-- names the client and the dosing note, in kap.stock_lines. kap.pull hands such a line, as a
-- practice-wide s8_stock row with "redacted": true, to a login that may read the practice's
-- stock lines and may not read the client's own row; a login on the care team gets the row
-- itself, never both. Clinicians are granted nothing on kap.stock_lines: only kap.pull reads
-- it. Shipped steps are never edited: kap.pull is replaced here as a whole.

CREATE TABLE kap.stock_lines (
    seq bigint PRIMARY KEY,
    op_id uuid NOT NULL,
    author name NOT NULL,
    client_code text NOT NULL,
    row_id uuid NOT NULL,
    row_version integer NOT NULL,
    schema_version integer NOT NULL,
    payload jsonb NOT NULL,
    received_at timestamptz NOT NULL
);
CREATE TRIGGER stock_lines_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON kap.stock_lines
    FOR EACH STATEMENT EXECUTE FUNCTION kap.refuse_change();
REVOKE ALL ON kap.stock_lines FROM PUBLIC;

CREATE FUNCTION kap.keep_stock_line() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO kap.stock_lines (seq, op_id, author, client_code, row_id, row_version,
                                 schema_version, payload, received_at)
        VALUES (NEW.seq, NEW.op_id, NEW.author, NEW.client_code, NEW.row_id, NEW.row_version,
                NEW.schema_version,
                (NEW.payload - 'client_code' - 'session_uuid') || '{"redacted": true}',
                NEW.received_at);
    RETURN NULL;
END $$;
CREATE TRIGGER change_log_stock_lines AFTER INSERT ON kap.change_log
    FOR EACH ROW WHEN (NEW.kind = 's8_entry') EXECUTE FUNCTION kap.keep_stock_line();

-- Doses already on the server. Forced row-level security would hide every row from this
-- setup's role: lifted for the one statement, inside setup's transaction (as step 8 does).
ALTER TABLE kap.change_log NO FORCE ROW LEVEL SECURITY;
INSERT INTO kap.stock_lines (seq, op_id, author, client_code, row_id, row_version,
                             schema_version, payload, received_at)
    SELECT seq, op_id, author, client_code, row_id, row_version, schema_version,
           (payload - 'client_code' - 'session_uuid') || '{"redacted": true}', received_at
    FROM kap.change_log WHERE kind = 's8_entry';
ALTER TABLE kap.change_log FORCE ROW LEVEL SECURITY;

-- Each branch is ordered and limited on its own, so each walks its index and stops early
-- (a single ORDER BY over the union sorted every row after p_after on each page).
CREATE OR REPLACE FUNCTION kap.pull(p_after bigint, p_limit integer DEFAULT 1000)
RETURNS SETOF kap.change_log
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = kap, pg_temp AS $$
    SELECT * FROM (
        (SELECT l.seq, l.op_id, l.author, l.client_code, l.kind, l.row_id, l.base_version,
                l.row_version, l.schema_version, l.payload, l.received_at
         FROM kap.change_log l
         WHERE l.seq > p_after AND kap.may(l.client_code, l.kind, false)
         ORDER BY l.seq LIMIT least(greatest(p_limit, 1), 5000))
        UNION ALL
        (SELECT s.seq, s.op_id, s.author, '@practice', 's8_stock', s.row_id, NULL,
                s.row_version, s.schema_version, s.payload, s.received_at
         FROM kap.stock_lines s
         WHERE s.seq > p_after AND kap.may('@practice', 's8_stock', false)
           AND NOT kap.may(s.client_code, 's8_entry', false)
         ORDER BY s.seq LIMIT least(greatest(p_limit, 1), 5000))
    ) rows ORDER BY seq LIMIT least(greatest(p_limit, 1), 5000)
$$;
