"""Where the CLI gets a passphrase: a terminal prompt, `--passphrase-file`, or the environment.

`KAPNOTES_PASSPHRASE` is for automation only (test rigs, scheduled backups): environment
variables can be read by other processes of the same user.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from kapnotes.domain.bounded_input import read_text_bounded
from kapnotes.domain.errors import KapNotesError
from kapnotes.domain.passphrase import ENV_PASSPHRASE, check_new_passphrase

ENV_NEW_PASSPHRASE = "KAPNOTES_NEW_PASSPHRASE"
MAX_SECRET_FILE_BYTES = 4096  # a passphrase, password or recovery key is a line of text


def read_secret_file(path: str, *, option: str = "--passphrase-file") -> str:
    """The first line of a small regular file (never /dev/zero, a FIFO or a huge file)."""
    text = read_text_bounded(Path(path).expanduser(), limit=MAX_SECRET_FILE_BYTES, label=option)
    return text.splitlines()[0] if text.splitlines() else ""


def _from_file(path: str) -> str:
    return read_text_bounded(Path(path).expanduser(), limit=MAX_SECRET_FILE_BYTES,
                             label="--passphrase-file").rstrip("\r\n")


def _prompt(label: str) -> str:
    if not sys.stdin or not sys.stdin.isatty():
        raise KapNotesError(
            f"{label} needed: run in a terminal, or use --passphrase-file "
            f"(or {ENV_PASSPHRASE} for automation)."
        )
    return getpass.getpass(f"{label}: ")


def existing_passphrase(file: str | None, *, label: str = "Vault passphrase") -> str:
    if file:
        return _from_file(file)
    env = os.environ.get(ENV_PASSPHRASE)
    if env is not None:
        return env
    return _prompt(label)


def new_passphrase(file: str | None, *, env_name: str = ENV_NEW_PASSPHRASE) -> str:
    """A new passphrase, typed twice at a prompt, checked against the rules."""
    if file:
        value = _from_file(file)
        check_new_passphrase(value, value)
        return value
    env = os.environ.get(env_name)
    if env is not None:
        check_new_passphrase(env, env)
        return env
    first = _prompt("New passphrase")
    second = _prompt("Repeat the new passphrase")
    check_new_passphrase(first, second)
    return first
