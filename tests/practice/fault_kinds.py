"""The fault harness's work on the record kinds shared later (tests/practice/fault_world.py
mixes these into `Ops`): consents signed and withdrawn, contraindication screens, and drafts
deleted with a reason (a soft delete the care team sees). Each is done through the services
the window uses; a refusal by the app's own rules is counted like any other."""

from __future__ import annotations

import random
from typing import Any

from kapnotes.domain.screening import Answer, Screen, ScreenAnswer, ScreenItem

CONSENTS = ("kap_informed", "chaperone_transport")


class KindOps:
    """Operations on the later-shared kinds; `Ops` supplies `rng`, `_clients` and
    `_sessions`."""

    rng: random.Random

    def _clients(self, ws: Any) -> list[Any]:  # pragma: no cover - supplied by Ops
        raise NotImplementedError

    def _consent(self, ws: Any, others: list[Any]) -> bool:
        clients = self._clients(ws)
        if not clients:
            return False
        client = self.rng.choice(clients)
        ws.services.consents.record(int(client.id or 0), self.rng.choice(CONSENTS),
                                    signed_on=ws.clock().date())
        return True

    def _withdraw_consent(self, ws: Any, others: list[Any]) -> bool:
        held = [c for client in self._clients(ws)
                for c in ws.services.consents.for_client(int(client.id or 0))
                if c.withdrawn_on is None]
        if not held or self.rng.random() < 0.5:  # rarer than signing one
            return False
        record = self.rng.choice(held)
        ws.services.consents.withdraw(int(record.id), on=ws.clock().date(),
                                      reason=f"Fictional withdrawal {ws.token()}")
        return True

    def _screen(self, ws: Any, others: list[Any]) -> bool:
        clients = self._clients(ws)
        if not clients:
            return False
        client = self.rng.choice(clients)
        answers = tuple(ScreenAnswer(item, self.rng.choice((Answer.NO, Answer.NO,
                                                            Answer.UNKNOWN)), "")
                        for item in ScreenItem)
        ws.services.monitoring.screening.save_screen(
            int(client.id or 0), Screen(screened_on=ws.clock().date(), answers=answers,
                                        medicines=("sertraline 50 mg",)),
            screened_by=ws.name)
        return True
