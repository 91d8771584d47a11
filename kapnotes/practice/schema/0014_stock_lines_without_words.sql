-- Practice server schema, step 14 (docs/PRACTICE-SERVER.md "The Schedule 8 register"): a dose
-- handed as a stock line to a register keeper outside the client's care team (step 12) kept
-- the entry's free-text explanation, and a correction's explanation can name the client. The
-- line now carries a fixed phrase in its place; the numbers the running balance needs, and
-- who recorded and witnessed it, stay. The care team still gets the entry as written.
--
-- The stored lines are left as they are (they are append-only, and the change log holds the
-- same words): kap.pull, the only reader of kap.stock_lines, masks them as it hands them out,
-- so lines stored before this step are masked too. Shipped steps are never edited: kap.pull
-- is replaced here as a whole, as step 12 replaced it.

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
                s.row_version, s.schema_version,
                CASE WHEN coalesce(s.payload ->> 'explanation', '') = '' THEN s.payload
                     ELSE jsonb_set(s.payload, '{explanation}', to_jsonb(
                         'Not shown: about a client outside your care teams'::text))
                END,
                s.received_at
         FROM kap.stock_lines s
         WHERE s.seq > p_after AND kap.may('@practice', 's8_stock', false)
           AND NOT kap.may(s.client_code, 's8_entry', false)
         ORDER BY s.seq LIMIT least(greatest(p_limit, 1), 5000))
    ) rows ORDER BY seq LIMIT least(greatest(p_limit, 1), 5000)
$$;
