"""The practice policy file: where it is, what it may say, and how it ranks against the user."""

from __future__ import annotations

import getpass
import json
import logging
from pathlib import Path

import pytest

from kapnotes import paths, policy
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.vitals import VitalsThresholds
from kapnotes.policy import Source, load_policy, policy_locations, resolve
from kapnotes.services import lock_settings, practice_settings
from kapnotes.services.settings_service import SettingsService
from kapnotes.storage.backups import RetentionPolicy


def write_policy(path: Path, settings: dict[str, object], version: object = 1) -> Path:
    path.write_text(json.dumps({"version": version, "settings": settings}), encoding="utf-8")
    return path


@pytest.fixture
def policy_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The policy file of this test (KAPNOTES_POLICY); absent until a test writes it."""
    path = tmp_path / "policy.json"
    monkeypatch.setenv(policy.POLICY_ENV, str(path))
    return path


# -- locations -----------------------------------------------------------------------------

def test_locations_per_os() -> None:
    env = {"ProgramData": r"D:\ProgramData"}
    assert policy_locations("win32", env) == [Path(r"D:\ProgramData") / "KAPNotes" /
                                              "policy.json"]
    assert policy_locations("darwin", {}) == [
        Path("/Library/Application Support/KAPNotes/policy.json")]
    assert policy_locations("linux", {"XDG_CONFIG_DIRS": "/etc/xdg:relative:/opt/conf"}) == [
        Path("/etc/kapnotes/policy.json"), Path("/etc/xdg/kapnotes/policy.json"),
        Path("/opt/conf/kapnotes/policy.json")]
    assert policy_locations("linux", {})[1] == Path("/etc/xdg/kapnotes/policy.json")


def test_env_override_replaces_the_system_locations(tmp_path: Path) -> None:
    env = {policy.POLICY_ENV: str(tmp_path / "p.json"), "ProgramData": "C:/x"}
    for plat in ("win32", "darwin", "linux"):
        assert policy_locations(plat, env) == [tmp_path / "p.json"]


def test_no_file_means_an_empty_policy(policy_file: Path) -> None:
    assert not policy_file.exists()
    assert policy.current_policy().entries == {}
    assert resolve("idle_lock_minutes", builtin=5).source is Source.BUILT_IN


# -- precedence ----------------------------------------------------------------------------

def test_precedence_default_policy_default_user_policy_fixed(policy_file: Path) -> None:
    assert resolve("idle_lock_minutes", builtin=5, user=None).value == 5
    write_policy(policy_file, {"idle_lock_minutes": {"value": 10}})
    got = resolve("idle_lock_minutes", builtin=5, user=None)
    assert (got.value, got.source) == (10, Source.PRACTICE_DEFAULT)
    got = resolve("idle_lock_minutes", builtin=5, user=3)
    assert (got.value, got.source) == (3, Source.USER)
    write_policy(policy_file, {"idle_lock_minutes": {"value": 2, "fixed": True}})
    got = resolve("idle_lock_minutes", builtin=5, user=3)
    assert (got.value, got.source, got.fixed) == (2, Source.PRACTICE_FIXED, True)


def test_services_follow_the_policy(open_vault, policy_file: Path) -> None:
    vault = open_vault
    lock_settings.set_idle_lock_minutes(vault, 15)
    write_policy(policy_file, {
        "idle_lock_minutes": {"value": 3, "fixed": True},
        "vitals_thresholds": {"value": {"alert_spo2_below": 94}},
        "screen_max_age_days": {"value": 30, "fixed": True},
    })
    assert lock_settings.idle_lock_minutes(vault) == 3  # fixed beats the stored 15
    monitoring = practice_settings.MonitoringSettings(vault)
    assert monitoring.thresholds() == VitalsThresholds(alert_spo2_below=94)
    monitoring.set_thresholds(VitalsThresholds(alert_spo2_below=95))
    assert monitoring.thresholds().alert_spo2_below == 95  # user beats a policy default
    assert monitoring.screen_max_age_days() == 30


def test_fixed_value_is_refused_when_set(open_vault, policy_file: Path) -> None:
    write_policy(policy_file, {"idle_lock_minutes": {"value": 3, "fixed": True},
                               "practice_name": {"value": "Harbour Lane Therapy",
                                                 "fixed": True}})
    with pytest.raises(ValidationError) as exc:
        lock_settings.set_idle_lock_minutes(open_vault, 20)
    assert exc.value.field == "idle_lock_minutes"
    assert "set by your practice" in exc.value.message
    service = SettingsService(open_vault)
    with pytest.raises(ValidationError, match="Practice name is set by your practice"):
        service.set_practice_name("Another Name")
    assert service.practice_name() == "Harbour Lane Therapy"


def test_settings_service_save_is_all_or_nothing(open_vault, policy_file: Path) -> None:
    service = SettingsService(open_vault)
    with pytest.raises(ValidationError) as exc:
        service.save({"practice_name": "Seaview Clinic", "backup_retention": {"daily": -1}})
    assert exc.value.field == "backup_retention"
    assert "Backup retention" in exc.value.message
    assert service.practice_name() == ""  # the valid change was not written either
    service.save({"practice_name": "Seaview Clinic",
                  "backup_retention": {"daily": 3, "weekly": 2}})
    assert service.practice_name() == "Seaview Clinic"
    assert service.backup_retention() == RetentionPolicy(daily=3, weekly=2)
    assert service.effective("practice_name").source is Source.USER


def test_backup_retention_from_policy(open_vault, policy_file: Path) -> None:
    service = SettingsService(open_vault)
    assert service.backup_retention() == RetentionPolicy()
    write_policy(policy_file, {"backup_retention": {"value": {"daily": 14}, "fixed": True}})
    assert service.backup_retention() == RetentionPolicy(daily=14, weekly=4)


def test_logo_path_relative_to_the_policy_file(open_vault, policy_file: Path) -> None:
    logo = policy_file.parent / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n")
    write_policy(policy_file, {"practice_logo": {"value": "logo.png"}})
    assert SettingsService(open_vault).practice_logo() == logo


# -- broken files --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("{not json", "not valid JSON"),
    ('{"version": 2, "settings": {}}', "version 2 is not supported"),
    ('["a list"]', 'expected an object with "version" and "settings"'),
])
def test_broken_file_is_reported_and_ignored(policy_file: Path, text: str,
                                             expected: str) -> None:
    policy_file.write_text(text, encoding="utf-8")
    loaded = load_policy(policy_file)
    assert loaded.entries == {}
    assert len(loaded.problems) == 1
    assert str(policy_file) in loaded.problems[0] and expected in loaded.problems[0]


def test_broken_entries_are_named_and_the_rest_applies(policy_file: Path,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    write_policy(policy_file, {
        "idle_lock_minutes": {"value": 0, "fixed": True},
        "screen_max_age_days": {"value": 60, "fixed": "yes"},
        "vitals_thresholds": {"value": {"alert_spo2_below": 94, "delay_systolic_above": 200}},
        "practice_logo": {"value": "/nowhere/logo.png"},
        "colour": {"value": "teal"},
        "practice_name": "Harbour Lane Therapy",
        "backup_retention": {"value": {"daily": 10}},
    })
    with caplog.at_level(logging.WARNING, logger="kapnotes.policy"):
        loaded = policy.current_policy()
    assert set(loaded.entries) == {"backup_retention"}
    text = "\n".join(loaded.problems)
    for key in ("idle_lock_minutes", "screen_max_age_days", "delay_systolic_above",
                "practice_logo", "colour", "practice_name"):
        assert key in text
    assert all(str(policy_file) in p for p in loaded.problems)
    assert "whole number of minutes, 1–120" in text
    assert len(caplog.records) == len(loaded.problems)  # logged once, not on every read
    policy.current_policy()
    assert len(caplog.records) == len(loaded.problems)


def test_unreadable_policy_never_raises(policy_file: Path) -> None:
    policy_file.write_bytes(b"\xff\xfe\x00garbage")
    assert load_policy(policy_file).entries == {}
    policy_file.write_text("x" * (policy.MAX_POLICY_BYTES + 1), encoding="utf-8")
    assert "too large" in load_policy(policy_file).problems[0]


def test_policy_ranges_match_the_services() -> None:
    assert policy.IDLE_LOCK_RANGE == (lock_settings.MIN_IDLE_LOCK_MINUTES,
                                      lock_settings.MAX_IDLE_LOCK_MINUTES)
    assert policy.SCREEN_AGE_RANGE == (0, practice_settings.MAX_SCREEN_AGE_DAYS)


# -- default vault folder ------------------------------------------------------------------

def test_default_vault_folder_precedence(policy_file: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "clinic"
    monkeypatch.delenv(paths.DATA_DIR_ENV)
    write_policy(policy_file, {"default_vault_folder": {"value": str(shared)}})
    user = getpass.getuser()
    assert paths.default_vault_path() == shared / user / paths.VAULT_FILENAME
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "mine"))
    assert paths.default_vault_path() == tmp_path / "mine" / paths.VAULT_FILENAME
    monkeypatch.setenv(paths.VAULT_ENV, str(tmp_path / "own.kapnotes"))
    assert paths.default_vault_path() == tmp_path / "own.kapnotes"
    write_policy(policy_file, {"default_vault_folder": {"value": str(shared / "{user}" / "kn"),
                                                        "fixed": True}})
    assert paths.default_vault_path() == shared / user / "kn" / paths.VAULT_FILENAME


def test_relative_vault_folder_is_refused(policy_file: Path) -> None:
    write_policy(policy_file, {"default_vault_folder": {"value": "vaults"}})
    loaded = load_policy(policy_file)
    assert "default_vault_folder" in loaded.problems[0] and "absolute" in loaded.problems[0]
    assert paths.practice_vault_folder("~/KAP", user="ada") == Path("~/KAP").expanduser()


def test_a_held_policy_is_the_one_in_force_on_entry(policy_file: Path) -> None:
    # One job (a PDF build) sees one policy and looks for the file once; after it, a changed
    # file is read again as before.
    write_policy(policy_file, {"idle_lock_minutes": {"value": 7}})
    with policy.held() as held:
        write_policy(policy_file, {"idle_lock_minutes": {"value": 9, "fixed": True},
                                   "screen_max_age_days": {"value": 30}})
        policy_file.unlink()  # not even looked for again
        assert policy.current_policy() is held
        assert resolve("idle_lock_minutes", builtin=5).value == 7
        with policy.held() as inner:
            assert inner is held
        assert policy.current_policy() is held
    assert policy.current_policy().entries == {}
    write_policy(policy_file, {"idle_lock_minutes": {"value": 9, "fixed": True}})
    assert resolve("idle_lock_minutes", builtin=5, user=3).value == 9
