"""`kapnotes pdf`: export a session note, a course summary or a supervision packet.

    kapnotes pdf --vault PATH (--session ID | --client CODE [--course ID]
                 | --packet --clients CODE,CODE…) --out FILE [--force] [--deidentify]
                 [--password-file F] [--include-private] [--include-audit]

A packet is de-identified unless `--no-deidentify` is given; a session or course export
only with `--deidentify`. The PDF password is read from a file (never from the command
line, where other users and the shell history could see it).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kapnotes.cli.passphrases import read_secret_file
from kapnotes.cli.vault_commands import (
    add_force_option,
    add_vault_options,
    opened_vault,
    vault_path,
)
from kapnotes.domain.errors import ValidationError
from kapnotes.export.passwords import MIN_LENGTH  # a constant (stdlib only), for the help text
from kapnotes.lazy import lazy_module

# The export stack (reportlab) and the services load only when `kapnotes pdf` runs.
if TYPE_CHECKING:
    from kapnotes.domain import client_rules
    from kapnotes.services import container, exports, output_files
else:
    client_rules = lazy_module("kapnotes.domain.client_rules")
    container = lazy_module("kapnotes.services.container")
    exports = lazy_module("kapnotes.services.exports")
    output_files = lazy_module("kapnotes.services.output_files")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pdf", help="export a session note, course summary or supervision packet")
    add_vault_options(p)
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--session", metavar="ID", help="one session note")
    what.add_argument("--client", metavar="CODE", help="a client's course summary")
    what.add_argument("--packet", action="store_true",
                      help="several clients' course summaries (with --clients)")
    p.add_argument("--course", metavar="ID",
                   help="with --client: this course (default: the current one)")
    p.add_argument("--clients", metavar="CODE,CODE…", help="with --packet: client codes")
    p.add_argument("--out", required=True, metavar="FILE", help="PDF file to write")
    add_force_option(p)
    p.add_argument("--deidentify", action=argparse.BooleanOptionalAction, default=None,
                   help="client code instead of names, age instead of date of birth, no "
                        "contact details (default: on for --packet, off otherwise)")
    p.add_argument("--password-file", metavar="F",
                   help=f"protect the PDF (AES-256) with the password in F ({MIN_LENGTH}+ "
                        "characters)")
    p.add_argument("--include-private", action="store_true",
                   help="include private process notes (left out by default)")
    p.add_argument("--include-audit", action="store_true",
                   help="course summaries: include the course's audit log entries")
    p.set_defaults(handler=cmd_pdf)


def record_id(option: str, text: str | None) -> int | None:
    """A record id: a whole number SQLite can hold (1 … 2^63 − 1), else exit 5 naming it."""
    if text is None:
        return None
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 19 \
            or not 0 < int(digits) < 1 << 63:
        raise ValidationError(option, "must be a record id (a whole number from 1).")
    return int(digits)


def read_password(path: str) -> str:
    password = read_secret_file(path, option="--password-file")
    if len(password) < MIN_LENGTH:
        raise ValidationError("--password-file",
                              f"the password must have at least {MIN_LENGTH} characters.")
    return password


def _check(args: argparse.Namespace) -> None:
    args.session = record_id("--session", args.session)
    args.course = record_id("--course", args.course)
    if args.course is not None and not args.client:
        raise ValidationError("--course", "goes with --client.")
    if args.packet and not args.clients:
        raise ValidationError("--packet", "name the clients with --clients CODE,CODE….")
    if args.clients and not args.packet:
        raise ValidationError("--clients", "goes with --packet.")


def cmd_pdf(args: argparse.Namespace) -> int:
    _check(args)
    out = Path(args.out).expanduser()
    # Refused before unlocking: never the vault or its files; an existing file only with --force.
    output_files.check_output_path(out, vault_path(args), replace=args.force, label="--out")
    password = read_password(args.password_file) if args.password_file else None
    deidentified = args.packet if args.deidentify is None else args.deidentify
    with opened_vault(args) as vault:
        services = container.build_services(vault)
        options = exports.options_for(services, deidentified=deidentified,
                                      include_private=args.include_private,
                                      include_audit=args.include_audit)
        if args.session is not None:
            job = exports.build_session_report(services, args.session, options)
        elif args.client:
            job = exports.build_course_report(services, _client_id(services, args.client),
                                              options, course_id=args.course)
        else:
            codes = [c for c in (c.strip() for c in args.clients.split(",")) if c]
            ids = [_client_id(services, code) for code in codes]
            job = exports.build_packet_report(services, ids, options,
                                              clinician=vault.actor.clinician)
        written = exports.export_pdf(services, job, out, password=password,
                                     replace=args.force)
    pages = "de-identified" if job.deidentified else "identified"
    protected = ", password-protected" if password else ""
    print(f"Wrote {written} ({job.kind}, {pages}{protected}).")
    if job.deidentified:
        print_redactions(job.report.redactions)
    return 0


def print_redactions(places: tuple[str, ...]) -> None:
    """What de-identification replaced, where (never the values): review it before sharing."""
    if not places:
        print("De-identification replaced nothing; read the PDF before sharing it.")
        return
    print(f"De-identification replaced identifying details in {len(places)} place(s); "
          "review them before sharing:")
    for place in places:
        print(f"  {place}")


def _client_id(services: container.Services, code: str) -> int:
    try:
        # codes are stored upper case: kap-001 finds KAP-001
        wanted = client_rules.normalise_code(code)
    except ValidationError:
        wanted = code.strip()
    client = services.clients.by_code(wanted)
    if client is None or client.id is None:
        raise ValidationError("--client", f"no client with the code '{code.strip()}'.")
    return int(client.id)
