-- Practice server schema, step 13 (docs/PRACTICE-SERVER.md "What is shared"): a client's
-- approvals (a permit, an authority or an authorisation with its dates), so a prescriber on
-- any workstation sees before dosing what covers the client. An approval is edited with the
-- version it was based on: kind `approval` is not insert-only, so a stale edit answers
-- `conflict` and the workstation keeps it as a conflict copy; a deletion is a void with its
-- reason. Prescribers write approvals (they hold them); every role but the administrator
-- reads them. A practice changes this by changing these rows.

INSERT INTO kap.kind_rules (kind, insert_only) VALUES ('approval', false);

INSERT INTO kap.role_permissions (role, kind, may_read, may_write)
SELECT r.role, 'approval', r.role <> 'administrator', r.role = 'prescriber'
FROM kap.roles r
ON CONFLICT (role, kind) DO NOTHING;
