"""Validate a portable export before anything is written: structure, domain rules, references.

Three passes, each stopping at the first bad value with its JSON path:
1. format and version (a clear word for a file that is not ours or is from a newer app);
2. the shipped JSON Schema (`portable_schema`: types, required keys, enums, ranges, dates);
3. the rules the app applies on entry: client fields (`client_rules`), note values against the
   note's own template version, vitals (`VitalsReading`), measure scores recomputed from their
   answers, unique keys, and every reference (sessions, intentions, themes, audit records)
   pointing at something in the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, NoReturn

from kapnotes.domain.client_rules import validate_client
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.models import Client
from kapnotes.domain.monitoring import AdverseEffect
from kapnotes.domain.scales import LoadedScales, score
from kapnotes.domain.templates import FieldType, Template, parse_template, validate_value
from kapnotes.domain.text_rules import parse_date
from kapnotes.domain.vitals import ReadingRole, VitalsReading
from kapnotes.services.portable_export import FORMAT, VERSION
from kapnotes.services.portable_rules import check_addendum, check_values
from kapnotes.services.portable_schema import check_document, join, json_type, show

_CLIENT_LABELS = {
    "Client code": "code", "Full name": "full_name", "Preferred name": "preferred_name",
    "Date of birth": "date_of_birth", "Adequate antidepressant trials": "antidepressant_trials",
    "Email": "email", "Phone": "phone", "Support person phone": "support_phone",
    "Current medicines": "medicines", "Address": "address", "Support person": "support_person",
    "Relationship": "support_relationship", "Referring clinician": "referring_clinician",
    "Prescriber": "prescriber", "Diagnosis": "diagnosis", "Background": "background",
    "Other names": "other_names",
}
_CLIENT_FIELDS = (
    "code", "full_name", "preferred_name", "phone", "email", "address", "support_person",
    "support_relationship", "support_phone", "referring_clinician", "prescriber", "diagnosis",
    "antidepressant_trials", "background", "other_names",
)
TemplateKey = tuple[str, int]


def fail(path: str, message: str) -> NoReturn:
    raise ValidationError(path, message)


def check_header(doc: object) -> None:
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        fail("format", f"this is not a KAP Notes export (expected \"{FORMAT}\").")
    assert isinstance(doc, dict)
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        # `true == 1` in Python: without this, "version": true passed as version 1.
        fail("version", f"must be a whole number ({VERSION}), not {json_type(version)}.")
    if version > VERSION:
        fail("version", f"{version} is newer than this KAP Notes reads ({VERSION}); "
                        "update KAP Notes to import it.")
    if version != VERSION:
        fail("version", f"{show(version)} is not a version of this format ({VERSION}).")


def validate_document(doc: object, *, scales: LoadedScales, today: date,
                      protocol_ids: Sequence[str] | None = None
                      ) -> dict[TemplateKey, Template]:
    """Raise ValidationError(path, reason) at the first bad value; the file's templates.
    `protocol_ids`: the protocols a course may follow (default: the set in use)."""
    check_header(doc)
    check_document(doc, protocol_ids)
    assert isinstance(doc, dict)
    for client in doc["clients"]:
        client.setdefault("other_names", "")  # optional: older files do not have it
    check_values(doc)
    templates = _templates(doc["templates"])
    theme_names = _unique((t["name"].casefold() for t in doc["themes"]), "themes", "name")
    codes = _unique((c["code"].casefold() for c in doc["clients"]), "clients", "code")
    keys: dict[str, dict[str, set[int]]] = {}
    for i, client in enumerate(doc["clients"]):
        keys[client["code"].casefold()] = _client(
            client, f"clients[{i}]", templates, theme_names, scales, today)
    for i, entry in enumerate(doc["audit"]):
        path = f"audit[{i}]"
        code = entry["client"].casefold()
        if code not in codes:
            fail(join(path, "client"), f"{show(entry['client'])} is not a client in this file")
        kind, key = entry["record_type"], entry["key"]
        if kind == "client":
            if key is not None:
                fail(join(path, "key"), "must be null for a client entry")
        elif key not in keys[code][kind]:
            fail(join(path, "key"), f"{show(key)} is not a {kind} of {entry['client']}")
    return templates


def _unique(values: Iterable[str | int], path: str, key: str) -> set[Any]:
    seen: set[Any] = set()
    for i, value in enumerate(values):
        if value in seen:
            fail(f"{path}[{i}].{key}", f"{show(value)} appears more than once")
        seen.add(value)
    return seen


def _templates(items: list[dict[str, Any]]) -> dict[TemplateKey, Template]:
    out: dict[TemplateKey, Template] = {}
    for i, item in enumerate(items):
        path = f"templates[{i}]"
        try:
            template = parse_template(item["definition"], "template", source="vault")
        except ValidationError as exc:
            fail(join(path, "definition"), exc.message)
        if (template.id, template.version, template.kind) != (
                item["template_id"], item["version"], item["kind"]):
            fail(join(path, "definition"), "does not match its template_id, version and kind")
        if (template.id, template.version) in out:
            fail(join(path, "version"), f"{template.id} version {template.version} twice")
        out[(template.id, template.version)] = template
    return out


def _client(c: dict[str, Any], path: str, templates: dict[TemplateKey, Template],
            theme_names: set[str], scales: LoadedScales, today: date) -> dict[str, set[int]]:
    try:
        validate_client(Client(
            **{k: c[k] for k in _CLIENT_FIELDS}, medicines=tuple(c["medicines"]),
            date_of_birth=parse_date("Date of birth", c["date_of_birth"]),
        ), today=today)
    except ValidationError as exc:
        fail(join(path, _CLIENT_LABELS.get(exc.field, "code")), exc.reason)
    courses = c["courses"]
    course_keys = _unique((co["key"] for co in courses), f"{path}.courses", "key")
    sessions = [(f"{path}.courses[{n}].sessions[{i}]", s, co["key"])
                for n, co in enumerate(courses) for i, s in enumerate(co["sessions"])]
    session_keys: dict[int, dict[str, Any]] = {}
    for spath, s, _ in sessions:
        if s["key"] in session_keys:
            fail(join(spath, "key"), f"{s['key']} appears more than once in this client")
        session_keys[s["key"]] = s
    session_course = {s["key"]: course for _, s, course in sessions}
    intentions = {}
    for n, co in enumerate(courses):
        for i, it in enumerate(co["intentions"]):
            ipath = f"{path}.courses[{n}].intentions[{i}]"
            if it["key"] in intentions:
                fail(join(ipath, "key"), f"{it['key']} appears more than once in this client")
            intentions[it["key"]] = it
            _ref(it["source_session"], session_keys, join(ipath, "source_session"), "session")
    for n, co in enumerate(courses):
        for i, it in enumerate(co["intentions"]):
            _ref(it["revised_from"], intentions, f"{path}.courses[{n}].intentions[{i}]"
                 ".revised_from", "intention")
        _unique((p["seq"] for p in co["planned_slots"]), f"{path}.courses[{n}].planned_slots",
                "seq")
        for i, p in enumerate(co["planned_slots"]):
            ppath = f"{path}.courses[{n}].planned_slots[{i}].session"
            _ref(p["session"], session_keys, ppath, "session")
            if p["session"] is not None and session_course[p["session"]] != co["key"]:
                fail(ppath, "belongs to another course")
    for spath, s, course in sessions:
        _session(s, spath, templates, theme_names, session_keys, session_course, intentions,
                 course, today)
    for i, screen in enumerate(c["screens"]):
        _unique((a["item"] for a in screen["answers"]), f"{path}.screens[{i}].answers", "item")
    measure_keys = _unique((m["key"] for m in c["measures"]), f"{path}.measures", "key")
    for i, m in enumerate(c["measures"]):
        _measure(m, f"{path}.measures[{i}]", scales)
        _ref(m["session"], session_keys, f"{path}.measures[{i}].session", "session")
    return {"course": course_keys, "session": set(session_keys),
            "intention": set(intentions), "measure": measure_keys}


def _ref(key: int | None, known: dict[int, Any], path: str, what: str) -> None:
    if key is not None and key not in known:
        fail(path, f"{key} is not a {what} of this client")


def _session(s: dict[str, Any], path: str, templates: dict[TemplateKey, Template],
             theme_names: set[str], sessions: dict[int, dict[str, Any]],
             session_course: dict[int, int], intentions: dict[int, Any], course: int,
             today: date) -> None:
    template = templates.get((s["template_id"], s["template_version"]))
    if template is None:
        fail(join(path, "template_version"), f"{s['template_id']} version "
             f"{s['template_version']} is not among the file's templates")
    assert template is not None
    if template.kind != s["kind"]:
        fail(join(path, "template_id"), f"is a {template.kind} template, not {s['kind']}")
    for field_id, value in s["values"].items():
        fpath = join(join(path, "values"), field_id)
        field = template.field(field_id)
        if field is None or field.type is FieldType.HEADING:
            fail(fpath, f"is not a field of {template.id} version {template.version}")
        try:
            clean = validate_value(field, value)
        except ValidationError as exc:
            fail(fpath, exc.reason)
        if field.type is FieldType.INTENTIONS_REVIEW:
            for n, entry in enumerate(clean):
                _ref(entry["intention_id"], intentions, f"{fpath}[{n}].intention_id",
                     "intention")
    linked = s["linked_dosing"]
    if linked is not None:
        _ref(linked, sessions, join(path, "linked_dosing"), "session")
        if s["kind"] != "integration" or sessions[linked]["kind"] != "dosing" \
                or session_course[linked] != course:
            fail(join(path, "linked_dosing"),
                 "only an integration session links, to a dosing session of its course")
    if s["signed_at"] is not None and not s["signed_by"].strip():
        fail(join(path, "signed_by"), "a signed note names who signed it")
    for i, addendum in enumerate(s["addenda"]):
        check_addendum(addendum, s["signed_at"], f"{path}.addenda[{i}]", today)
    for i, v in enumerate(s["vitals"]):
        try:
            VitalsReading(role=ReadingRole(v["role"]), systolic=v["systolic"],
                          diastolic=v["diastolic"], heart_rate=v["heart_rate"], spo2=v["spo2"],
                          confirmed_unusual=bool(v.get("confirmed_unusual", False)))
        except ValidationError as exc:
            fail(join(f"{path}.vitals[{i}]", exc.field), exc.reason)
    effects = {e.value for e in AdverseEffect}
    _unique((e["effect"] for e in s["adverse_effects"]), f"{path}.adverse_effects", "effect")
    for i, e in enumerate(s["adverse_effects"]):
        if e["effect"] not in effects:
            fail(f"{path}.adverse_effects[{i}].effect", f"{show(e['effect'])} is not one of "
                 + ", ".join(sorted(effects)))
    _unique((r["intention"] for r in s["intention_reviews"]), f"{path}.intention_reviews",
            "intention")
    for i, r in enumerate(s["intention_reviews"]):
        _ref(r["intention"], intentions, f"{path}.intention_reviews[{i}].intention", "intention")
    _unique((json.dumps([m["field_id"], m["position"]]) for m in s["theme_mentions"]),
            f"{path}.theme_mentions", "position")
    for i, m in enumerate(s["theme_mentions"]):
        if m["theme"].casefold() not in theme_names:
            fail(f"{path}.theme_mentions[{i}].theme", f"{show(m['theme'])} is not in themes")


def _measure(m: dict[str, Any], path: str, scales: LoadedScales) -> None:
    scale = scales.get(m["scale_id"])
    if scale is None:
        fail(join(path, "scale_id"), f"{show(m['scale_id'])} is not a rating scale known here")
    assert scale is not None
    if m["total_only"] != (m["answers"] is None):
        fail(join(path, "answers"), "a measure has item answers unless it is total-only")
    if scale.version != m["scale_version"]:
        return  # another version's rules: stored as scored then (documented)
    try:
        result = (score(scale, total=int(m["total"] or 0)) if m["total_only"]
                  else score(scale, m["answers"]))
    except ValidationError as exc:
        fail(join(path, "answers"), exc.message)
    expected = {
        "total": result.total, "band": result.band_label, "risk_level": result.risk_level,
        "risk": result.has_risk_flag,
        "flags": [f.code for f in result.flags],
        "unknown_flags": [f.code for f in result.unknown_flags],
    }
    found = {**{k: m[k] for k in ("total", "band", "risk_level", "risk")},
             "flags": [f["code"] for f in m["flags"]],
             "unknown_flags": [f["code"] for f in m["unknown_flags"]]}
    for key, value in expected.items():
        if found[key] != value:
            fail(join(path, key), f"{show(found[key])} does not match the score of its "
                 f"answers ({show(value)})")
