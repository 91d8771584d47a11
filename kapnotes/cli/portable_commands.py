"""Portable data subcommands: `export-json` and `import` (format: docs/DATA-FORMAT.md)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kapnotes.cli.vault_commands import (
    add_force_option,
    add_vault_options,
    opened_vault,
    vault_path,
)
from kapnotes.lazy import lazy_module

if TYPE_CHECKING:
    from kapnotes.services import container, output_files, portable_export, portable_import
else:
    container = lazy_module("kapnotes.services.container")
    output_files = lazy_module("kapnotes.services.output_files")
    portable_export = lazy_module("kapnotes.services.portable_export")
    portable_import = lazy_module("kapnotes.services.portable_import")

PLAINTEXT_WARNING = (
    "This file is plaintext health information: it is NOT encrypted. It was written readable "
    "by you only; keep it on encrypted storage and delete it when it has served its purpose."
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export-json", help="write every record (or one client) as plain JSON")
    add_vault_options(p)
    p.add_argument("--out", required=True, metavar="FILE", help="JSON file to write")
    add_force_option(p)
    p.add_argument("--client", metavar="CODE", help="export only the client with this code")
    p.set_defaults(handler=cmd_export_json)

    p = sub.add_parser("import", help="import a KAP Notes JSON export (all or nothing)")
    p.add_argument("file", metavar="FILE", help="a file written by export-json")
    add_vault_options(p)
    p.add_argument("--merge", action="store_true",
                   help="for clients already in the vault, add only what is missing "
                        "(nothing in the vault is changed or overwritten)")
    p.set_defaults(handler=cmd_import)


def cmd_export_json(args: argparse.Namespace) -> int:
    out = Path(args.out).expanduser()
    output_files.check_output_path(out, vault_path(args), replace=args.force, label="--out")
    with opened_vault(args) as vault:
        result = portable_export.export_to_file(vault, out, client_code=args.client,
                                                replace=args.force)
    c = result.counts
    print(f"Exported {c.clients} client(s), {c.courses} course(s), {c.sessions} session(s), "
          f"{c.measures} measure(s) and {c.audit} audit entries to {out} "
          f"({result.size / 1024:.0f} KB).")
    print(PLAINTEXT_WARNING)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    doc = portable_import.read_document(path)  # a broken file is refused before unlocking
    with opened_vault(args) as vault:
        services = container.build_services(vault)
        tally = portable_import.import_document(services, doc, merge=args.merge)
    print(f"Imported {path.name}: {tally.clients_added} client(s) added, "
          f"{tally.clients_merged} merged; {tally.courses} course(s), {tally.sessions} "
          f"session(s), {tally.addenda} addend(a), {tally.measures} measure(s) and "
          f"{tally.audit} audit entries added.")
    if tally.sessions_kept:
        print(f"{tally.sessions_kept} session(s) already in the vault were kept as they are.")
    return 0
