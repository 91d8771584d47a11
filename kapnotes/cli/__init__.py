"""`kapnotes`: the GUI by default, subcommands for practices, scripts and tests.

Every failure is one clear line on stderr and a non-zero exit; no traceback reaches a user.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from kapnotes import __version__
from kapnotes.domain.errors import (
    DamagedFileError,
    KapNotesError,
    ValidationError,
    VaultLockedByOtherProcess,
    WrongPassphraseError,
)
from kapnotes.lazy import lazy_module

# The practice policy is read when a command runs or the window's unlock dialog is on screen
# (kapnotes/startup.py), not at import: `kapnotes --version` and the dialog's first paint
# need neither its module nor its file (tests/test_startup_imports.py).
if TYPE_CHECKING:
    from kapnotes import policy
else:
    policy = lazy_module("kapnotes.policy")

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_WRONG_PASSPHRASE = 3
EXIT_LOCKED = 4
EXIT_INVALID_INPUT = 5
EXIT_UNEXPECTED = 70

# Each module's `register(sub)` adds its subcommands to the parser; later issues add modules
# here. Imported when the parser is built: the GUI (`kapnotes`, `kapnotes --vault PATH`) never
# builds it, so it loads none of them before its unlock dialog (~15 ms).
COMMAND_MODULES = (
    "kapnotes.cli.vault_commands",
    "kapnotes.cli.record_commands",
    "kapnotes.cli.portable_commands",
    "kapnotes.cli.pdf_command",
    "kapnotes.cli.review_commands",
    "kapnotes.cli.report_commands",
    "kapnotes.cli.practice_commands",
    "kapnotes.cli.sync_command",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kapnotes",
        description="KAP Notes: offline clinical notes for ketamine-assisted psychotherapy.",
    )
    parser.add_argument("--version", action="version", version=f"KAP Notes {__version__}")
    parser.add_argument("--vault", help="vault file (default: KAPNOTES_VAULT or per-user vault)")
    parser.set_defaults(handler=_run_gui)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _run_gui(args: argparse.Namespace) -> int:
    from kapnotes.app import run_gui  # Qt is imported only when the GUI is wanted

    try:
        return run_gui(vault=args.vault)
    finally:
        # Its refusals said: a no-op unless the policy changed, or was not read (quit at unlock).
        policy.current_policy()


def gui_only(argv: Sequence[str]) -> argparse.Namespace | None:
    """`kapnotes` or `kapnotes --vault PATH` (the desktop launcher's forms): the arguments
    the parser would give, without building every command's parser first (~10 ms of the
    launch before the unlock dialog shows). Anything else: None, and the parser decides."""
    if not argv:
        vault = None
    elif len(argv) == 2 and argv[0] == "--vault" and not argv[1].startswith("-"):
        vault = argv[1]
    elif len(argv) == 1 and argv[0].startswith("--vault="):
        vault = argv[0].split("=", 1)[1]
    else:
        return None
    return argparse.Namespace(vault=vault, handler=_run_gui)


def main(argv: Sequence[str] | None = None) -> int:
    args = gui_only(sys.argv[1:] if argv is None else argv)
    if args is None:
        args = build_parser().parse_args(argv)
    try:
        # A refused practice-policy entry (a loosened clinical rule, say) is said on stderr on
        # every run, not only by commands that happen to consult the rules. The window reads
        # it once its unlock dialog is on screen (kapnotes/startup.py), at the latest on exit.
        if args.handler is not _run_gui:
            policy.current_policy()  # its refused entries are logged (once per change)
        return int(args.handler(args) or 0)
    except WrongPassphraseError as exc:
        return _fail(exc.message, EXIT_WRONG_PASSPHRASE)
    except VaultLockedByOtherProcess as exc:
        return _fail(exc.message, EXIT_LOCKED)
    except (ValidationError, DamagedFileError) as exc:
        return _fail(exc.message, EXIT_INVALID_INPUT)
    except KapNotesError as exc:
        return _fail(exc.message, EXIT_ERROR)
    except KeyboardInterrupt:
        return _fail("interrupted; nothing was left half-written.", 130)
    except OSError as exc:
        return _fail(f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""),
                     EXIT_ERROR)
    except Exception as exc:  # never a traceback: the type alone, no data from the vault
        return _fail(f"unexpected internal error ({type(exc).__name__}); please report it.",
                     EXIT_UNEXPECTED)


def _fail(message: str, code: int) -> int:
    print(f"kapnotes: error: {message}", file=sys.stderr)
    return code
