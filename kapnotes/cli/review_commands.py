"""`kapnotes review …`: the supervision loop from the command line (docs/REVIEW-FORMAT.md).

    review profile --vault V [--name N] [--role R] [--registration X]
    review key --vault V --out KEYFILE
    review request --vault V (--client CODE [--course ID] | --session ID …) --out F
                   [--to-key KEYFILE] [--identified]
    review open REQUEST [--vault V] [--request-passphrase-file P] [--pdf-out F]
                [--review-template F]
    review reply REQUEST --review JSON --out F (--vault V | --name N …)
                 [--request-passphrase-file P]
    review import F --vault V
    review trust KEYFILE --vault V
    review status --vault V
    review log --vault V [--from D] [--to D] [--by month|year] [--add …] [--out F.pdf]
               [--given]
    review verify-log F.pdf [--key KEYFILE]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kapnotes.cli.pdf_command import _client_id, print_redactions, record_id
from kapnotes.cli.vault_commands import add_force_option, add_vault_options, opened_vault
from kapnotes.domain.errors import ValidationError
from kapnotes.lazy import lazy_module

if TYPE_CHECKING:
    from kapnotes.cli import review_log as review_log_cli
    from kapnotes.cli import review_supervisor
    from kapnotes.services import (
        clinician,
        container,
        output_files,
        review_files,
        review_import,
        review_keys,
        review_requests,
        review_trust,
    )
else:
    # Loaded when a command runs, not when the parser is built (tests/test_startup_imports.py).
    clinician = lazy_module("kapnotes.services.clinician")
    container = lazy_module("kapnotes.services.container")
    output_files = lazy_module("kapnotes.services.output_files")
    review_files = lazy_module("kapnotes.services.review_files")
    review_import = lazy_module("kapnotes.services.review_import")
    review_keys = lazy_module("kapnotes.services.review_keys")
    review_requests = lazy_module("kapnotes.services.review_requests")
    review_trust = lazy_module("kapnotes.services.review_trust")
    review_log_cli = lazy_module("kapnotes.cli.review_log")
    review_supervisor = lazy_module("kapnotes.cli.review_supervisor")

ENV_REQUEST_PASSPHRASE = "KAPNOTES_REVIEW_PASSPHRASE"  # read in cli/review_supervisor.py
PASSPHRASE_LINE = "Passphrase for the supervisor: "


def register(sub: argparse._SubParsersAction) -> None:
    review = sub.add_parser("review", help="supervision: requests, replies, import, log")
    review.set_defaults(handler=lambda _args: _usage(review))
    rsub = review.add_subparsers(title="review commands", metavar="COMMAND")

    p = rsub.add_parser("profile", help="show or set your name, role and registration")
    add_vault_options(p)
    p.add_argument("--name", help="your name as reviews show it")
    p.add_argument("--role", help="e.g. Clinical psychologist")
    p.add_argument("--registration", help="registration number, e.g. an AHPRA number")
    p.set_defaults(handler=cmd_profile)

    p = rsub.add_parser("key", help="write your public review key file to share")
    add_vault_options(p)
    p.add_argument("--out", required=True, metavar="FILE", help="key file to write")
    add_force_option(p)
    p.set_defaults(handler=cmd_key)

    p = rsub.add_parser("request", help="write a signed, encrypted review request")
    add_vault_options(p)
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--client", metavar="CODE", nargs="+", action="extend",
                      help="a client's course (its signed notes); several: each one's "
                           "current course, as a supervision packet")
    what.add_argument("--session", metavar="ID", nargs="+", action="extend",
                      help="signed notes to send")
    p.add_argument("--course", metavar="ID", help="with --client: this course")
    p.add_argument("--out", required=True, metavar="FILE", help="request file to write")
    p.add_argument("--to-key", metavar="KEYFILE", help="the supervisor's key file (else a "
                   "passphrase is generated and printed)")
    p.add_argument("--identified", action="store_true",
                   help="keep names and contact details (de-identified by default)")
    add_force_option(p)
    p.set_defaults(handler=cmd_request)

    p = rsub.add_parser("open", help="show a review request: notes, sections; save its PDF")
    p.add_argument("request", metavar="REQUEST", help="the request file")
    add_vault_options(p)
    p.add_argument("--request-passphrase-file", metavar="FILE",
                   help=f"the passphrase the therapist gave you (or {ENV_REQUEST_PASSPHRASE})")
    p.add_argument("--pdf-out", metavar="FILE", help="also save the request's PDF here")
    p.add_argument("--review-template", metavar="FILE",
                   help="write a --review file to fill in (every note; verdicts left "
                        "empty: approved or changes_requested)")
    add_force_option(p)
    p.set_defaults(handler=cmd_open)

    p = rsub.add_parser("reply", help="answer a review request (the supervisor's half)")
    p.add_argument("request", metavar="REQUEST", help="the request file")
    p.add_argument("--review", required=True, metavar="JSON",
                   help="verdicts, comments, co-signature and session (docs/REVIEW-FORMAT.md)")
    p.add_argument("--out", required=True, metavar="FILE", help="reply file to write")
    add_vault_options(p)
    p.add_argument("--name", help="without a vault: your name (a one-off key signs)")
    p.add_argument("--role", default="", help="without a vault: your role")
    p.add_argument("--registration", default="", help="without a vault: your registration")
    p.add_argument("--request-passphrase-file", metavar="FILE",
                   help=f"the passphrase the therapist gave you (or {ENV_REQUEST_PASSPHRASE})")
    add_force_option(p)
    p.set_defaults(handler=cmd_reply)

    p = rsub.add_parser("import", help="import a supervisor's reply into your vault")
    p.add_argument("file", metavar="FILE", help="the reply file")
    add_vault_options(p)
    p.set_defaults(handler=cmd_import)

    p = rsub.add_parser("trust", help="pin a supervisor's key from their key file (after "
                        "comparing its fingerprint with them)")
    p.add_argument("keyfile", metavar="KEYFILE", help="the supervisor's key file")
    add_vault_options(p)
    p.set_defaults(handler=cmd_trust)

    p = rsub.add_parser("status", help="notes awaiting review or with changes requested")
    add_vault_options(p)
    p.set_defaults(handler=cmd_status)

    p = rsub.add_parser("log", help="the supervision log with totals; --add to enter one")
    add_vault_options(p)
    p.add_argument("--from", dest="start", metavar="DATE", help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last day (YYYY-MM-DD)")
    p.add_argument("--by", choices=("month", "year"), default="month", help="totals per")
    p.add_argument("--add", action="store_true", help="enter a supervision session by hand")
    p.add_argument("--supervisor", help="with --add: who supervised")
    p.add_argument("--date", help="with --add: the day (YYYY-MM-DD)")
    p.add_argument("--minutes", help="with --add: how long")
    p.add_argument("--format", choices=("individual", "group"), default="individual")
    p.add_argument("--topic", action="append", default=[], help="with --add: a topic")
    p.add_argument("--remove", metavar="ENTRY", help="remove an entry typed by hand by mistake")
    p.add_argument("--out", metavar="FILE", help="also save the signed log as this PDF")
    p.add_argument("--given", action="store_true", help="list supervision you gave instead "
                                                      "(replies sent from this vault)")
    add_force_option(p)
    p.set_defaults(handler=cmd_log)

    p = rsub.add_parser("verify-log", help="check a supervision log PDF's signature")
    p.add_argument("file", metavar="FILE", help="the supervision log PDF")
    p.add_argument("--key", metavar="KEYFILE", help="the clinician's key file: the log must "
                                                  "be signed with that key")
    p.set_defaults(handler=lambda args: review_log_cli.verify_log(args))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _guard_out(args: argparse.Namespace, vault: Path | None) -> Path:
    out = Path(args.out).expanduser()
    output_files.check_output_path(out, vault, replace=args.force, label="--out")
    return out


def _vault_arg(args: argparse.Namespace) -> Path | None:
    return Path(args.vault).expanduser() if getattr(args, "vault", None) else None


def cmd_profile(args: argparse.Namespace) -> int:
    with opened_vault(args) as vault:
        profile = clinician.clinician_profile(vault)
        if any(v is not None for v in (args.name, args.role, args.registration)):
            profile = clinician.set_clinician_profile(
                vault, profile.name if args.name is None else args.name,
                profile.role if args.role is None else args.role,
                profile.registration if args.registration is None else args.registration)
        fingerprint = review_keys.vault_identity(vault).fingerprint
    print(f"Name: {profile.name or '(not set)'}")
    print(f"Role: {profile.role or '(not set)'}")
    print(f"Registration: {profile.registration or '(not set)'}")
    print(f"Key fingerprint: {fingerprint}")
    return 0


def cmd_key(args: argparse.Namespace) -> int:
    out = _guard_out(args, _vault_arg(args))
    with opened_vault(args) as vault:
        written = review_keys.write_key_file(vault, out, replace=args.force)
        fingerprint = review_keys.vault_identity(vault).fingerprint
    print(f"Wrote {written} (your public review key; nothing secret in it).")
    print(f"Fingerprint: {fingerprint}")
    return 0


def cmd_request(args: argparse.Namespace) -> int:
    course = record_id("--course", args.course)
    sessions = [int(record_id("--session", s) or 0) for s in args.session or []]
    if course is not None and not args.client:
        raise ValidationError("--course", "goes with --client.")
    out = _guard_out(args, _vault_arg(args))
    to_key = review_keys.read_key_file(Path(args.to_key), "--to-key") if args.to_key else None
    with opened_vault(args) as vault:
        services = container.build_services(vault)
        clients = [_client_id(services, code) for code in args.client or []]
        result = review_requests.create_request(
            services, out, session_ids=sessions, client_ids=clients, course_id=course,
            to_key=to_key, identified=args.identified, replace=args.force)
    kind = "de-identified" if result.deidentified else "identified"
    print(f"Wrote {result.path} ({len(result.notes)} note(s), {kind}, request "
          f"{result.request_id[:8]}).")
    if to_key is not None:
        print(f"Encrypted to {to_key.profile.name}'s key {to_key.fingerprint}.")
    else:
        print("Send the passphrase by another way than the file (a phone call, a text).")
        print(f"{PASSPHRASE_LINE}{result.passphrase}")
    if result.deidentified:
        print_redactions(result.redactions)
    return 0


def cmd_reply(args: argparse.Namespace) -> int:
    return review_supervisor.cmd_reply(args)


def cmd_open(args: argparse.Namespace) -> int:
    return review_supervisor.cmd_open(args)


def cmd_import(args: argparse.Namespace) -> int:
    data = review_files.read_file(Path(args.file), "reply file")  # bounded, before unlocking
    with opened_vault(args) as vault:
        services = container.build_services(vault)  # its clock dates the import, as requests
        result = review_import.import_reply(vault, data, clock=services.clock)
    if result.already_imported:
        print(f"Reply {result.reply_id[:8]} was already imported; nothing changed.")
        return 0
    content = result.content
    print(f"Imported reply {result.reply_id[:8]} from {result.supervisor.line()}: "
          f"{len(content.verdicts)} verdict(s), {len(content.comments)} comment(s), "
          f"{len(content.cosignature.session_ids) if content.cosignature else 0} co-signed.")
    if result.one_off_key:
        print(f"Signed with a one-off key {result.fingerprint}: the supervisor had no vault.")
    elif result.newly_pinned:
        print(f"Pinned {result.supervisor.name}'s key {result.fingerprint}: compare it with "
              "them in person or by phone.")
    return 0


def cmd_trust(args: argparse.Namespace) -> int:
    key = review_keys.read_key_file(Path(args.keyfile), "KEYFILE")  # bounded, before unlocking
    with opened_vault(args) as vault:
        services = container.build_services(vault)
        result = review_trust.trust_key(vault, key, clock=services.clock)
    who = key.profile.name
    if result.already:
        print(f"{who}'s key {result.fingerprint} was already pinned; nothing changed.")
    elif result.replaced:
        print(f"Replaced {who}'s pinned key {result.replaced} with {result.fingerprint}.")
    else:
        print(f"Pinned {who}'s key {result.fingerprint}.")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    return review_log_cli.print_status(args)


def cmd_log(args: argparse.Namespace) -> int:
    return review_log_cli.run_log(args)
