-- Practice server schema, step 6 (docs/PRACTICE-SERVER.md "What the server enforces"): a
-- measure or vitals reading entered by mistake can be soft-deleted. A void is a new version
-- marking the row voided; its content is never changed, a voided row is never voided again or
-- edited, and addenda, signatures, reviews and audit rows stay insert-only without exception.
-- Shipped steps are never edited: kap.push is replaced here as a whole.

CREATE FUNCTION kap.voidable(p_kind text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT p_kind IN ('measure', 'vitals')
$$;

CREATE OR REPLACE FUNCTION kap.push(
    p_op_id uuid, p_client text, p_kind text, p_row_id uuid, p_base_version integer,
    p_schema_version integer, p_payload jsonb,
    OUT seq bigint, OUT outcome text, OUT row_version integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = kap, pg_temp AS $$
DECLARE
    who name := kap.acting_login();
    cur kap.current_rows%ROWTYPE;
    known kap.applied_ops%ROWTYPE;
    newest integer;
    is_signed boolean;
    is_voided boolean;
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
    IF p_payload IS NULL OR jsonb_typeof(p_payload) <> 'object' THEN
        RAISE EXCEPTION '% % of client %: the payload must be a JSON object', p_kind, p_row_id, p_client
            USING ERRCODE = '22023';
    END IF;
    IF jsonb_typeof(p_payload -> 'signed') NOT IN ('boolean', 'null')
       OR jsonb_typeof(p_payload -> 'voided') NOT IN ('boolean', 'null') THEN
        RAISE EXCEPTION '% % of client %: "signed" and "voided" must be true or false', p_kind, p_row_id, p_client
            USING ERRCODE = '22023';
    END IF;
    is_signed := coalesce((p_payload ->> 'signed')::boolean, false);
    is_voided := coalesce((p_payload ->> 'voided')::boolean, false);
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
    IF is_signed AND is_voided THEN
        RAISE EXCEPTION '% % of client % is signed and cannot be voided; add an addendum', p_kind, p_row_id, p_client
            USING ERRCODE = '42501';
    END IF;
    SELECT * INTO cur FROM kap.current_rows r WHERE r.row_id = p_row_id;
    IF FOUND THEN
        IF cur.client_code <> p_client OR cur.kind <> p_kind THEN
            RAISE EXCEPTION 'row % belongs to another client or kind', p_row_id USING ERRCODE = '22023';
        END IF;
        IF kap.insert_only(p_kind) AND NOT (is_voided AND kap.voidable(p_kind) AND NOT cur.voided) THEN
            RAISE EXCEPTION '% rows are insert-only: % already exists', p_kind, p_row_id USING ERRCODE = '42501';
        END IF;
        IF p_base_version IS DISTINCT FROM cur.version THEN
            -- A stale edit, also of a note signed meanwhile: not applied; the workstation keeps
            -- its text as a conflict copy and takes the newer (perhaps signed) version.
            seq := NULL; outcome := 'conflict'; row_version := cur.version;
            RETURN;
        END IF;
        IF cur.signed THEN
            RAISE EXCEPTION '% % of client % is signed and cannot be edited; add an addendum', p_kind, p_row_id, p_client
                USING ERRCODE = '42501';
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
    INSERT INTO kap.current_rows AS r (row_id, client_code, kind, version, signed, voided,
                                       author, last_seq)
        VALUES (p_row_id, p_client, p_kind, row_version, is_signed, is_voided, who, seq)
        ON CONFLICT (row_id) DO UPDATE SET version = EXCLUDED.version, signed = EXCLUDED.signed,
            voided = EXCLUDED.voided, author = EXCLUDED.author, last_seq = EXCLUDED.last_seq;
    outcome := 'applied';
END $$;
