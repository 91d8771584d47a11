"""Passphrase review files: the age v1 format any age implementation opens, at 2^18.

The rest of the suite seals them at a test-only scrypt work factor (tests/conftest.py sets
KAPNOTES_TEST_ONLY_SCRYPT_LOG_N); the last test starts `kapnotes` without that variable, as a
practice runs it, and reads the factor from the file it wrote.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pyrage
import pytest
from helpers.console_entry import run_entry

from kapnotes.services import age_passphrase

SECRET = "cedar window 7 softly ünïcode"


@pytest.mark.parametrize("size", [0, 1, 65_535, 65_536, 65_537, 2 * 65_536, 200_000])
def test_every_chunking_opens_with_the_reference_reader(size: int) -> None:
    """Empty, one byte, either side of the 64 KiB chunk and several chunks (age's STREAM)."""
    plain = os.urandom(size)
    sealed = age_passphrase.encrypt(plain, SECRET)
    assert sealed.startswith(b"age-encryption.org/v1\n-> scrypt ")
    assert pyrage.passphrase.decrypt(sealed, SECRET) == plain


def test_a_wrong_passphrase_or_a_changed_byte_does_not_open() -> None:
    sealed = age_passphrase.encrypt(b'{"kind": "request"}', SECRET)
    with pytest.raises(pyrage.DecryptError):
        pyrage.passphrase.decrypt(sealed, SECRET + "!")
    for at in (30, len(sealed) - 1):  # the stanza's salt, the payload's tag
        changed = bytearray(sealed)
        changed[at] ^= 1
        with pytest.raises(pyrage.DecryptError):
            pyrage.passphrase.decrypt(bytes(changed), SECRET)


def test_the_test_factor_is_bounded_and_never_above_production(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for raw, expected in (("10", 10), ("3", 10), ("40", 18), ("", 18), ("x", 18)):
        monkeypatch.setenv(age_passphrase.TEST_LOG_N_ENV, raw)
        assert age_passphrase.work_factor() == expected
    monkeypatch.delenv(age_passphrase.TEST_LOG_N_ENV)
    assert age_passphrase.work_factor() == 18


def test_the_app_seals_a_passphrase_request_at_2_to_the_18(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != age_passphrase.TEST_LOG_N_ENV}
    env.update(KAPNOTES_DATA_DIR=str(tmp_path), KAPNOTES_PASSPHRASE="harbour lamp 31 evenly",
               KAPNOTES_NEW_PASSPHRASE="harbour lamp 31 evenly")

    for setup in (("demo", "--vault", "t.kapnotes"),  # the vault, through the entry in-process
                  ("review", "profile", "--vault", "t.kapnotes", "--name", "Dr Demo Clinician")):
        made = run_entry(setup, env=env, cwd=tmp_path)
        assert made.returncode == 0, made.stderr
    result = subprocess.run([sys.executable, "-m", "kapnotes", "review", "request", "--vault",
                             "t.kapnotes", "--client", "KAP-001", "--out", "req.kapreview"],
                            capture_output=True, text=True, env=env, cwd=tmp_path,
                            stdin=subprocess.DEVNULL, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    said = result.stdout
    secret = said.split("Passphrase for the supervisor: ")[1].splitlines()[0]
    sealed = (tmp_path / "req.kapreview").read_bytes()
    assert re.search(rb"^-> scrypt \S+ 18$", sealed, re.MULTILINE)
    envelope = json.loads(pyrage.passphrase.decrypt(sealed, secret))
    assert envelope["kind"] == "request"
    assert age_passphrase.LOG_N == 18
