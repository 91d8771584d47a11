"""Start-up imports only what the chosen command needs: `kapnotes --version` loads neither the
export stack nor the services, and the GUI reaches its unlock dialog without them.

Run as real processes (the console entry `python -m kapnotes`), since an import made once in the
test process would hide one made again; no timing is asserted (that is bench/'s job).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HELPERS = Path(__file__).resolve().parent / "helpers"
HEAVY = ("reportlab", "pypdf", "jsonschema", "kapnotes.services", "kapnotes.window_run",
         "kapnotes.ui.main_window")
# Unlocking is itself a service (the window imports no storage module): it loads only the
# storage modules unlocking needs, so it is the one service the unlock dialog may load.
UNLOCK_SERVICE = ("kapnotes.services", "kapnotes.services.vault_access")


def _heavy(modules: list[str]) -> list[str]:
    def heavy(name: str) -> bool:
        if name.startswith("kapnotes.export.") and name != "kapnotes.export.passwords":
            return True  # the one export module allowed is a constant for --help
        return any(name == h or name.startswith(h + ".") for h in HEAVY)

    return sorted(m for m in modules if heavy(m))


def test_version_imports_no_export_stack_no_storage_and_no_qt(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kapnotes", "--version"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
    )
    assert result.returncode == 0 and result.stdout.startswith("KAP Notes ")
    imported = [line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines()
                if line.startswith("import time:") and "|" in line]
    assert "kapnotes.cli" in imported  # the probe saw the entry's own imports
    assert _heavy(imported) == []
    assert [m for m in imported if m.split(".")[0] in ("PySide6", "sqlcipher3", "cryptography")
            or m.startswith("kapnotes.storage")] == []


def test_gui_paints_its_unlock_dialog_before_anything_heavy_is_imported(
        new_vault: Path, tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, str(HELPERS / "gui_import_probe.py"), str(new_vault)],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert "kapnotes.ui.dialogs.unlock" in loaded  # it got as far as the dialog
    assert [m for m in _heavy(loaded) if m not in UNLOCK_SERVICE] == []


# Loaded while the passphrase is typed, not before the dialog paints: SQLCipher, the key
# file's cryptography, opening and migrating the vault, the audit log, the schedule rules
# (the error line's colours once pulled them in) and importlib.resources (the icon's path);
# getpass (termios, pwd) only serves a practice folder's `{user}`; the practice policy (read
# once the dialog is on screen) and `datetime`/`dataclasses`, which only a failure needs.
NOT_BEFORE_THE_DIALOG = ("getpass", "sqlcipher3", "cryptography", "kapnotes.storage.lifecycle",
                         "kapnotes.policy", "datetime", "dataclasses",
                         "kapnotes.storage.vault", "kapnotes.storage.audit",
                         "kapnotes.storage.keyfile", "kapnotes.storage.migrations",
                         "kapnotes.domain.schedule", "kapnotes.domain.protocols",
                         "importlib.resources")


def test_the_unlock_dialog_paints_before_sqlcipher_and_the_schema_load(
        new_vault: Path, tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, str(HELPERS / "gui_import_probe.py"), str(new_vault)],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert "kapnotes.ui.dialogs.unlock" in loaded
    early = [m for m in loaded
             if any(m == n or m.startswith(n + ".") for n in NOT_BEFORE_THE_DIALOG)]
    assert early == []


# Built on first use (kapnotes/services/container.py), after the window's first paint: the
# services beyond the client list's, and the views that only a menu item opens.
NOT_BEFORE_THE_WINDOW = ("kapnotes.services.notes", "kapnotes.services.approvals",
                         "kapnotes.services.monitoring", "kapnotes.services.s8_register",
                         "kapnotes.services.consents", "kapnotes.services.course_items",
                         "kapnotes.domain.s8_register", "kapnotes.domain.dosing_record",
                         "kapnotes.ui.s8_register_view", "kapnotes.ui.dialogs.practice_themes",
                         "kapnotes.ui.dialogs.delete_client")


def test_the_main_window_paints_before_the_services_built_on_first_use_load(
        new_vault: Path, passphrase: str, tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "cfg"),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_STATE_HOME=str(tmp_path / "state"))
    result = subprocess.run(
        [sys.executable, str(HELPERS / "window_import_probe.py"), str(new_vault), passphrase],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert "MainWindow" in out["shown"]  # it got as far as the painted window
    assert "kapnotes.services.clients" in out["modules"]  # the client list's service
    assert [m for m in NOT_BEFORE_THE_WINDOW if m in out["modules"]] == []


# The practice policy is read after the unlock dialog has painted (kapnotes/app.py, the
# deferred steps of kapnotes/startup.py); a refused entry must still reach stderr on every run.
LOOSENING = {"version": 1, "settings": {"clinical_rules": {"value": {"spo2_low": {"below": 85}}}}}


def _quit_at_unlock(vault: Path, tmp_path: Path, mode: str) -> subprocess.CompletedProcess[str]:
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps(LOOSENING), encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KAPNOTES_POLICY=str(policy))
    return subprocess.run(
        [sys.executable, str(HELPERS / "gui_quit_probe.py"), str(vault), mode],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120, check=False)


def test_the_policy_is_read_after_the_dialog_paints_and_its_refusal_still_said(
        new_vault: Path, tmp_path: Path) -> None:
    result = _quit_at_unlock(new_vault, tmp_path, "after-preload")
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert "kapnotes.policy" in loaded  # read while the passphrase could be typed
    assert result.stderr.count("would loosen rule 'spo2_low'") == 1  # once, not per read


def test_quitting_at_the_unlock_dialog_at_once_still_says_the_policy_refusal(
        new_vault: Path, tmp_path: Path) -> None:
    result = _quit_at_unlock(new_vault, tmp_path, "at-once")
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert "kapnotes.ui.dialogs.unlock" in loaded and "kapnotes.policy" not in loaded
    assert result.stderr.count("would loosen rule 'spo2_low'") == 1
