-- Practice server schema, step 10 (docs/PRACTICE-SERVER.md "The Schedule 8 register" and
-- "Audit entries"): the controlled-drug register and the audit log are shared, insert-only.
-- Shipped steps are never edited.
--
-- Some rows belong to the practice, not to a client: the register's stock lines (receipts,
-- transfers, destructions, stocktakes) and the audit entries about them. They are filed under
-- the reserved code '@practice' (a workstation's client codes cannot start with '@'), and who
-- reads or writes them is the clinician's own role in kap.role_permissions, limited to the
-- kinds listed in kap.practice_wide_kinds. Rows tied to a client keep following its care team.

CREATE TABLE kap.practice_wide_kinds (
    kind text PRIMARY KEY
);
INSERT INTO kap.practice_wide_kinds VALUES ('s8_stock'), ('audit');

ALTER TABLE kap.clients DROP CONSTRAINT clients_code_check;
ALTER TABLE kap.clients ADD CONSTRAINT clients_code_check
    CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$' OR code = '@practice');
INSERT INTO kap.clients (code, awaiting_creator) VALUES ('@practice', false)
    ON CONFLICT DO NOTHING;

-- s8_entry: a register line tied to a client (an administration, or a correction of one):
-- its care team. s8_stock: a practice-wide line. Both are read by every clinical role;
-- therapists, prescribers and nurses write them (whoever draws or receives stock). The
-- administrator may read the practice-wide lines (stock keeping is administration) and the
-- audit trail, and writes audit entries of its own work (client details); a practice may
-- narrow any of this by changing these rows.
INSERT INTO kap.role_permissions (role, kind, may_read, may_write)
SELECT r.role, k.kind,
       r.role <> 'administrator' OR k.kind = 's8_stock',
       r.role IN ('therapist', 'prescriber', 'nurse')
FROM kap.roles r CROSS JOIN (VALUES ('s8_entry'), ('s8_stock')) AS k(kind)
ON CONFLICT (role, kind) DO NOTHING;
UPDATE kap.role_permissions SET may_read = true, may_write = true
    WHERE role = 'administrator' AND kind = 'audit';

CREATE OR REPLACE FUNCTION kap.may(p_client text, p_kind text, p_write boolean) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = kap, pg_temp AS $$
    SELECT CASE WHEN p_client = '@practice' THEN EXISTS (
        SELECT 1 FROM kap.clinicians c
        JOIN kap.role_permissions rp ON rp.role = c.role AND rp.kind = p_kind
        JOIN kap.practice_wide_kinds w ON w.kind = p_kind
        WHERE c.login = kap.acting_login() AND c.active
          AND (CASE WHEN p_write THEN rp.may_write ELSE rp.may_read END))
    ELSE EXISTS (
        SELECT 1 FROM kap.care_team ct
        JOIN kap.clinicians c ON c.login = ct.login AND c.active
        JOIN kap.role_permissions rp ON rp.role = ct.role AND rp.kind = p_kind
        WHERE ct.client_code = p_client AND ct.login = kap.acting_login()
          AND (CASE WHEN p_write THEN rp.may_write ELSE rp.may_read END)) END
$$;

-- Register lines are never changed or removed (a mistake is a new correction line), like
-- addenda: kap.push refuses any second version of one, a void included (kap.kind_rules,
-- step 9).
INSERT INTO kap.kind_rules (kind, insert_only) VALUES ('s8_entry', true), ('s8_stock', true)
    ON CONFLICT (kind) DO UPDATE SET insert_only = true;
