"""`kapnotes practice …`: the practice server's administration (docs/PRACTICE-SERVER.md).

    practice setup --dsn DSN
    practice add-clinician --dsn DSN --name NAME --role ROLE
    practice new-code --dsn DSN --name NAME
    practice assign --dsn DSN --client CODE --clinician NAME
    practice join --vault V --dsn DSN --code CODE [--name LOGIN]
    practice leave --vault V [--yes] [--discard-pending]

psycopg is imported only when one of these runs: the solo app never loads it.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from kapnotes.cli.vault_commands import add_vault_options, opened_vault
from kapnotes.lazy import lazy_module

if TYPE_CHECKING:
    from kapnotes.practice import admin, server_schema
    from kapnotes.services import practice_link
else:
    practice_link = lazy_module("kapnotes.services.practice_link")
    admin = lazy_module("kapnotes.practice.admin")
    server_schema = lazy_module("kapnotes.practice.server_schema")

ROLE_CHOICES = ("therapist", "prescriber", "nurse", "supervisor", "administrator")


def register(sub: argparse._SubParsersAction) -> None:
    practice = sub.add_parser("practice",
                              help="group practice server: setup, clinicians, care teams")
    practice.set_defaults(handler=lambda _args: _usage(practice))
    commands = practice.add_subparsers(title="practice commands", metavar="COMMAND")

    setup = commands.add_parser("setup", help="create or migrate the server's schema")
    _dsn(setup)
    setup.set_defaults(handler=_setup)

    add = commands.add_parser("add-clinician",
                              help="create a clinician's login; prints a one-time code")
    _dsn(add)
    add.add_argument("--name", required=True, help="login name (lower-case letters, digits, _)")
    add.add_argument("--role", required=True, choices=ROLE_CHOICES)
    add.set_defaults(handler=_add_clinician)

    renew = commands.add_parser("new-code", help="a new one-time code for an existing login "
                                "(new workstation, lost code); the old code stops working")
    _dsn(renew)
    renew.add_argument("--name", required=True, help="the clinician's login name")
    renew.set_defaults(handler=_new_code)

    assign = commands.add_parser("assign", help="put a clinician on a client's care team")
    _dsn(assign)
    assign.add_argument("--client", required=True, help="the client's code")
    assign.add_argument("--clinician", required=True, help="the clinician's login name")
    assign.set_defaults(handler=_assign)

    join = commands.add_parser("join", help="connect this vault to the practice server")
    add_vault_options(join)
    join.add_argument("--dsn", required=True,
                      help="the server's connection string (no password needed)")
    join.add_argument("--code", required=True, help="the enrolment code add-clinician printed")
    join.add_argument("--name", help="your login name (default: user= in --dsn)")
    join.set_defaults(handler=_join)

    leave = commands.add_parser("leave", help="forget the practice server; records stay here")
    add_vault_options(leave)
    leave.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    leave.add_argument("--discard-pending", action="store_true",
                       help="leave even though changes have not been sent (they are dropped)")
    leave.set_defaults(handler=_leave)


def _dsn(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dsn", required=True,
                        help="administrator connection string (make practice-server prints one)")


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _setup(args: argparse.Namespace) -> int:
    applied = server_schema.setup(args.dsn)
    if applied:
        print(f"Practice schema updated: applied {', '.join(applied)}.")
    else:
        print("Practice schema already up to date.")
    return 0


def _add_clinician(args: argparse.Namespace) -> int:
    code = admin.add_clinician(args.dsn, args.name, args.role)
    print(f"Clinician {args.name} added as {args.role}. Give them this code once, in person;")
    print("it is shown only now:")
    print(f"Enrolment code: {code}")
    return 0


def _new_code(args: argparse.Namespace) -> int:
    code = admin.new_code(args.dsn, args.name)
    print(f"New enrolment code for {args.name}; the previous code no longer works, and a")
    print("workstation that joined with it stops syncing (kapnotes practice leave there, then")
    print("join again). Give this code once, in person; it is shown only now:")
    print(f"Enrolment code: {code}")
    return 0


def _assign(args: argparse.Namespace) -> int:
    role = admin.assign(args.dsn, args.client, args.clinician)
    print(f"{args.clinician} is on the care team of {args.client} as {role}.")
    return 0


def _join(args: argparse.Namespace) -> int:
    with opened_vault(args) as vault:
        login = practice_link.join(vault, args.dsn, args.code, args.name)
    print(f"This vault joined the practice server as {login}; the enrolment code is used up.")
    print("Run kapnotes sync --vault V to sync (the window syncs by itself).")
    return 0


def _leave(args: argparse.Namespace) -> int:
    with opened_vault(args) as vault:
        pending = practice_link.check_can_leave(vault, discard_pending=args.discard_pending)
        if not args.yes and not _confirmed(pending, args.discard_pending):
            print("kapnotes: error: not confirmed; nothing changed (--yes leaves without asking)",
                  file=sys.stderr)
            return 1
        discarded = practice_link.leave(vault, discard_pending=args.discard_pending)
    print("This vault left the practice server; its records stay here as a solo vault.")
    if discarded:
        print(f"Discarded {discarded} unsent change{'s' if discarded != 1 else ''}.")
    print("To sync again, join with a new enrolment code: kapnotes practice join.")
    return 0


def _confirmed(pending: int, discard: bool) -> bool:
    if not sys.stdin.isatty():
        return False
    unsent = f" and discard {pending} unsent changes" if pending and discard else ""
    answer = input(f"Leave the practice server{unsent}? Records stay in this vault. [y/N] ")
    return answer.strip().lower() in ("y", "yes")
