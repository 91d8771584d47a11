"""What a workstation's operation looks like on the wire to the practice server."""

from __future__ import annotations

# The format of operations this KAP Notes pushes. The server lists the versions it can apply
# (kap.accepted_op_versions) and refuses any other with a message saying what to upgrade.
OP_SCHEMA_VERSION = 1

ROLES = ("therapist", "prescriber", "nurse", "supervisor", "administrator")
