-- Practice server schema, step 8 (docs/PRACTICE-SERVER.md "Practice administration"): a client
-- created on a workstation joins its creator's care team also when the administrator assigned
-- colleagues to its code (`kapnotes practice assign`) before the creator's first sync.
-- `assign` registers a new code with no rows; such a code "awaits its creator": the first
-- client details pushed for it (by a login whose role may write them) put that login on the
-- care team, exactly as a code new to the server does. Once the code holds any row it awaits
-- no one, and a push by a login off the care team is refused as before.
-- Shipped steps are never edited: step 7's kap.push is kept under another name and called by
-- the new kap.push, as step 7 did with step 6's.

ALTER TABLE kap.clients ADD COLUMN awaiting_creator boolean NOT NULL DEFAULT true;

-- Codes already on the server await a creator only while no row names them. The change log's
-- forced row-level security would hide every row from this setup's role, so it is lifted for
-- the one statement, inside setup's transaction (the ALTER holds the table's lock until commit).
ALTER TABLE kap.change_log NO FORCE ROW LEVEL SECURITY;
UPDATE kap.clients c SET awaiting_creator = false
    WHERE EXISTS (SELECT 1 FROM kap.change_log l WHERE l.client_code = c.code);
ALTER TABLE kap.change_log FORCE ROW LEVEL SECURITY;

ALTER FUNCTION kap.push(uuid, text, text, uuid, integer, integer, jsonb) RENAME TO push_step7;
REVOKE ALL ON FUNCTION kap.push_step7(uuid, text, text, uuid, integer, integer, jsonb)
    FROM PUBLIC, kap_clinician;

CREATE FUNCTION kap.push(
    p_op_id uuid, p_client text, p_kind text, p_row_id uuid, p_base_version integer,
    p_schema_version integer, p_payload jsonb,
    OUT seq bigint, OUT outcome text, OUT row_version integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = kap, pg_temp AS $$
DECLARE
    who name := kap.acting_login();
    claimed boolean := false;
BEGIN
    IF p_kind = 'client' AND EXISTS (SELECT 1 FROM kap.clients c
                                     WHERE c.code = p_client AND c.awaiting_creator) THEN
        -- One claim at a time: the log lock push_step7 takes anyway, taken first.
        PERFORM 1 FROM kap.log_head FOR UPDATE;
        IF EXISTS (SELECT 1 FROM kap.clients c WHERE c.code = p_client AND c.awaiting_creator)
           AND EXISTS (SELECT 1 FROM kap.clinicians c WHERE c.login = who AND c.active)
           AND NOT EXISTS (SELECT 1 FROM kap.care_team ct
                           WHERE ct.client_code = p_client AND ct.login = who) THEN
            INSERT INTO kap.care_team (client_code, login, role)
                SELECT p_client, c.login, c.role FROM kap.clinicians c WHERE c.login = who;
            claimed := true;
        END IF;
    END IF;
    -- Refusals (a role that may not write client details, say) raise and undo the claim.
    SELECT p.seq, p.outcome, p.row_version INTO seq, outcome, row_version
        FROM kap.push_step7(p_op_id, p_client, p_kind, p_row_id, p_base_version,
                            p_schema_version, p_payload) p;
    IF outcome = 'applied' THEN
        UPDATE kap.clients c SET awaiting_creator = false,
               created_by = CASE WHEN p_kind = 'client' THEN who ELSE c.created_by END
            WHERE c.code = p_client AND c.awaiting_creator;
    ELSIF claimed THEN  -- answered without applying (a retry, a conflict): no claim
        DELETE FROM kap.care_team ct WHERE ct.client_code = p_client AND ct.login = who;
    END IF;
END $$;

REVOKE ALL ON FUNCTION kap.push(uuid, text, text, uuid, integer, integer, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kap.push(uuid, text, text, uuid, integer, integer, jsonb)
    TO kap_clinician;
