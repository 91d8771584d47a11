"""A process that saves a note field when told to, for fault injection from outside (strace).

    python tests/reliability/save_on_command.py --vault PATH --passphrase-file F --session N

Prints READY once the vault is open. Then, per line on stdin: `SAVE <characters>` saves a note
of that many characters into the session's "narrative" field and prints one JSON line
({"ok": true} or {"ok": false, "error": class name, "message": text}); `CHECK` prints the
field's current length and the integrity problems; `QUIT` closes the vault and exits.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kapnotes.domain.errors import KapNotesError
from kapnotes.services.container import build_services
from kapnotes.storage import lifecycle
from kapnotes.storage.vault import integrity_problems


def note_text(size: int) -> str:
    unit = "Client described the room as warm; Zoë's notes — 日本語 🌿\n"
    return (unit * (size // len(unit) + 1))[:size]


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--vault", required=True, type=Path)
    p.add_argument("--passphrase-file", required=True, type=Path)
    p.add_argument("--session", required=True, type=int)
    args = p.parse_args()
    passphrase = args.passphrase_file.read_text(encoding="utf-8").rstrip("\n")
    vault = lifecycle.unlock_vault(args.vault, passphrase=passphrase)
    services = build_services(vault, practice_templates=args.vault.parent / "templates")
    print("READY", flush=True)
    for line in sys.stdin:
        command, _, arg = line.strip().partition(" ")
        if command == "SAVE":
            try:
                services.notes.save_fields(args.session, {"narrative": note_text(int(arg))})
                reply: dict[str, object] = {"ok": True}
            except KapNotesError as exc:
                reply = {"ok": False, "error": type(exc).__name__, "message": str(exc)}
        elif command == "CHECK":
            value = services.notes.note(args.session).values.get("narrative", "")
            reply = {"length": len(str(value)), "problems": integrity_problems(vault.conn,
                                                                                full=True)}
        else:
            break
        print(json.dumps(reply), flush=True)
    vault.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
