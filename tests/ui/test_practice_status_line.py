"""The status bar's practice line, from the vault's sync state (kapnotes/ui/practice_status.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from kapnotes.ui.practice_status import indicator


def today_at(hour: int, minute: int) -> datetime:
    """Today's date when the test runs (not when the module was collected: a run that
    crosses midnight must still mean today)."""
    return datetime.now().replace(hour=hour, minute=minute, second=0, microsecond=0)


def test_synced_with_changes_waiting() -> None:
    shown = indicator(pending=3, last_sync_at=today_at(14, 2).isoformat(), offline_since=None,
                      refused=0, conflicts=0, field_reviews=0, login="ther_ab")
    assert shown.text == "Practice: synced 14:02 · 3 pending"
    assert "ther_ab" in shown.tooltip and not shown.attention


def test_offline_says_since_when_and_what_waits() -> None:
    shown = indicator(pending=3, last_sync_at=today_at(14, 2).isoformat(),
                      offline_since=today_at(14, 5), refused=0, conflicts=0,
                      field_reviews=0)
    assert shown.text == "Practice: offline since 14:05 · 3 pending"
    assert "changes wait here" in shown.tooltip


def test_offline_since_another_day_says_which_day() -> None:
    yesterday = today_at(14, 5) - timedelta(days=1)
    shown = indicator(pending=0, last_sync_at=None, offline_since=yesterday, refused=0,
                      conflicts=0, field_reviews=0)
    assert shown.text == f"Practice: offline since {yesterday:%d %b} 14:05"


def test_a_refusal_comes_first_and_says_where_to_look() -> None:
    shown = indicator(pending=0, last_sync_at=today_at(14, 2).isoformat(), offline_since=None,
                      refused=1, conflicts=2, field_reviews=0)
    assert shown.text == "Practice: 1 refused — File → Practice"
    assert shown.attention


def test_conflicts_to_review_are_counted_and_a_fresh_vault_says_not_synced() -> None:
    shown = indicator(pending=0, last_sync_at=None, offline_since=None, refused=0,
                      conflicts=1, field_reviews=1)
    assert shown.text == "Practice: not synced yet · 2 to review"
    assert "1 conflict copy and 1 field review" in shown.tooltip
    assert not shown.attention  # calm: waiting for a person is not an error


def test_sync_now_says_a_client_off_the_care_team_is_kept_while_work_waits() -> None:
    from kapnotes.services.practice_sync import SyncReport
    from kapnotes.ui.practice_status import moved
    from kapnotes.ui.practice_worker import SyncOutcome

    report = SyncReport(refused=1, held_codes=("KAP-2001",))
    line = moved(SyncOutcome(report, "", None, datetime.now()))
    assert line == ("Synced: sent 0, received 0, 1 refused, 1 client kept until its unsent "
                    "work is read (File → Practice).")
