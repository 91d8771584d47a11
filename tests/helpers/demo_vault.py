"""The demo vault (kapnotes/services/demo.py) without building it in every test: filling one
writes ~2,500 changes (~1-2 s); a closed copy opens in milliseconds.

`build_demo_vault` fills a copy of the process's template vault (helpers/vault_template.py)
with the clock at `now`, as a test did over its own `services`, and closes it; tests open
copies of it (the `open_demo` fixture in tests/ui/conftest.py), never this file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from helpers.basics import FakeClock
from helpers.vault_template import open_copy
from kapnotes.services.demo import build_demo


def build_demo_vault(template: Path, folder: Path, now: datetime) -> tuple[Path, list[int]]:
    """A closed demo vault in `folder` built on `now`'s date, and its clients' ids."""
    path = folder / "demo.kapnotes"
    with open_copy(template, path, FakeClock(now), folder / "templates") as services:
        ids = build_demo(services, today=now.date())
    return path, ids
