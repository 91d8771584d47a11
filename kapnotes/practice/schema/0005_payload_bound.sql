-- Practice server schema, step 5 (docs/PRACTICE-SERVER.md "What the server enforces"): a row's
-- payload is bounded, so one oversized push cannot make every workstation on the care team
-- pull and parse it. 2 MB of JSON is far above any note, course or client record; the message
-- names client, kind and row, never the content.
CREATE FUNCTION kap.bound_payload() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    size integer := octet_length(NEW.payload::text);
BEGIN
    IF size > 2097152 THEN
        RAISE EXCEPTION '% % of client % is too large for the practice server (% bytes; at most 2 MB)',
            NEW.kind, NEW.row_id, NEW.client_code, size USING ERRCODE = '54000';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER change_log_bounded BEFORE INSERT ON kap.change_log
    FOR EACH ROW EXECUTE FUNCTION kap.bound_payload();
