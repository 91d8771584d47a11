"""Issue 13 "Done when": a practice policy that would loosen a clinical rule is refused with a
clear message on every command-line run (stderr, naming the rule and the shipped limit), the
command still does its work with the shipped rules, and stdout stays clean for scripts."""

from __future__ import annotations

import json
from pathlib import Path

from kapnotes.storage import lifecycle


def test_a_loosening_policy_is_named_on_stderr(run_cli, tmp_path: Path, passphrase: str,
                                               passphrase_file: Path) -> None:
    vault = tmp_path / "v.kapnotes"
    lifecycle.create_vault(vault, passphrase).vault.close()
    policy_path = tmp_path / "policy.json"
    policy_path.write_text(json.dumps({"version": 1, "settings": {"clinical_rules": {
        "value": {"spo2_low": {"below": 85}}}}}), encoding="utf-8")
    result = run_cli("list", "--vault", vault, "--passphrase-file", passphrase_file,
                     env={"KAPNOTES_POLICY": str(policy_path)})
    assert result.returncode == 0, result.stderr
    assert "would loosen rule 'spo2_low'" in result.stderr
    assert "92%" in result.stderr and "ignored" in result.stderr
    assert str(policy_path) in result.stderr
    assert "loosen" not in result.stdout


def test_the_vault_named_before_the_command_is_the_one_opened(
        run_cli, tmp_path: Path, passphrase: str, passphrase_file: Path) -> None:
    """Seen while checking the policy message: `kapnotes --vault V list` said "No vault at
    <the per-user vault>" because the command's own --vault default overwrote V."""
    vault = tmp_path / "elsewhere.kapnotes"
    lifecycle.create_vault(vault, passphrase).vault.close()
    before = run_cli("--vault", vault, "list", "--passphrase-file", passphrase_file)
    assert before.returncode == 0, before.stderr
    assert "No vault at" not in before.stderr
    after = run_cli("list", "--vault", vault, "--passphrase-file", passphrase_file)
    assert after.returncode == 0 and after.stdout == before.stdout
