-- Practice server schema, step 9 (docs/PRACTICE-SERVER.md "What is shared"): consents, their
-- withdrawals and contraindication screens, so a prescriber sees before dosing the consent and
-- the screen another clinician recorded on another workstation.
-- All three are insert-only, as the vault keeps them: what was signed never changes, a
-- withdrawal is an entry of its own (kind consent_withdrawal), a screen is never overwritten.
-- Shipped steps are never edited: kap.insert_only is replaced here so that later steps add a
-- kind's rule as a row of kap.kind_rules instead of replacing the function again.

CREATE TABLE kap.kind_rules (
    kind text PRIMARY KEY,
    insert_only boolean NOT NULL
);
INSERT INTO kap.kind_rules (kind, insert_only) VALUES
    ('consent', true), ('consent_withdrawal', true), ('screen', true);
REVOKE ALL ON kap.kind_rules FROM PUBLIC;
GRANT SELECT ON kap.kind_rules TO kap_clinician;

CREATE OR REPLACE FUNCTION kap.insert_only(p_kind text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = kap, pg_temp AS $$
    SELECT p_kind IN ('addendum', 'vitals', 'measure', 'signature', 'review', 'audit')
        OR EXISTS (SELECT 1 FROM kap.kind_rules k WHERE k.kind = p_kind AND k.insert_only)
$$;

-- Consents are recorded and withdrawn by therapists and prescribers; screens also by nurses.
-- Every role but the administrator (client details only) reads them.
INSERT INTO kap.role_permissions (role, kind, may_read, may_write)
SELECT r.role, k.kind, r.role <> 'administrator',
       r.role IN ('therapist', 'prescriber') OR (r.role = 'nurse' AND k.kind = 'screen')
FROM kap.roles r
CROSS JOIN (VALUES ('consent'), ('consent_withdrawal'), ('screen')) AS k(kind)
ON CONFLICT (role, kind) DO NOTHING;
