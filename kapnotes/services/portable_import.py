"""Import a portable export (`kapnotes-export` v1): all or nothing, never a silent duplicate.

The whole file is read and validated first (`portable_validate`); the first bad value stops
it with its JSON path and nothing is written. A client code already in the vault is refused
unless the caller decided for it: merge (add only what is missing, `portable_write`) or
skip. Everything is then written in one transaction: any error rolls all of it back.

Audit entries from the file are appended after one `import.json` entry (counts only) that
announces them; each keeps its original fields, with `record_id` translated to the row it
describes in this vault, and is chained into this vault's log (`storage.portable_audit`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from kapnotes.domain.bounded_input import loads_bounded, read_bounded
from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.domain.templates import template_to_data
from kapnotes.services.changes import EVERYTHING, write
from kapnotes.services.container import Services
from kapnotes.services.portable_export import Counts, count
from kapnotes.services.portable_schema import show
from kapnotes.services.portable_validate import validate_document
from kapnotes.services.portable_write import ClientIds, ClientWriter, Tally
from kapnotes.storage import audit, portable_audit
from kapnotes.storage import portable_rows as rows
from kapnotes.storage.rows import now_utc_text
from kapnotes.storage.vault import Vault

Progress = Callable[[int, int], None]
MAX_FILE_BYTES = 1 << 30  # far beyond any practice's vault; refuses a wrong file early


class Decision(StrEnum):
    """What to do with a client whose code is already in the vault."""

    MERGE = "merge"
    SKIP = "skip"


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValidationError("(file)", f"the key {show(key)} appears twice in one object")
        out[key] = value
    return out


def parse_text(data: bytes) -> Any:
    """The decoded JSON of a file's bytes, or ValidationError saying where it breaks."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("(file)", "is not UTF-8 text") from None
    return loads_bounded(text, label="(file)", pairs_hook=_no_duplicate_keys)


def read_document(path: Path) -> Any:
    """A bounded read (regular files only, at most MAX_FILE_BYTES), then bounded JSON."""
    return parse_text(read_bounded(path, limit=MAX_FILE_BYTES, label="(file)"))


@dataclass(frozen=True)
class Preview:
    """A validated document: what it holds and which client codes the vault already has."""

    counts: Counts
    duplicates: tuple[str, ...]


def preview(services: Services, doc: Any) -> Preview:
    validate_document(doc, scales=services.measures.loaded, today=services.clock().date(),
                      protocol_ids=services.protocols.ids)
    return Preview(count(doc), tuple(
        c["code"] for c in doc["clients"]
        if rows.client_id_by_code(services.vault, c["code"]) is not None))


def import_document(services: Services, doc: Any, *,
                    decisions: Mapping[str, Decision] | None = None, merge: bool = False,
                    progress: Progress | None = None) -> Tally:
    """Validate, then write everything in one transaction; returns what was added."""
    vault = services.vault
    templates = validate_document(doc, scales=services.measures.loaded,
                                  today=services.clock().date(),
                                  protocol_ids=services.protocols.ids)
    existing = {c["code"]: rows.client_id_by_code(vault, c["code"]) for c in doc["clients"]}
    choice: dict[str, Decision] = {}
    for code, cid in existing.items():
        if cid is None:
            continue
        decided = (decisions or {}).get(code) or (Decision.MERGE if merge else None)
        if decided is None:
            raise ConflictError(
                f"client {code} is already in this vault; nothing was imported "
                "(use --merge to add only what is missing).")
        choice[code] = decided
    _check_templates(vault, doc["templates"])
    _check_installed(services, templates)
    tally = Tally()
    with write(vault, EVERYTHING):
        for t in doc["templates"]:
            rows.put_template_snapshot(vault, t["template_id"], t["version"], t["kind"],
                                       json.dumps(t["definition"], ensure_ascii=False))
        writer = ClientWriter(vault, templates, _themes(vault, doc), tally,
                              today=services.clock().date())
        placed: dict[str, ClientIds] = {}
        for done, c in enumerate(doc["clients"], 1):
            if choice.get(c["code"]) is Decision.SKIP:
                tally.clients_skipped += 1
            else:
                placed[c["code"].casefold()] = writer.write(c, existing[c["code"]])
            if progress is not None:
                progress(done, len(doc["clients"]))
        entries = _audit_entries(vault, doc["audit"], placed)
        tally.audit = len(entries)
        audit.record(vault, "import.json", record_type="vault",
                     detail=f"{tally.detail()}; the next {len(entries)} entries are copies")
        for fields in entries:
            portable_audit.append(vault, fields)
    for (template_id, version), template in templates.items():
        # Notes written under a template this install lacks must open at once, not only
        # after the next unlock loads the vault's snapshots.
        if services.templates.find(template_id, version) is None:
            services.templates.add(template)
    return tally


def import_file(services: Services, path: Path, **kwargs: Any) -> Tally:
    return import_document(services, read_document(path), **kwargs)


def _check_templates(vault: Vault, templates: list[dict[str, Any]]) -> None:
    """A template version means one definition: a different one under the same id is refused."""
    for i, t in enumerate(templates):
        stored = rows.template_snapshot(vault, t["template_id"], t["version"])
        if stored is not None and json.loads(stored) != t["definition"]:
            raise ValidationError(
                f"templates[{i}].definition",
                f"differs from this vault's {t['template_id']} version {t['version']}; "
                "nothing was imported")


def _check_installed(services: Services, templates: Mapping[tuple[str, int], Any]) -> None:
    """A file may not redefine a template this install ships or has (e.g. loosen a field's
    limits under the same id and version): its notes are checked against the real one."""
    for i, ((template_id, version), template) in enumerate(templates.items()):
        installed = services.templates.find(template_id, version)
        if installed is not None and template_to_data(installed) != template_to_data(template):
            raise ValidationError(
                f"templates[{i}].definition",
                f"differs from this install's {template_id} version {version}; nothing was "
                "imported")


def _themes(vault: Vault, doc: dict[str, Any]) -> dict[str, int]:
    """Theme ids by case-folded name, adding the file's themes this vault lacks.

    A whole-vault export carries the practice's whole vocabulary: imported into a vault with
    no clients yet, it replaces the starting vocabulary (nothing mentions those themes yet),
    so the round trip gives back the same themes. Otherwise themes are only ever added.
    """
    ids = rows.theme_ids(vault)
    wanted = {t["name"].casefold(): t for t in doc["themes"]}
    if doc["scope"] == "vault" and rows.client_count(vault) == 0:
        for name, theme_id in list(ids.items()):
            if name not in wanted:
                rows.delete_theme(vault, theme_id)
                del ids[name]
            else:
                rows.set_theme_pinned(vault, theme_id, wanted[name]["pinned"])
    now = now_utc_text()
    for name, t in wanted.items():
        if name not in ids:
            ids[name] = rows.insert_theme(vault, t["name"], pinned=t["pinned"], created_at=now)
    return ids


def _audit_entries(vault: Vault, entries: list[dict[str, Any]],
                   placed: Mapping[str, ClientIds]) -> list[dict[str, str]]:
    """The file's entries for the clients written, ids translated, minus ones already here."""
    have = portable_audit.existing_keys(vault)
    out = []
    for e in entries:
        ids = placed.get(e["client"].casefold())
        if ids is None:  # a skipped client
            continue
        kind = e["record_type"]
        record_id = ids.client if kind == "client" else ids.ids[kind][e["key"]]
        fields = {k: e[k] for k in audit.HASHED_FIELDS if k != "record_id"}
        fields["record_id"] = str(record_id)
        key = tuple(fields[k] for k in audit.HASHED_FIELDS)
        if key not in have:
            have.add(key)
            out.append(fields)
    return out


__all__ = ["Decision", "Preview", "Tally", "import_document", "import_file", "parse_text",
           "preview", "read_document"]
