-- Practice server schema, step 7 (docs/PRACTICE-SERVER.md "What the server enforces"): an
-- operation id names one operation. `duplicate` answers only a retry of that operation (the
-- same login, client, kind and row); any other push reusing the id is refused, so a
-- workstation never takes another row's answer for the acknowledgement of its own write.
-- Shipped steps are never edited: step 6's kap.push is kept under another name and called by
-- the new kap.push, which records and checks what each operation id was used for.

ALTER TABLE kap.applied_ops ADD COLUMN author name, ADD COLUMN client_code text,
    ADD COLUMN kind text, ADD COLUMN row_id uuid;  -- NULL: applied before this step

ALTER FUNCTION kap.push(uuid, text, text, uuid, integer, integer, jsonb) RENAME TO push_step6;
REVOKE ALL ON FUNCTION kap.push_step6(uuid, text, text, uuid, integer, integer, jsonb)
    FROM PUBLIC, kap_clinician;

CREATE FUNCTION kap.push(
    p_op_id uuid, p_client text, p_kind text, p_row_id uuid, p_base_version integer,
    p_schema_version integer, p_payload jsonb,
    OUT seq bigint, OUT outcome text, OUT row_version integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = kap, pg_temp AS $$
DECLARE
    known kap.applied_ops%ROWTYPE;
BEGIN
    SELECT p.seq, p.outcome, p.row_version INTO seq, outcome, row_version
        FROM kap.push_step6(p_op_id, p_client, p_kind, p_row_id, p_base_version,
                            p_schema_version, p_payload) p;
    -- push_step6 holds the log lock until commit, so no other push of this id is between.
    IF outcome = 'applied' THEN
        UPDATE kap.applied_ops a SET author = kap.acting_login(), client_code = p_client,
            kind = p_kind, row_id = p_row_id WHERE a.op_id = p_op_id;
    ELSIF outcome = 'duplicate' THEN
        SELECT * INTO known FROM kap.applied_ops a WHERE a.op_id = p_op_id;
        IF known.row_id IS NOT NULL AND (known.author <> kap.acting_login()
                OR known.client_code <> p_client OR known.kind <> p_kind
                OR known.row_id <> p_row_id) THEN
            RAISE EXCEPTION 'operation id % was already used for another change; each change needs an id of its own', p_op_id
                USING ERRCODE = '22023';
        END IF;
    END IF;
END $$;

REVOKE ALL ON FUNCTION kap.push(uuid, text, text, uuid, integer, integer, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kap.push(uuid, text, text, uuid, integer, integer, jsonb)
    TO kap_clinician;
