"""The whole-vault check and daily backup run behind the open window, on a sibling connection."""

from __future__ import annotations

from pathlib import Path

from helpers.recording import RecordingPrompter

from kapnotes.storage import lifecycle
from kapnotes.storage.backups import RetentionPolicy, list_backups
from kapnotes.ui.background_checks import BackgroundChecks, CheckOutcome, check_and_back_up
from kapnotes.ui.main_window import MainWindow
from kapnotes.window_run import report_checks


def flip_third_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for i in range(4096 * 2, 4096 * 2 + 2000):
        data[i] ^= 0x55
    path.write_bytes(bytes(data))


def test_sound_vault_is_checked_and_backed_up_in_the_background(qtbot, open_vault) -> None:
    open_vault.execute("CREATE TABLE marker (n INTEGER)")
    open_vault.execute("INSERT INTO marker VALUES (7)")
    checks = BackgroundChecks()
    with qtbot.waitSignal(checks.finished, timeout=20_000) as result:
        checks.start(open_vault, RetentionPolicy())
    outcome = result.args[0]
    assert outcome.problems == ()
    assert outcome.backup_note.startswith("Backup saved:")
    backup = list_backups(open_vault.path)[0]
    # The backup was taken on the sibling connection and holds what the window wrote.
    assert open_vault.query("SELECT n FROM marker") == [(7,)]
    assert backup.path.stat().st_size > 0 and backup.key_path.exists()


def test_the_check_runs_again_on_schedule_on_the_vault_open_then(qtbot, open_vault) -> None:
    """The window may stay open for days: the whole-file check repeats (daily in the app; a
    short interval here) on whatever vault the source names at that time."""
    checks = BackgroundChecks(every_ms=50)
    asked: list[int] = []

    def source() -> tuple[object, RetentionPolicy]:
        asked.append(1)
        return open_vault, RetentionPolicy()

    outcomes: list[CheckOutcome] = []
    checks.finished.connect(outcomes.append)
    checks.start(open_vault, RetentionPolicy(), backup=False)
    checks.repeat(source)
    qtbot.waitUntil(lambda: len(outcomes) >= 3, timeout=20_000)
    checks.stop_repeating()
    checks.wait()
    assert asked and all(outcome.problems == () for outcome in outcomes)
    assert len(list_backups(open_vault.path)) == 1  # the daily backup still once a day


def test_damage_found_after_a_fast_open_is_reported_and_no_backup_is_taken(
    vault_path: Path, passphrase: str
) -> None:
    created = lifecycle.create_vault(vault_path, passphrase)
    created.vault.execute("CREATE TABLE filler (t TEXT)")
    for _ in range(40):
        created.vault.execute("INSERT INTO filler VALUES (?)", ("x" * 500,))
    created.vault.close()
    flip_third_page(vault_path)
    vault = lifecycle.unlock_vault(vault_path, passphrase=passphrase, check_integrity=False)
    try:
        outcome = check_and_back_up(vault, RetentionPolicy(), backup=True)
    finally:
        vault.close()
    assert outcome.problems
    assert outcome.backup_note == ""
    assert list_backups(vault_path) == []


def test_reported_damage_offers_the_restore(qtbot, open_vault, settings) -> None:
    window = MainWindow(open_vault, settings=settings)
    qtbot.addWidget(window)
    prompter = RecordingPrompter(confirm=False)
    report_checks(window, prompter, CheckOutcome(problems=("page 3: bad HMAC",),
                                                 backup_note=""))
    assert prompter.kinds() == ["confirm"]
    assert "integrity check" in prompter.messages[0][2]
