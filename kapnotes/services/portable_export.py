"""Export a vault (or one client) as portable JSON: format `kapnotes-export`, version 1.

The format is documented in docs/DATA-FORMAT.md and described by
resources/schema/kapnotes-export-v1.schema.json. Records are named by natural keys local to
the file, never by row ids: a client by its code; its courses, sessions, intentions and
measures by 1-based keys numbered in export order across the client. Keys are assigned in the
same deterministic order the importer writes rows in, so export → import into an empty vault
→ export gives the same bytes (apart from `exported_at`, the moment of export).

The file is plaintext health information: it is written owner-only (0600), atomically.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kapnotes import __version__
from kapnotes.domain.errors import NotFoundError
from kapnotes.domain.templates import FieldType, parse_template
from kapnotes.services.changes import Changes, write
from kapnotes.storage import audit, output_guard
from kapnotes.storage import portable_rows as rows
from kapnotes.storage.vault import Vault

FORMAT = "kapnotes-export"
VERSION = 1
# Audit entries about these records travel with them; vault-level entries (unlock, backup,
# settings, vocabulary care, export/import) describe the vault they happened in and stay there.
RECORD_TYPES = ("client", "course", "session", "intention", "measure")

Progress = Callable[[int, int], None]
Refs = dict[tuple[str, int], tuple[str, int | None]]


@dataclass(frozen=True)
class Counts:
    clients: int
    courses: int
    sessions: int
    measures: int
    audit: int

    def detail(self) -> str:
        """Counts only (never names), for the audit log and the one-line summaries."""
        return (f"clients={self.clients} courses={self.courses} sessions={self.sessions} "
                f"measures={self.measures} audit={self.audit}")


def count(doc: dict[str, Any]) -> Counts:
    clients = doc.get("clients", [])
    courses = [co for c in clients for co in c.get("courses", [])]
    return Counts(
        clients=len(clients), courses=len(courses),
        sessions=sum(len(co.get("sessions", [])) for co in courses),
        measures=sum(len(c.get("measures", [])) for c in clients),
        audit=len(doc.get("audit", [])),
    )


def dumps(doc: dict[str, Any]) -> str:
    """The one canonical text of a document: sorted keys, two-space indent, UTF-8 as is."""
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def utc_stamp(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _plain(row: dict[str, Any], table: str) -> dict[str, Any]:
    """The exported columns of a row (ids and link columns dropped)."""
    return {name: row[name] for name, _ in rows.TABLES[table].cols}


def build_export(vault: Vault, *, client_code: str | None = None,
                 exported_at: str | None = None, progress: Progress | None = None
                 ) -> dict[str, Any]:
    """The whole document as plain data (nothing written)."""
    clients = rows.select(vault, "clients")
    if client_code is not None:
        clients = [c for c in clients if c["code"].casefold() == client_code.casefold()]
        if not clients:
            raise NotFoundError(f"No client with code {client_code} in this vault.")
    theme_names = {t["id"]: t["name"] for t in rows.select(vault, "themes")}
    reviews = review_fields(vault)
    refs: Refs = {}
    used_templates: set[tuple[str, int]] = set()
    mentioned: set[int] = set()
    out = []
    for done, c in enumerate(clients, 1):
        out.append(_client(vault, c, refs, used_templates, mentioned, theme_names, reviews))
        if progress is not None:
            progress(done, len(clients))
    themes = [t for t in rows.select(vault, "themes")
              if client_code is None or t["id"] in mentioned]
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": exported_at or utc_stamp(),
        "app_version": __version__,
        "scope": "vault" if client_code is None else "client",
        "templates": [
            {"template_id": tid, "version": ver, "kind": kind, "definition": json.loads(d)}
            for tid, ver, kind, d in rows.template_snapshots(vault)
            if (tid, ver) in used_templates
        ],
        "themes": [_plain(t, "themes") for t in themes],
        "clients": out,
        "audit": _audit(vault, refs),
    }


def review_fields(vault: Vault) -> dict[tuple[str, int], set[str]]:
    """Per template version, the ids of its intentions-review fields: their values name
    intentions by row id, which the file replaces by intention keys (and import back)."""
    out = {}
    for tid, ver, _kind, definition in rows.template_snapshots(vault):
        template = parse_template(json.loads(definition), f"vault:{tid}", source="vault")
        out[(tid, ver)] = {f.id for f in template.fields
                           if f.type is FieldType.INTENTIONS_REVIEW}
    return out


def _client(vault: Vault, c: dict[str, Any], refs: Refs, used_templates: set[tuple[str, int]],
            mentioned: set[int], theme_names: dict[int, str],
            reviews: dict[tuple[str, int], set[str]]) -> dict[str, Any]:
    code = c["code"]
    refs[("client", c["id"])] = (code, None)
    courses = rows.select(vault, "courses", "client_id", c["id"])
    # Keys first: sessions and intentions are referred to across courses and by measures.
    session_key: dict[int, int] = {}
    intention_key: dict[int, int] = {}
    per_course = []
    for n, co in enumerate(courses, 1):
        refs[("course", co["id"])] = (code, n)
        sessions = rows.select(vault, "sessions", "course_id", co["id"])
        intentions = rows.select(vault, "intentions", "course_id", co["id"])
        for s in sessions:
            session_key[s["id"]] = len(session_key) + 1
            refs[("session", s["id"])] = (code, session_key[s["id"]])
        for i in intentions:
            intention_key[i["id"]] = len(intention_key) + 1
            refs[("intention", i["id"])] = (code, intention_key[i["id"]])
        per_course.append((n, co, sessions, intentions))
    measures = []
    for n, m in enumerate(rows.select(vault, "measures", "client_id", c["id"]), 1):
        refs[("measure", m["id"])] = (code, n)
        measures.append({**_plain(m, "measures"), "key": n,
                         "session": session_key.get(m["session_id"])})
    screens = [
        {**_plain(s, "screens"),
         "answers": [_plain(a, "screen_answers")
                     for a in rows.select(vault, "screen_answers", "screen_id", s["id"])]}
        for s in rows.select(vault, "screens", "client_id", c["id"])
    ]
    out_courses = []
    for n, co, sessions, intentions in per_course:
        out_courses.append({
            **_plain(co, "courses"), "key": n,
            "planned_slots": [
                {**_plain(p, "planned_slots"), "session": session_key.get(p["session_id"])}
                for p in rows.select(vault, "planned_slots", "course_id", co["id"])
            ],
            "intentions": [
                {**_plain(i, "intentions"), "key": intention_key[i["id"]],
                 "source_session": session_key.get(i["source_session_id"]),
                 "revised_from": intention_key.get(i["revised_from"])}
                for i in intentions
            ],
            "sessions": [
                _session(vault, s, session_key, intention_key, used_templates, mentioned,
                         theme_names, reviews)
                for s in sessions
            ],
        })
    weights = [_plain(w, "client_weights")
               for w in rows.select(vault, "client_weights", "client_id", c["id"])]
    consents = [_plain(r, "consent_records")
                for r in rows.select(vault, "consent_records", "client_id", c["id"])]
    return {**_plain(c, "clients"), "screens": screens, "measures": measures,
            "weights": weights, "consents": consents, "courses": out_courses}


def _children(vault: Vault, table: str, session_id: int) -> list[dict[str, Any]]:
    return [_plain(r, table) for r in rows.select(vault, table, "session_id", session_id)]


def _session(vault: Vault, s: dict[str, Any], session_key: dict[int, int],
             intention_key: dict[int, int], used_templates: set[tuple[str, int]],
             mentioned: set[int], theme_names: dict[int, str],
             reviews: dict[tuple[str, int], set[str]]) -> dict[str, Any]:
    sid = s["id"]
    review_ids = reviews.get((s["template_id"], s["template_version"]), set())
    values = {}
    for f in _children(vault, "session_fields", sid):
        value = f["value"]
        if f["field_id"] in review_ids and isinstance(value, list):
            # An entry whose intention is gone cannot be named in the file; it is left out.
            value = [{**e, "intention_id": intention_key[e["intention_id"]]} for e in value
                     if e.get("intention_id") in intention_key]
        values[f["field_id"]] = value
    used_templates.add((s["template_id"], s["template_version"]))
    monitoring = rows.select(vault, "monitoring_records", "session_id", sid)
    mentions = rows.select(vault, "theme_mentions", "session_id", sid)
    mentioned.update(m["theme_id"] for m in mentions)
    return {
        **_plain(s, "sessions"), "key": session_key[sid],
        "linked_dosing": session_key.get(s["linked_dosing_id"]),
        "values": values,
        "addenda": _children(vault, "addenda", sid),
        "monitoring": _plain(monitoring[0], "monitoring_records") if monitoring else None,
        "devices": [d["given_at"] for d in _children(vault, "device_times", sid)],
        "boosters": _children(vault, "dose_boosters", sid),
        "rule_overrides": _children(vault, "rule_overrides", sid),
        "vitals": _children(vault, "vitals_readings", sid),
        "observations": _children(vault, "sedation_observations", sid),
        "adverse_effects": _children(vault, "adverse_effects", sid),
        "acknowledgements": _children(vault, "screening_acks", sid),
        "events": _children(vault, "session_events", sid),
        "intention_reviews": [
            {**_plain(r, "intention_reviews"), "intention": intention_key.get(r["intention_id"])}
            for r in rows.select(vault, "intention_reviews", "session_id", sid)
        ],
        "theme_mentions": [
            {**_plain(m, "theme_mentions"), "theme": theme_names[m["theme_id"]]}
            for m in mentions
        ],
    }


def _audit(vault: Vault, refs: Refs) -> list[dict[str, Any]]:
    """Entries about the exported records, oldest first, each naming its record by key."""
    out = []
    for e in audit.entries(vault):
        if e.record_type not in RECORD_TYPES or not e.record_id.isdigit():
            continue
        ref = refs.get((e.record_type, int(e.record_id)))
        if ref is None:  # a record deleted since, or another client's
            continue
        out.append({
            "at_utc": e.at_utc, "os_user": e.os_user, "workstation": e.workstation,
            "clinician": e.clinician, "event": e.event, "record_type": e.record_type,
            "client": ref[0], "key": ref[1], "outcome": e.outcome, "detail": e.detail,
        })
    return out


@dataclass(frozen=True)
class ExportResult:
    path: Path
    counts: Counts
    size: int


def export_to_file(vault: Vault, path: Path, *, client_code: str | None = None,
                   now: datetime | None = None, progress: Progress | None = None,
                   replace: bool = False) -> ExportResult:
    """Write the export atomically and owner-only, then record `export.json` (counts only).

    The output guard refuses the vault, its files and its backups folder, and an existing
    file unless `replace` (the CLI's --force; a save dialog that asked).
    """
    output_guard.check_output_path(path, vault.path, replace=replace)  # before the work
    doc = build_export(vault, client_code=client_code, exported_at=utc_stamp(now),
                       progress=progress)
    # The exporting vault's audit chain as it stood: a later look at the vault can tell
    # whether its log still holds this point (the file itself proves nothing: it is plain).
    head = audit.head(vault)
    doc["audit_head"] = {"count": head.count, "head": head.hash}
    data = dumps(doc).encode("utf-8")
    written = output_guard.write_output(path, data, vault.path, replace=replace)
    counts = count(doc)
    with write(vault, Changes(exports=True)):
        audit.record(vault, "export.json", record_type="vault", detail=(
            f"scope={doc['scope']} " + counts.detail()))
    return ExportResult(path=written, counts=counts, size=len(data))
