"""CLI unlock shares the window's failure counter and slow-down: wrong passphrases and
recovery keys are counted in the counter file (a count and times, never the text), from the
third one on the next attempt is refused until the wait is over, and the next successful
unlock writes one `vault.unlock_failed` entry to the audit log."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kapnotes.storage import audit, lifecycle
from kapnotes.storage.unlock_failures import FailedUnlocks, counter_file_for, delay_after


def test_wrong_passphrases_are_counted_slowed_down_and_audited(
        run_cli, one_error_line, new_vault: Path, passphrase_file: Path, passphrase: str,
        tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase at all\n")
    for n in (1, 2, 3):
        result = run_cli("list", "--vault", new_vault, "--passphrase-file", wrong)
        assert "Wrong passphrase" in one_error_line(result, 3)
        assert FailedUnlocks.for_vault(new_vault).count == n
    counter = counter_file_for(new_vault).read_text()
    assert "not the passphrase" not in counter and set(json.loads(counter)) == {
        "count", "first_utc", "last_utc"}

    # The wait after the third failure is 5 s, and starting a process under load can take
    # longer. Moving the last failure ahead of now keeps the whole wait in force however slowly
    # the next processes start (a clock set back never lengthens it past the delay).
    doc = json.loads(counter)
    held = {**doc, "last_utc": (datetime.now(UTC) + timedelta(days=1)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")}
    counter_file_for(new_vault).write_text(json.dumps(held))
    assert FailedUnlocks.for_vault(new_vault).wait_left() == delay_after(3)

    # the fourth attempt, even with the right passphrase, waits (nothing is tried)
    result = run_cli("list", "--vault", new_vault, "--passphrase-file", passphrase_file)
    line = one_error_line(result, 3)
    assert f"3 wrong passphrases or recovery keys in a row; wait {delay_after(3)} s" in line
    assert FailedUnlocks.for_vault(new_vault).count == 3
    result = run_cli("passwd", "--vault", new_vault, "--recovery-key-file", wrong)
    assert "wait" in one_error_line(result, 3)

    # once the wait is over (the last failure moved back in time), it opens and is audited
    doc["last_utc"] = "2020-01-01T00:00:00Z"
    counter_file_for(new_vault).write_text(json.dumps(doc))
    result = run_cli("list", "--vault", new_vault, "--passphrase-file", passphrase_file)
    assert result.returncode == 0, result.stderr
    assert not counter_file_for(new_vault).exists()
    with lifecycle.unlock_vault(new_vault, passphrase=passphrase) as vault:
        entry = [e for e in audit.entries(vault) if e.event == "vault.unlock_failed"][-1]
    assert entry.detail.startswith("3 failed attempts")


def test_wrong_recovery_keys_and_check_count_too(run_cli, new_vault: Path,
                                                 tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH\n")
    assert run_cli("passwd", "--vault", new_vault, "--recovery-key-file",
                   wrong).returncode == 3
    assert run_cli("check", "--vault", new_vault, "--passphrase-file", wrong).returncode == 3
    assert FailedUnlocks.for_vault(new_vault).count == 2


def test_the_delay_is_the_windows_delay() -> None:
    from kapnotes.ui.widgets.retry_wait import default_delay

    assert [delay_after(n) for n in range(1, 8)] == [0, 0, 5, 10, 20, 40, 80]
    assert delay_after(10 ** 6) == 300
    assert all(default_delay(n) == delay_after(n) for n in range(50))
