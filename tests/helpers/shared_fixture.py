"""The user-data folder and practice policy of a module- or session-scoped fixture.

Such a fixture is set up inside whichever test asks for it first, under that test's own
KAPNOTES_DATA_DIR and KAPNOTES_POLICY (tests/conftest.py); a test that chose a jurisdiction
would leave its register entries in a vault other tests share. `own_user_data` gives the
fixture a folder and policy of its own while it builds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def own_user_data(folder: Path, policy: str = "no-practice-policy.json"
                  ) -> Iterator[pytest.MonkeyPatch]:
    """KAPNOTES_DATA_DIR is `folder` and KAPNOTES_POLICY `folder`/`policy` (no file there, no
    practice policy, until the caller writes one) while inside; the environment is restored
    on leaving. The MonkeyPatch is the caller's for any further variable."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("KAPNOTES_DATA_DIR", str(folder))
        env.setenv("KAPNOTES_POLICY", str(folder / policy))
        yield env
