-- Practice server schema, step 11 (docs/PRACTICE-SERVER.md "What the server enforces"): deletes
-- are soft and carry their reason. A void (`"voided": true`) is applied only with a
-- `"void_reason"` of 1-500 characters of text, so every deletion in the change log says why,
-- whoever pushed it. Workstations always send one (the person's words, or "deleted on a
-- workstation" when none was given). Refusals the earlier steps give (a signed note, an
-- insert-only row) keep their own words: the reason is checked once the void would apply.
-- Shipped steps are never edited: step 8's kap.push is kept under another name and called by
-- the new kap.push, as steps 7 and 8 did.

ALTER FUNCTION kap.push(uuid, text, text, uuid, integer, integer, jsonb) RENAME TO push_step8;
REVOKE ALL ON FUNCTION kap.push_step8(uuid, text, text, uuid, integer, integer, jsonb)
    FROM PUBLIC, kap_clinician;

CREATE FUNCTION kap.push(
    p_op_id uuid, p_client text, p_kind text, p_row_id uuid, p_base_version integer,
    p_schema_version integer, p_payload jsonb,
    OUT seq bigint, OUT outcome text, OUT row_version integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = kap, pg_temp AS $$
BEGIN
    SELECT p.seq, p.outcome, p.row_version INTO seq, outcome, row_version
        FROM kap.push_step8(p_op_id, p_client, p_kind, p_row_id, p_base_version,
                            p_schema_version, p_payload) p;
    -- Raising here undoes the applied version too: nothing of a void without reason stays.
    IF outcome = 'applied' AND p_payload -> 'voided' = 'true'::jsonb
       AND (jsonb_typeof(p_payload -> 'void_reason') IS DISTINCT FROM 'string'
            OR length(btrim(p_payload ->> 'void_reason')) = 0
            OR length(p_payload ->> 'void_reason') > 500) THEN
        RAISE EXCEPTION '% % of client %: a void needs a "void_reason" of 1-500 characters saying why', p_kind, p_row_id, p_client
            USING ERRCODE = '22023';
    END IF;
END $$;

REVOKE ALL ON FUNCTION kap.push(uuid, text, text, uuid, integer, integer, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kap.push(uuid, text, text, uuid, integer, integer, jsonb)
    TO kap_clinician;
