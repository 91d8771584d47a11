-- Practice server schema, step 2: push and pull, the only way a clinician writes.
-- Messages name the client code, the kind and the row id, never the payload.

-- The head of the log and the operations applied: not under row-level security (the
-- change log's policies hide other clients' rows even from kap_owner), never granted to
-- clinicians. Taking log_head's row lock serialises pushes until they commit, so sequence
-- numbers commit in order and a pull "after seq N" never skips a row that commits late.
CREATE TABLE kap.log_head (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    seq bigint NOT NULL
);
INSERT INTO kap.log_head VALUES (true, 0);
CREATE TABLE kap.applied_ops (
    op_id uuid PRIMARY KEY,
    seq bigint NOT NULL,
    row_version integer NOT NULL
);

-- Kinds that are written once and never changed (corrections are new rows).
CREATE FUNCTION kap.insert_only(p_kind text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT p_kind IN ('addendum', 'vitals', 'measure', 'signature', 'review', 'audit')
$$;

CREATE FUNCTION kap.push(
    p_op_id uuid, p_client text, p_kind text, p_row_id uuid, p_base_version integer,
    p_schema_version integer, p_payload jsonb,
    OUT seq bigint, OUT outcome text, OUT row_version integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = kap, pg_temp AS $$
DECLARE
    who name := kap.acting_login();
    cur kap.current_rows%ROWTYPE;
    known kap.applied_ops%ROWTYPE;
    newest integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM kap.accepted_op_versions a
                   WHERE a.schema_version = p_schema_version) THEN
        SELECT max(a.schema_version) INTO newest FROM kap.accepted_op_versions a;
        IF p_schema_version > newest THEN
            RAISE EXCEPTION 'this practice server cannot apply changes from schema version %; upgrade the server (kapnotes practice setup) to accept them', p_schema_version
                USING ERRCODE = '0A000';
        END IF;
        RAISE EXCEPTION 'this practice server no longer accepts changes from schema version %; upgrade KAP Notes on this workstation', p_schema_version
            USING ERRCODE = '0A000';
    END IF;
    -- Only one push assigns sequence numbers at a time, until it commits.
    PERFORM 1 FROM kap.log_head FOR UPDATE;
    SELECT * INTO known FROM kap.applied_ops a WHERE a.op_id = p_op_id;
    IF FOUND THEN  -- a retry of an operation already applied: harmless
        seq := known.seq; outcome := 'duplicate'; row_version := known.row_version;
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM kap.clinicians c WHERE c.login = who AND c.active) THEN
        RAISE EXCEPTION '% is not an active clinician of this practice', who USING ERRCODE = '42501';
    END IF;
    IF p_kind = 'client' AND NOT EXISTS (SELECT 1 FROM kap.clients c WHERE c.code = p_client) THEN
        -- A client created on a workstation joins its creator's care team.
        INSERT INTO kap.clients (code, created_by) VALUES (p_client, who);
        INSERT INTO kap.care_team (client_code, login, role)
            SELECT p_client, c.login, c.role FROM kap.clinicians c WHERE c.login = who;
    END IF;
    IF NOT kap.may(p_client, p_kind, true) THEN
        IF NOT EXISTS (SELECT 1 FROM kap.care_team ct WHERE ct.client_code = p_client AND ct.login = who) THEN
            RAISE EXCEPTION '% is not on the care team of client %', who, p_client USING ERRCODE = '42501';
        END IF;
        RAISE EXCEPTION 'the care-team role of % for client % may not write %', who, p_client, p_kind
            USING ERRCODE = '42501';
    END IF;
    SELECT * INTO cur FROM kap.current_rows r WHERE r.row_id = p_row_id;
    IF FOUND THEN
        IF cur.client_code <> p_client OR cur.kind <> p_kind THEN
            RAISE EXCEPTION 'row % belongs to another client or kind', p_row_id USING ERRCODE = '22023';
        END IF;
        IF cur.signed THEN
            RAISE EXCEPTION '% % of client % is signed and cannot be edited; add an addendum', p_kind, p_row_id, p_client
                USING ERRCODE = '42501';
        END IF;
        IF kap.insert_only(p_kind) THEN
            RAISE EXCEPTION '% rows are insert-only: % already exists', p_kind, p_row_id USING ERRCODE = '42501';
        END IF;
        IF p_base_version IS DISTINCT FROM cur.version THEN
            -- A stale edit: not applied; the workstation keeps it as a conflict copy.
            seq := NULL; outcome := 'conflict'; row_version := cur.version;
            RETURN;
        END IF;
    ELSIF p_base_version IS NOT NULL THEN
        RAISE EXCEPTION 'row % is not on the server; an edit needs the row first', p_row_id USING ERRCODE = '22023';
    END IF;
    row_version := coalesce(cur.version, 0) + 1;
    UPDATE kap.log_head h SET seq = h.seq + 1 RETURNING h.seq INTO seq;
    INSERT INTO kap.applied_ops VALUES (p_op_id, seq, row_version);
    INSERT INTO kap.change_log (seq, op_id, author, client_code, kind, row_id, base_version,
                                row_version, schema_version, payload)
        VALUES (seq, p_op_id, who, p_client, p_kind, p_row_id, p_base_version, row_version,
                p_schema_version, p_payload);
    INSERT INTO kap.current_rows AS r (row_id, client_code, kind, version, signed, author, last_seq)
        VALUES (p_row_id, p_client, p_kind, row_version,
                coalesce((p_payload ->> 'signed')::boolean, false), who, seq)
        ON CONFLICT (row_id) DO UPDATE SET version = EXCLUDED.version, signed = EXCLUDED.signed,
            author = EXCLUDED.author, last_seq = EXCLUDED.last_seq;
    outcome := 'applied';
END $$;

CREATE FUNCTION kap.pull(p_after bigint, p_limit integer DEFAULT 1000)
RETURNS SETOF kap.change_log
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = kap, pg_temp AS $$
    SELECT * FROM kap.change_log l
    WHERE l.seq > p_after AND kap.may(l.client_code, l.kind, false)
    ORDER BY l.seq LIMIT least(greatest(p_limit, 1), 5000)
$$;

REVOKE ALL ON FUNCTION kap.push(uuid, text, text, uuid, integer, integer, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION kap.pull(bigint, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kap.push(uuid, text, text, uuid, integer, integer, jsonb) TO kap_clinician;
GRANT EXECUTE ON FUNCTION kap.pull(bigint, integer) TO kap_clinician;
