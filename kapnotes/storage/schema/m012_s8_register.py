"""Schema step 012: the Schedule 8 register (docs/JURISDICTIONS.md).

One register per product (medicine, form and strength, as the jurisdiction pack named it when
the register was opened: the row keeps its own copy, so a later pack cannot rewrite an old
register). Entries are append-only: triggers refuse every UPDATE and DELETE, so a mistake can
only be corrected by a new entry naming the wrong one (`corrects_id`). Each entry stores the
balance after it; the service computes it inside the insert's transaction.

An administration names its dosing session by id and keeps the client's code itself, without
a foreign key: the register is a legal record kept on its own terms, so deleting a client's
records (or a draft note) must neither be blocked by it nor take its entries away.
"""

from __future__ import annotations

from typing import Any

from kapnotes.storage.schema.script import run_script

SQL = r"""
CREATE TABLE s8_registers (
    id            INTEGER PRIMARY KEY,
    product_id    TEXT NOT NULL UNIQUE,
    medicine      TEXT NOT NULL,
    title         TEXT NOT NULL,
    unit          TEXT NOT NULL,
    mg_per_unit   REAL NOT NULL CHECK (mg_per_unit > 0),
    ml_per_unit   REAL CHECK (ml_per_unit > 0),
    jurisdiction  TEXT NOT NULL,
    opened_at     TEXT NOT NULL
);

CREATE TABLE s8_entries (
    id            INTEGER PRIMARY KEY,
    register_id   INTEGER NOT NULL REFERENCES s8_registers(id),
    kind          TEXT NOT NULL CHECK (kind IN ('receipt', 'administration', 'wastage',
                      'destruction', 'transfer_in', 'transfer_out', 'correction', 'stocktake')),
    occurred_at   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    quantity      INTEGER NOT NULL CHECK (quantity BETWEEN 0 AND 100000),
    change        INTEGER NOT NULL,
    balance       INTEGER NOT NULL CHECK (balance >= 0),
    recorded_by   TEXT NOT NULL,
    witness       TEXT NOT NULL DEFAULT '',
    supplier      TEXT NOT NULL DEFAULT '',
    invoice       TEXT NOT NULL DEFAULT '',
    party         TEXT NOT NULL DEFAULT '',
    session_id    INTEGER,  -- no foreign key: the register outlives a deleted record
    client_code   TEXT NOT NULL DEFAULT '',
    dose_mg       REAL CHECK (dose_mg > 0),
    discarded_mg  REAL CHECK (discarded_mg >= 0),
    explanation   TEXT NOT NULL DEFAULT '',
    corrects_id   INTEGER REFERENCES s8_entries(id),
    CHECK (kind != 'administration' OR session_id IS NOT NULL),
    CHECK (kind != 'correction' OR corrects_id IS NOT NULL)
);
CREATE INDEX s8_entries_register ON s8_entries(register_id, id);
CREATE INDEX s8_entries_session ON s8_entries(session_id) WHERE session_id IS NOT NULL;

CREATE TRIGGER s8_entries_never_updated BEFORE UPDATE ON s8_entries
BEGIN SELECT RAISE(ABORT, 'Schedule 8 register entries are never changed; add a correction'); END;
CREATE TRIGGER s8_entries_never_deleted BEFORE DELETE ON s8_entries
BEGIN SELECT RAISE(ABORT, 'Schedule 8 register entries are never deleted; add a correction'); END;
CREATE TRIGGER s8_registers_never_deleted BEFORE DELETE ON s8_registers
BEGIN SELECT RAISE(ABORT, 'a Schedule 8 register is never deleted'); END;
"""


def migrate(conn: Any) -> None:
    run_script(conn, SQL)
