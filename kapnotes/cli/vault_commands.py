"""Vault subcommands: init, check, backup, restore, passwd, recover."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kapnotes.cli.passphrases import (
    ENV_PASSPHRASE,
    existing_passphrase,
    new_passphrase,
    read_secret_file,
)
from kapnotes.domain.errors import (
    KapNotesError,
    ValidationError,
    VaultError,
    WrongPassphraseError,
)
from kapnotes.lazy import lazy_module

# Imported when a command runs, not when the parser is built: `kapnotes --version` and the
# GUI's way to its unlock dialog load none of them (tests/test_startup_imports.py).
if TYPE_CHECKING:
    from kapnotes import paths
    from kapnotes.services import output_files, vault_access, vault_admin, vault_backups
    from kapnotes.services.vault_access import Vault
else:
    output_files = lazy_module("kapnotes.services.output_files")
    paths = lazy_module("kapnotes.paths")
    vault_access = lazy_module("kapnotes.services.vault_access")
    vault_admin = lazy_module("kapnotes.services.vault_admin")
    vault_backups = lazy_module("kapnotes.services.vault_backups")


def vault_path(args: argparse.Namespace) -> Path:
    return Path(args.vault).expanduser() if args.vault else paths.default_vault_path()


def open_vault(args: argparse.Namespace, *, migrate: bool = True) -> Vault:
    """Unlock the vault named by `--vault` for a subcommand (honouring the process lock)."""
    path = vault_path(args)
    if not path.exists() and not path.is_symlink():  # a dangling link is named when opened
        raise VaultError(f"No vault at {path}. Create one with: kapnotes init --vault {path}")
    return vault_access.unlock_counted(path, passphrase=existing_passphrase(args.passphrase_file),
                                       run_migrations=migrate)


@contextlib.contextmanager
def opened_vault(args: argparse.Namespace) -> Iterator[Vault]:
    """`open_vault` for one command; when the command succeeds, its unlock goes into the
    audit log (with the time of unlocking). Nothing is written before the command has read
    what it needs, so a command refused on a damaged vault leaves the file as it was."""
    unlocked_at = datetime.now(UTC)
    vault = open_vault(args)
    try:
        yield vault
        command = args.handler.__name__.removeprefix("cmd_").replace("_", "-")
        # A read-only vault still did its work; record_unlock says nothing then.
        vault_access.record_unlock(vault, None, detail=f"command line: {command}",
                                   at=unlocked_at)
    finally:
        vault.close()


def add_vault_options(p: argparse.ArgumentParser) -> None:
    # SUPPRESS: absent here, the value given before the command (`kapnotes --vault V list`)
    # stands; a default of None overwrote it and the per-user vault was opened instead.
    p.add_argument("--vault", default=argparse.SUPPRESS,
                   help="vault file (default: KAPNOTES_VAULT or per-user vault)")
    p.add_argument(
        "--passphrase-file", metavar="FILE",
        help=f"read the passphrase from FILE (or set {ENV_PASSPHRASE}, for automation only)",
    )


def add_force_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--force", action="store_true",
                   help="replace an existing output file (atomically); never the vault, its "
                        "key file or anything in its backups folder")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="create an empty vault")
    add_vault_options(p)
    p.add_argument("--recovery-key-out", metavar="FILE",
                   help="write the recovery key to FILE instead of printing it")
    add_force_option(p)
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("check", help="integrity check; exit 0 only when sound")
    add_vault_options(p)
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("backup", help="write a consistent encrypted copy")
    add_vault_options(p)
    p.add_argument("--out", required=True, metavar="FILE", help="backup file to write")
    add_force_option(p)
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", help="replace the vault by a backup (the old one is kept)")
    p.add_argument("backup", metavar="FILE", help="backup file")
    add_vault_options(p)
    p.set_defaults(handler=cmd_restore)

    p = sub.add_parser("passwd", help="change the passphrase")
    add_vault_options(p)
    p.add_argument("--new-passphrase-file", metavar="FILE", help="read the new passphrase")
    p.add_argument("--recovery-key-file", metavar="FILE",
                   help="forgotten passphrase: use the recovery key in FILE instead")
    p.add_argument("--rekey", action="store_true",
                   help="also replace the data key (recommended when the old passphrase may "
                        "be known to someone else): key files copied before, such as a "
                        "backup's, no longer open the vault; a new recovery key is made")
    p.add_argument("--recovery-key-out", metavar="FILE",
                   help="with --rekey: write the new recovery key to FILE instead of printing")
    add_force_option(p)
    p.set_defaults(handler=cmd_passwd)


def cmd_init(args: argparse.Namespace) -> int:
    path = vault_path(args)
    key_out = Path(args.recovery_key_out).expanduser() if args.recovery_key_out else None
    if key_out is not None:  # refused before the vault exists, so no key is ever lost
        output_files.check_output_path(key_out, path, replace=args.force,
                                       label="--recovery-key-out")
    passphrase = new_passphrase(args.passphrase_file, env_name=ENV_PASSPHRASE)
    created = vault_access.create_vault(path, passphrase)
    created.vault.close()
    if key_out is not None:
        written = output_files.write_output(key_out, (created.recovery_key + "\n").encode(),
                                            path, replace=args.force,
                                            label="--recovery-key-out")
        print(f"Created {path}. Recovery key written to {written}: print it and keep it safe.")
    else:
        print(f"Created {path}.")
        print(f"Recovery key: {created.recovery_key}")
        print("Write it down or print it and keep it somewhere safe: it can reset a forgotten")
        print("passphrase. Anyone holding it can open the vault.")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    path = vault_path(args)
    passphrase = existing_passphrase(args.passphrase_file)
    failures = vault_access.refuse_while_slowed(path)
    notes: list[str] = []
    try:
        problems = vault_backups.check_vault(path, passphrase=passphrase, notes=notes)
    except WrongPassphraseError:
        failures.note_failure()
        raise
    if problems:
        for problem in problems[:20]:
            print(f"kapnotes: problem: {problem}", file=sys.stderr)
        print(f"kapnotes: error: {path} is NOT sound ({len(problems)} problem(s)).",
              file=sys.stderr)
        return 1
    print(f"{path}: OK (integrity, encryption, audit chain and signed-note seals sound)")
    for note in notes:
        print(f"  {note}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    out = Path(args.out).expanduser()
    output_files.check_output_path(out, vault_path(args), replace=args.force, label="--out",
                                   create_parent=True, vault_copy=True)
    with opened_vault(args) as vault:
        copy = vault_backups.copy_to_file(vault, out, replace=args.force)
    print(f"Backup written to {copy.path} (with its key file {copy.path.name}.keys); audit "
          f"log in it: {copy.audit_head}.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    path = vault_path(args)
    backup = Path(args.backup).expanduser()
    passphrase = existing_passphrase(args.passphrase_file)
    aside = vault_backups.restore_backup(backup, path, passphrase=passphrase)
    print(f"Restored {path} from {backup}.")
    if aside:
        print(f"The replaced vault was kept at {aside}.")
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    path = vault_path(args)
    if not path.exists():
        raise VaultError(f"No vault at {path}.")
    # Unlock first and hold the vault's process lock throughout: the key file is never rewrapped
    # under a window that has the vault open, and a wrong old secret stops before the new one
    # is asked for.
    key_out = Path(args.recovery_key_out).expanduser() if args.recovery_key_out else None
    if key_out is not None:
        if not args.rekey:
            raise ValidationError("--recovery-key-out", "goes with --rekey.")
        output_files.check_output_path(key_out, path, replace=args.force,
                                       label="--recovery-key-out")
    recovery = old = None
    if args.recovery_key_file:
        recovery = read_secret_file(args.recovery_key_file, option="--recovery-key-file").strip()
        vault = vault_access.unlock_counted(path, recovery_key=recovery)
    else:
        old = existing_passphrase(args.passphrase_file, label="Current passphrase")
        vault = vault_access.unlock_counted(path, passphrase=old)
    try:
        new = new_passphrase(args.new_passphrase_file)
        changed = vault_admin.change_passphrase(vault, new=new, old=old, recovery_key=recovery,
                                                rekey=args.rekey)
    finally:
        vault.close()
    new_recovery = changed.new_recovery_key
    if new_recovery is None:
        print("Passphrase changed. Key files copied before (e.g. in backups) still open the "
              "vault with the old passphrase; use --rekey if someone else may know it.")
        return 0
    print("Passphrase changed and the vault re-keyed: the old passphrase, the old recovery "
          "key and key files copied before no longer open it. Old backups keep their own key "
          "and still restore with the passphrase they were made under.")
    if key_out is not None:
        try:
            written = output_files.write_output(key_out, (new_recovery + "\n").encode(), path,
                                                replace=args.force, label="--recovery-key-out")
        except (KapNotesError, OSError):
            print(f"New recovery key (the file could not be written): {new_recovery}")
            raise
        print(f"New recovery key written to {written}: print it and keep it safe.")
    else:
        print(f"New recovery key: {new_recovery}")
        print("Write it down or print it and keep it somewhere safe; the old one no longer "
              "works.")
    return 0
