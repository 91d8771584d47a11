"""The demo vault (kapnotes/services/demo.py) without building it in every test: filling one
writes ~2,500 changes (~1-2 s); a closed copy opens in milliseconds.

`build_demo_vault` fills a copy of the process's template vault (helpers/vault_template.py)
with the clock at `now`, as a test did over its own `services`, and closes it; tests open
copies of it (the `open_demo` fixture in tests/ui/conftest.py), never this file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from helpers.basics import TEST_PASSPHRASE, FakeClock
from helpers.vault_template import copy_vault
from kapnotes.services.container import build_services
from kapnotes.services.demo import build_demo
from kapnotes.storage import lifecycle


def build_demo_vault(template: Path, folder: Path, now: datetime) -> tuple[Path, list[int]]:
    """A closed demo vault in `folder` built on `now`'s date, and its clients' ids."""
    path = copy_vault(template, folder / "demo.kapnotes")
    vault = lifecycle.unlock_vault(path, passphrase=TEST_PASSPHRASE)
    try:
        services = build_services(vault, clock=FakeClock(now),
                                  practice_templates=folder / "templates")
        ids = build_demo(services, today=now.date())
    finally:
        vault.close()
    return path, ids
