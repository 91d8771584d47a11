"""Record subcommands: list clients, build a demo vault."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from kapnotes.cli.passphrases import ENV_PASSPHRASE, new_passphrase
from kapnotes.cli.vault_commands import add_vault_options, open_vault, opened_vault, vault_path
from kapnotes.lazy import lazy_module

if TYPE_CHECKING:
    from kapnotes.domain import course_label
    from kapnotes.services import container, demo, export_gather, vault_access
else:
    container = lazy_module("kapnotes.services.container")
    course_label = lazy_module("kapnotes.domain.course_label")
    export_gather = lazy_module("kapnotes.services.export_gather")
    demo = lazy_module("kapnotes.services.demo")
    vault_access = lazy_module("kapnotes.services.vault_access")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("list", help="list clients with their courses and next planned session")
    add_vault_options(p)
    p.add_argument("--json", action="store_true", help="print a JSON list of objects")
    p.add_argument("--archived", action="store_true", help="include archived clients")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("demo", help="create a vault filled with fictional demo clients")
    add_vault_options(p)
    p.set_defaults(handler=cmd_demo)


def cmd_list(args: argparse.Namespace) -> int:
    with opened_vault(args) as vault:
        services = container.build_services(vault)
        rows = services.clients.list(include_archived=args.archived)
        # The course a summary is about by default, named as the window and the PDFs name it.
        current = {r.id: export_gather.current_course(services, r.id) for r in rows}
    items = [
        {
            "code": r.code,
            "name": r.full_name,
            "status": "archived" if r.archived else "active",
            "courses": r.courses,
            "sessions": r.sessions,
            "next_planned": r.next_planned.isoformat() if r.next_planned else None,
            "next_planned_kind": r.next_planned_kind,
            "course": course_label.course_label(c) if (c := current[r.id]) else None,
            "course_status": c.status.value if c else None,
        }
        for r in rows
    ]
    if args.json:
        print(json.dumps(items, ensure_ascii=False, indent=2))
        return 0
    if not items:
        print("No clients yet.")
        return 0
    print(f"{'CODE':<10} {'NAME':<30} {'STATUS':<9} {'COURSES':>7} {'SESSIONS':>8}  "
          f"{'NEXT':<24}  COURSE")
    for r, i in zip(rows, items, strict=True):
        nxt = f"{i['next_planned']} {i['next_planned_kind']}" if i["next_planned"] else "-"
        c = current[r.id]
        course = course_label.course_label_with_status(c) if c else "-"
        print(f"{r.code:<10} {r.full_name[:30]:<30} {i['status']:<9} {i['courses']:>7} "
              f"{i['sessions']:>8}  {nxt:<24}  {course}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    path = vault_path(args)
    if Path(path).exists():
        vault = open_vault(args)
    else:
        passphrase = new_passphrase(args.passphrase_file, env_name=ENV_PASSPHRASE)
        created = vault_access.create_vault(path, passphrase)
        vault = created.vault
        print(f"Created {path}. Recovery key: {created.recovery_key}")
    try:
        services = container.build_services(vault)
        if services.clients.list(include_archived=True):
            print(f"{path} already has clients; the demo fills only an empty vault.")
            return 1
        ids = demo.build_demo(services)
    finally:
        vault.close()
    print(f"Demo vault ready at {path}: {len(ids)} fictional clients.")
    return 0
