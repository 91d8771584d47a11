"""A new vault without paying for its creation in every test: one closed vault per test process
at the latest schema (the template), copied file for file into each test's folder.

Creating a vault runs every migration step and writes the key file (~0.15 s, ~0.5 s on a busy
machine); a copy opens in ~10 ms. The copy is the vault `lifecycle.create_vault` leaves behind
once closed: the same files (vault, key file, lock file), owner-only, at the latest schema, with
its `vault.create` audit entry. Copies of one template share its data key and review identity;
a test needing two distinct vaults creates the second itself.

`open_copy` is the one way a fixture opens such a copy (of this template or of a vault filled
once from it): copied, unlocked as the app does, services built, closed on leaving.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers.basics import TEST_PASSPHRASE
from kapnotes.services.clock import Clock
from kapnotes.services.container import Services, build_services
from kapnotes.storage import keyfile, lifecycle


def make_template(folder: Path, passphrase: str) -> Path:
    path = folder / "template.kapnotes"
    lifecycle.create_vault(path, passphrase).vault.close()
    return path


def copy_vault(template: Path, to: Path) -> Path:
    """The template's files beside each other at `to` (its folder must exist)."""
    for suffix in ("", keyfile.key_file_for(template).name[len(template.name):], ".lock"):
        source = template.with_name(template.name + suffix)
        if source.exists():
            shutil.copy2(source, to.with_name(to.name + suffix))
    return to


@contextmanager
def open_copy(template: Path, to: Path, clock: Clock, templates: Path,
              passphrase: str = TEST_PASSPHRASE) -> Iterator[Services]:
    """Services over a copy at `to` of the closed vault `template`, with `clock` and the practice
    templates folder `templates`; the copy's vault is closed on leaving."""
    vault = lifecycle.unlock_vault(copy_vault(template, to), passphrase=passphrase)
    try:
        yield build_services(vault, clock=clock, practice_templates=templates)
    finally:
        vault.close()
