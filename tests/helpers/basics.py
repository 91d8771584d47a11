"""The fictional passphrase and the controllable clock every test folder uses (tests/conftest.py
builds its fixtures from these; tests import them from here, never from a conftest module)."""

from __future__ import annotations

from datetime import datetime, timedelta

# A fictional passphrase that satisfies the passphrase rules (>= 10 characters).
TEST_PASSPHRASE = "lantern orchard 42 quietly"


class FakeClock:
    """A controllable wall clock for services (local, naive time); tests move it by hand."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 11, 20, 9, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now = self.now + timedelta(**delta)
