"""Every path argument of `kapnotes review …` and `kapnotes report …`, given something hostile,
through the real console entry (`python -m kapnotes`, a subprocess) on real vaults.

Inputs (request, reply, key, review JSON, passphrase files) may be missing, a folder, a FIFO,
`/dev/zero`, 50 MB, nested 100,000 deep, or a link to the vault or its key file. Outputs
(`--out`, `--pdf-out`, `--review-template`) may be a folder, a FIFO, `/dev/zero`, a link to a
vault, its key file or its backups folder, an existing file, or in a folder that is not there;
with `--force` too, and also when the command runs without `--vault` (a supervisor who has
none) or with a vault other than the one the link points at. Each must end with exactly one
`kapnotes: error:` line, exit 5 (kapnotes/cli/__init__.py: refused input) and change nothing
in the folder. Most cases call the console entry in this process (tests/helpers/console_entry.py);
the FIFO case of every command runs as a real `python -m kapnotes` subprocess, whose timeout
only guards against a hang (a FIFO must not block).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.basics import TEST_PASSPHRASE
from helpers.console_entry import cli_env, run_entry
from helpers.vault_template import copy_vault

HANG_GUARD_S = 60
PASS = TEST_PASSPHRASE  # the passphrase of the demo vault template (tests/cli/conftest.py)


def _env(folder: Path) -> dict[str, str]:
    return {**cli_env(folder / "data", PASS), "KAPNOTES_POLICY": str(folder / "no-policy.json")}


def _run(folder: Path, *args: str, as_subprocess: bool = False
         ) -> subprocess.CompletedProcess[str]:
    if not as_subprocess:
        return run_entry(args, env=_env(folder), cwd=folder)
    return subprocess.run([sys.executable, "-m", "kapnotes", *args], capture_output=True,
                          text=True, env=_env(folder), cwd=folder, stdin=subprocess.DEVNULL,
                          timeout=HANG_GUARD_S, check=False)


def _ok(folder: Path, *args: str) -> str:
    result = _run(folder, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory, demo_vault_template: Path) -> Path:
    """Two vaults (therapist `t`, a copy of the process's demo vault; supervisor `s`), a key
    file, requests, and the hostile things."""
    f = tmp_path_factory.mktemp("hostile")
    (f / "data").mkdir()
    copy_vault(demo_vault_template, f / "t.kapnotes")
    _ok(f, "review", "profile", "--vault", "t.kapnotes", "--name", "Dr Demo Clinician")
    _ok(f, "init", "--vault", "s.kapnotes")
    _ok(f, "review", "profile", "--vault", "s.kapnotes", "--name", "Dr Ada Supervisor")
    _ok(f, "review", "key", "--vault", "s.kapnotes", "--out", "s.kapkey")
    _ok(f, "review", "request", "--vault", "t.kapnotes", "--client", "KAP-001", "--out",
        "req.kapreview", "--to-key", "s.kapkey")
    said = _ok(f, "review", "request", "--vault", "t.kapnotes", "--client", "KAP-001", "--out",
               "reqpp.kapreview")
    secret = said.split("Passphrase for the supervisor: ")[1].splitlines()[0]
    (f / "pp.txt").write_text(secret + "\n", encoding="utf-8")
    (f / "review.json").write_text("{}", encoding="utf-8")
    (f / "adir").mkdir()
    os.mkfifo(f / "fifo")
    with open(f / "big.bin", "wb") as fh:  # 50 MB, sparse: quick to make, huge to read
        fh.truncate(50 * 1024 * 1024)
    (f / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    for name in ("exist.txt", "exist.pdf", "exist.csv"):
        (f / name).write_text("keep me\n", encoding="utf-8")
    (f / "backups").mkdir()  # the therapist vault's backups folder
    (f / "backups" / "old.kapnotes").write_bytes(b"an earlier backup")
    for link, to in (("link-vault", "t.kapnotes"), ("link-key", "t.kapnotes.keys"),
                     ("link-backups", "backups"), ("link-vault.pdf", "t.kapnotes"),
                     ("link-vault.csv", "t.kapnotes"), ("link-key.pdf", "t.kapnotes.keys"),
                     ("link-svault", "s.kapnotes"), ("link-svault.pdf", "s.kapnotes"),
                     ("link-fifo", "fifo"), ("link-fifo.pdf", "fifo"),
                     ("link-fifo.csv", "fifo")):
        (f / link).symlink_to(to)
    return f


def _state(folder: Path) -> dict[str, str]:
    """Every name in the folder (and backups/) with the digest of what it holds."""
    out: dict[str, str] = {}
    for p in sorted([*folder.iterdir(), *(folder / "backups").iterdir()]):
        if p.name.endswith((".lock", ".unlock-failures")) or p.name in ("big.bin", "data"):
            continue
        if p.is_symlink() or not p.is_file():  # a FIFO replaced by a file shows here too
            out[str(p)] = "link" if p.is_symlink() else "other"
        else:
            out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _refused(place: Path, args: list[str], *, as_subprocess: bool = False) -> str:
    before = _state(place)
    result = _run(place, *args, as_subprocess=as_subprocess)
    assert result.returncode == 5, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kapnotes: error: "), result.stderr
    assert _state(place) == before  # nothing written, replaced or left half-written
    assert "Passphrase for the supervisor" not in result.stdout
    return lines[0]


INPUT_COMMANDS = {
    "import": ["review", "import", "IN", "--vault", "t.kapnotes"],
    "trust": ["review", "trust", "IN", "--vault", "t.kapnotes"],
    "request --to-key": ["review", "request", "--vault", "t.kapnotes", "--client", "KAP-001",
                         "--out", "new.kapreview", "--to-key", "IN"],
    "open REQUEST": ["review", "open", "IN", "--vault", "s.kapnotes"],
    "open --request-passphrase-file": ["review", "open", "reqpp.kapreview", "--pdf-out",
                                       "new.pdf", "--request-passphrase-file", "IN"],
    "reply REQUEST": ["review", "reply", "IN", "--vault", "s.kapnotes", "--review",
                      "review.json", "--out", "new.kapreview"],
    "reply --review": ["review", "reply", "req.kapreview", "--vault", "s.kapnotes",
                       "--review", "IN", "--out", "new.kapreview"],
    "reply --request-passphrase-file": ["review", "reply", "reqpp.kapreview", "--name", "Ada",
                                        "--review", "review.json", "--out", "new.kapreview",
                                        "--request-passphrase-file", "IN"],
}
HOSTILE_INPUTS = ["missing", "adir", "fifo", "/dev/zero", "big.bin", "deep.json",
                  "link-vault", "link-key"]


@pytest.mark.parametrize("hostile", HOSTILE_INPUTS)
@pytest.mark.parametrize("command", list(INPUT_COMMANDS))
def test_a_hostile_input_file_is_refused_in_one_line(place: Path, command: str,
                                                     hostile: str) -> None:
    args = [hostile if a == "IN" else a for a in INPUT_COMMANDS[command]]
    line = _refused(place, args, as_subprocess=hostile == "fifo")
    assert "Dr Demo" not in line and "[[[" not in line  # names the file, never its content


OUTPUT_COMMANDS = {
    "review key": ["review", "key", "--vault", "s.kapnotes", "--out", "OUT"],
    "review request": ["review", "request", "--vault", "t.kapnotes", "--client", "KAP-001",
                       "--to-key", "s.kapkey", "--out", "OUT"],
    "review open --pdf-out": ["review", "open", "req.kapreview", "--vault", "s.kapnotes",
                              "--pdf-out", "OUT"],
    "review open --review-template (no vault)": [
        "review", "open", "reqpp.kapreview", "--request-passphrase-file", "pp.txt",
        "--review-template", "OUT"],
    "review reply (no vault)": ["review", "reply", "reqpp.kapreview", "--name", "Ada",
                                "--request-passphrase-file", "pp.txt", "--review",
                                "review.json", "--out", "OUT"],
    "report s8-register": ["report", "s8-register", "--vault", "t.kapnotes", "--out", "OUT"],
    "report tga-six-monthly": ["report", "tga-six-monthly", "--vault", "t.kapnotes",
                               "--out", "OUT"],
    "report adverse-events": ["report", "adverse-events", "--vault", "t.kapnotes", "--from",
                              "2026-01-01", "--to", "2026-12-31", "--out", "OUT"],
    "report pbs-sheet": ["report", "pbs-sheet", "--vault", "t.kapnotes", "--client", "KAP-001",
                         "--out", "OUT"],
}
HOSTILE_OUTPUTS = ["adir", "fifo", "/dev/zero", "t.kapnotes", "link-vault", "link-key",
                   "link-backups/new.pdf", "backups/new.pdf", "exist.txt", "nodir/new.pdf",
                   "link-svault", "link-fifo", "a" * 250 + ".pdf",
                   "exist.txt/new.pdf"]


def _with_suffix(command: str, out: str) -> str:
    """The report commands check the suffix first; give each hostile path one they accept."""
    if not command.startswith("report") or out in ("adir", "fifo", "/dev/zero"):
        return out
    suffix = ".csv" if command in ("report tga-six-monthly", "report adverse-events") else ".pdf"
    if out.endswith(suffix):
        return out
    return {"t.kapnotes": f"link-vault{suffix}", "link-vault": f"link-vault{suffix}",
            "link-key": "link-key.pdf", "exist.txt": f"exist{suffix}",
            "link-svault": "link-svault.pdf", "link-fifo": f"link-fifo{suffix}",
            }.get(out, out.replace(".pdf", suffix))


# `--force` may replace an ordinary file, never a vault's: these must stay refused with it.
CASES = [(h, False) for h in HOSTILE_OUTPUTS] + [
    (h, True) for h in ("t.kapnotes", "link-vault", "link-key", "link-backups/new.pdf",
                        "link-svault", "fifo", "link-fifo")]


@pytest.mark.parametrize(("hostile", "force"), CASES,
                         ids=[f"{h[:24]}{'+force' if f else ''}" for h, f in CASES])
@pytest.mark.parametrize("command", list(OUTPUT_COMMANDS))
def test_a_hostile_output_path_is_refused_and_nothing_changes(
        place: Path, command: str, hostile: str, force: bool) -> None:
    out = _with_suffix(command, hostile)
    args = [out if a == "OUT" else a for a in OUTPUT_COMMANDS[command]]
    line = _refused(place, [*args, "--force"] if force else args,
                    as_subprocess=hostile == "fifo" and not force)
    assert ("--out" in line or "--pdf-out" in line or "--review-template" in line), line


def test_force_replaces_an_ordinary_file_whole(place: Path, tmp_path: Path) -> None:
    target = tmp_path / "replaced.json"
    target.write_text("old\n", encoding="utf-8")
    _ok(place, "review", "open", "reqpp.kapreview", "--request-passphrase-file", "pp.txt",
        "--review-template", str(target), "--force")
    assert "verdicts" in json.loads(target.read_text(encoding="utf-8"))
    assert [p.name for p in tmp_path.iterdir()] == ["replaced.json"]  # no temporary left


def test_force_through_a_link_to_a_device_is_refused_before_any_write(tmp_path: Path) -> None:
    """A link to /dev/zero with --force: the guard itself (never the CLI, which as root could
    rename a file over the device node if the guard regressed)."""
    from kapnotes.domain.errors import ValidationError
    from kapnotes.services.output_files import check_output_path

    link = tmp_path / "zero.pdf"
    link.symlink_to("/dev/zero")
    with pytest.raises(ValidationError, match="not a regular file"):
        check_output_path(link, None, replace=True, label="--out")


def test_a_backup_may_replace_an_older_backup_but_never_a_vault_in_use(place: Path) -> None:
    _ok(place, "backup", "--vault", "t.kapnotes", "--out", "copies/b.kapnotes")
    _ok(place, "backup", "--vault", "t.kapnotes", "--out", "copies/b.kapnotes", "--force")
    line = _refused(place, ["backup", "--vault", "t.kapnotes", "--out", "link-svault",
                            "--force"])
    assert "vault in use" in line
