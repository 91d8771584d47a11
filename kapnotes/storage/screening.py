"""Contraindication screens of a client and the acknowledgements of their warnings."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from kapnotes.domain.dosing_record import ScreeningAck, StoredScreen
from kapnotes.domain.screening import Answer, Screen, ScreenAnswer, ScreenItem
from kapnotes.storage.rows import date_text, now_utc_text, to_date, to_datetime
from kapnotes.storage.vault import Vault


def insert_screen(vault: Vault, client_id: int, screen: Screen, screened_by: str) -> int:
    with vault.transaction():
        cur = vault.execute(
            "INSERT INTO screens (client_id, screened_on, screened_by, medicines, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (client_id, date_text(screen.screened_on), screened_by,
             json.dumps(list(screen.medicines), ensure_ascii=False), now_utc_text()),
        )
        screen_id = int(cur.lastrowid)
        for a in screen.answers:
            vault.execute(
                "INSERT INTO screen_answers (screen_id, item, answer, note) VALUES (?, ?, ?, ?)",
                (screen_id, a.item.value, a.answer.value, a.note),
            )
    return screen_id


def _answers(vault: Vault, screen_id: int) -> tuple[ScreenAnswer, ...]:
    rows = vault.query(
        "SELECT item, answer, note FROM screen_answers WHERE screen_id = ?", (screen_id,)
    )
    known = {i.value for i in ScreenItem}
    # Items a later version no longer asks about are skipped rather than failing the screen.
    answers = [ScreenAnswer(ScreenItem(r[0]), Answer(r[1]), r[2]) for r in rows if r[0] in known]
    order = list(ScreenItem)
    return tuple(sorted(answers, key=lambda a: order.index(a.item)))


def _screen(vault: Vault, row: Any) -> StoredScreen:
    screen = Screen(
        screened_on=to_date(row[2]) or datetime.min.date(),
        answers=_answers(vault, row[0]),
        medicines=tuple(json.loads(row[4])),
    )
    return StoredScreen(id=row[0], client_id=row[1], screen=screen, screened_by=row[3])


_SCREEN_COLS = "id, client_id, screened_on, screened_by, medicines"


def latest_screen(vault: Vault, client_id: int) -> StoredScreen | None:
    row = vault.query_one(
        f"SELECT {_SCREEN_COLS} FROM screens WHERE client_id = ?"
        " ORDER BY screened_on DESC, id DESC LIMIT 1", (client_id,),
    )
    return _screen(vault, row) if row else None


def screens_for(vault: Vault, client_id: int) -> list[StoredScreen]:
    """Every screen of a client, newest first."""
    rows = vault.query(
        f"SELECT {_SCREEN_COLS} FROM screens WHERE client_id = ?"
        " ORDER BY screened_on DESC, id DESC", (client_id,),
    )
    return [_screen(vault, r) for r in rows]


# -- acknowledgements -----------------------------------------------------------------------
def insert_ack(vault: Vault, session_id: int, *, at: datetime, by: str,
               warnings: Sequence[str]) -> int:
    cur = vault.execute(
        "INSERT INTO screening_acks (session_id, acknowledged_at, acknowledged_by, warnings)"
        " VALUES (?, ?, ?, ?)",
        (session_id, at.isoformat(timespec="seconds"), by,
         json.dumps(list(warnings), ensure_ascii=False)),
    )
    return int(cur.lastrowid)


# The columns and order of the per-session read, also used by storage/dosing_batch.py.
ACK_READ = ("id, session_id, acknowledged_at, acknowledged_by, warnings", "acknowledged_at, id")


def acks_for(vault: Vault, session_id: int) -> list[ScreeningAck]:
    """Acknowledgements of a session, oldest first."""
    cols, order = ACK_READ
    rows = vault.query(f"SELECT {cols} FROM screening_acks WHERE session_id = ?"
                       f" ORDER BY {order}", (session_id,))
    return [ack_from(r) for r in rows]


def ack_from(r: Any) -> ScreeningAck:
    return ScreeningAck(id=r[0], session_id=r[1], acknowledged_at=to_datetime(r[2]) or datetime.min,
                        acknowledged_by=r[3], warnings=tuple(json.loads(r[4])))
