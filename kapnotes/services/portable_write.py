"""Write one validated client of a portable export into the vault (inside the caller's
transaction): added whole when its code is new, or merged into the client of that code.

Merge rules (docs/DATA-FORMAT.md, "Merging"): the vault's client record is kept as it is;
a course is the same course when protocol and start date match, a session when kind and start
time match, an intention when text and set-on date match, a measure when scale, date taken
and time entered match, a screen when its date and time recorded match. What matches is kept
exactly as the vault has it (a note present in both is never overwritten, signed or not);
only addenda missing from a signed note present in both are added. Everything else is added.

Order matters because signed notes are locked by triggers: a session is inserted unsigned,
its content goes in, and only then is it marked signed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kapnotes.domain.client_rules import normalise_code
from kapnotes.domain.protocols import legacy_dose_interval
from kapnotes.domain.templates import FieldType, Template, search_text, validate_value
from kapnotes.services.portable_rules import check_addendum
from kapnotes.storage import portable_rows as rows
from kapnotes.storage import seals
from kapnotes.storage.vault import Vault

TemplateKey = tuple[str, int]
_SESSION_LISTS = (
    ("vitals", "vitals_readings"), ("observations", "sedation_observations"),
    ("adverse_effects", "adverse_effects"), ("acknowledgements", "screening_acks"),
    ("boosters", "dose_boosters"), ("rule_overrides", "rule_overrides"),
    ("events", "session_events"),
)


@dataclass
class Tally:
    """What one import added (or kept), for the summary and the audit entry."""

    clients_added: int = 0
    clients_merged: int = 0
    clients_skipped: int = 0
    courses: int = 0
    sessions: int = 0
    sessions_kept: int = 0
    addenda: int = 0
    measures: int = 0
    audit: int = 0

    def detail(self) -> str:
        return (f"clients added={self.clients_added} merged={self.clients_merged} "
                f"skipped={self.clients_skipped} courses={self.courses} "
                f"sessions={self.sessions} kept={self.sessions_kept} addenda={self.addenda} "
                f"measures={self.measures} audit={self.audit}")


@dataclass
class ClientIds:
    """Row ids in this vault of the file's records of one client, by record type and key."""

    client: int
    ids: dict[str, dict[int, int]] = field(default_factory=lambda: {
        "course": {}, "session": {}, "intention": {}, "measure": {}})


# Columns added after the first files were written: a file without them imports as "none".
_OPTIONAL = {("monitoring_records", "infusion_end_at"), ("courses", "dose_interval_weeks"),
             *(("vitals_readings", c) for c in ("confirmed_unusual", "entered_at", "struck_at",
                                                "change_reason"))}


def _fields(item: dict[str, Any], table: str) -> dict[str, Any]:
    """The file's values of a table's columns; an optional column an older file lacks takes
    the vault's default (NULL, or e.g. '' for a reading's `change_reason`)."""
    return {name: item[name] for name, _ in rows.TABLES[table].cols
            if name in item or (table, name) not in _OPTIONAL}


def _course_row(co: dict[str, Any]) -> dict[str, Any]:
    """A course's columns; a file from before the dosing interval had its own field gives
    the value its KAP plan was made with (kapnotes/domain/protocols.py)."""
    row = _fields(co, "courses")
    if "dose_interval_weeks" not in co:
        row["dose_interval_weeks"] = legacy_dose_interval(co["protocol"],
                                                          co["maintenance_interval_weeks"])
    return row


def _match(existing: list[dict[str, Any]], *cols: str) -> dict[tuple[Any, ...], int]:
    return {tuple(r[c] for c in cols): r["id"] for r in existing}


class ClientWriter:
    """Writes clients of one document; `themes` maps case-folded names to theme ids."""

    def __init__(self, vault: Vault, templates: dict[TemplateKey, Template],
                 themes: dict[str, int], tally: Tally, *, today: date | None = None) -> None:
        self.vault = vault
        self.today = today or date.today()
        self.templates = templates
        self.themes = themes
        self.tally = tally

    def write(self, c: dict[str, Any], existing_id: int | None) -> ClientIds:
        merge = existing_id is not None
        if existing_id is None:
            row = _fields(c, "clients")
            row["code"] = normalise_code(row["code"])
            cid = rows.insert(self.vault, "clients", row)
            self.tally.clients_added += 1
        else:
            cid = existing_id
            self.tally.clients_merged += 1
        out = ClientIds(cid)
        self._screens(c["screens"], cid, merge)
        self._weights(c.get("weights", []), cid, merge)
        self._consents(c.get("consents", []), cid, merge)
        old_courses = _match(rows.select(self.vault, "courses", "client_id", cid),
                             "protocol", "start_date") if merge else {}
        new_sessions: list[tuple[int, dict[str, Any]]] = []
        for co in c["courses"]:
            course_id = old_courses.get((co["protocol"], co["start_date"]))
            is_new = course_id is None
            if course_id is None:
                course_id = rows.insert(self.vault, "courses", {**_course_row(co),
                                                                "client_id": cid})
                self.tally.courses += 1
            out.ids["course"][co["key"]] = course_id
            self._sessions(co, course_id, is_new, out, new_sessions)
            if is_new:
                for p in co["planned_slots"]:
                    rows.insert(self.vault, "planned_slots", {
                        **_fields(p, "planned_slots"), "course_id": course_id,
                        "session_id": out.ids["session"].get(p["session"])})
            self._intentions(co, course_id, is_new, out)
        for sid, s in new_sessions:
            self._content(sid, s, out)
        for sid, s in new_sessions:
            if s["signed_at"] is not None:
                rows.sign_imported(self.vault, sid, signed_at=s["signed_at"],
                                   signed_by=s["signed_by"], sign_reason=s["sign_reason"],
                                   updated_at=s["updated_at"])
                # Sealed as imported: this vault vouches for the note from the import on.
                seals.seal_session(self.vault, sid)
        self._measures(c["measures"], cid, merge, out)
        return out

    def _weights(self, weights: list[dict[str, Any]], cid: int, merge: bool) -> None:
        old = _match(rows.select(self.vault, "client_weights", "client_id", cid),
                     "measured_on", "recorded_at") if merge else {}
        for w in weights:
            if (w["measured_on"], w["recorded_at"]) not in old:
                rows.insert(self.vault, "client_weights", {**_fields(w, "client_weights"),
                                                           "client_id": cid})

    def _consents(self, consents: list[dict[str, Any]], cid: int, merge: bool) -> None:
        old = _match(rows.select(self.vault, "consent_records", "client_id", cid),
                     "template_id", "recorded_at") if merge else {}
        for r in consents:
            if (r["template_id"], r["recorded_at"]) not in old:
                rows.insert(self.vault, "consent_records", {**_fields(r, "consent_records"),
                                                            "client_id": cid})

    def _screens(self, screens: list[dict[str, Any]], cid: int, merge: bool) -> None:
        old = _match(rows.select(self.vault, "screens", "client_id", cid),
                     "screened_on", "created_at") if merge else {}
        for s in screens:
            if (s["screened_on"], s["created_at"]) in old:
                continue
            screen_id = rows.insert(self.vault, "screens",
                                    {**_fields(s, "screens"), "client_id": cid})
            for a in s["answers"]:
                rows.insert(self.vault, "screen_answers",
                            {**_fields(a, "screen_answers"), "screen_id": screen_id})

    def _sessions(self, co: dict[str, Any], course_id: int, is_new: bool, out: ClientIds,
                  new_sessions: list[tuple[int, dict[str, Any]]]) -> None:
        old = {} if is_new else _match(rows.select(self.vault, "sessions", "course_id",
                                                   course_id), "kind", "starts_at")
        links = []
        for s in co["sessions"]:
            sid = old.get((s["kind"], s["starts_at"]))
            if sid is not None:
                out.ids["session"][s["key"]] = sid
                self.tally.sessions_kept += 1
                self._missing_addenda(sid, s)
                continue
            row = {**_fields(s, "sessions"), "course_id": course_id,
                   "signed_at": None, "signed_by": "", "sign_reason": ""}
            sid = rows.insert(self.vault, "sessions", row)
            out.ids["session"][s["key"]] = sid
            new_sessions.append((sid, s))
            self.tally.sessions += 1
            if s["linked_dosing"] is not None:
                links.append((sid, s["linked_dosing"]))
        for sid, dose_key in links:  # a link may point forwards in the file's order
            rows.set_linked_dosing(self.vault, sid, out.ids["session"][dose_key])

    def _missing_addenda(self, sid: int, s: dict[str, Any]) -> None:
        have = {(a["text"], a["author"], a["created_at"])
                for a in rows.select(self.vault, "addenda", "session_id", sid)}
        if not rows.is_signed(self.vault, sid):
            return  # a draft takes no addenda; the vault's draft is kept as it is
        signed_at = self.vault.query_one("SELECT signed_at FROM sessions WHERE id = ?",
                                         (sid,))[0]
        for n, a in enumerate(s["addenda"]):
            if (a["text"], a["author"], a["created_at"]) not in have:
                # Dated against the vault's own signature, not the file's claim of it.
                check_addendum(a, signed_at, f"addenda[{n}]", self.today)
                rows.insert(self.vault, "addenda", {**_fields(a, "addenda"), "session_id": sid})
                self.tally.addenda += 1
        seals.seal_session(self.vault, sid)  # addenda added to a signed note are sealed too

    def _intentions(self, co: dict[str, Any], course_id: int, is_new: bool,
                    out: ClientIds) -> None:
        old = {} if is_new else _match(rows.select(self.vault, "intentions", "course_id",
                                                   course_id), "text", "set_on")
        added = []
        for it in co["intentions"]:
            iid = old.get((it["text"], it["set_on"]))
            if iid is None:
                iid = rows.insert(self.vault, "intentions", {
                    **_fields(it, "intentions"), "course_id": course_id,
                    "source_session_id": out.ids["session"].get(it["source_session"])})
                added.append((iid, it["revised_from"]))
            out.ids["intention"][it["key"]] = iid
        for iid, revised_from in added:  # revisions point at intentions inserted above
            if revised_from is not None:
                rows.set_revised_from(self.vault, iid, out.ids["intention"][revised_from])

    def _content(self, sid: int, s: dict[str, Any], out: ClientIds) -> None:
        template = self.templates[(s["template_id"], s["template_version"])]
        for field_id, value in s["values"].items():
            f = template.field(field_id)
            assert f is not None  # validated
            clean = validate_value(f, value)
            if f.type is FieldType.INTENTIONS_REVIEW:  # file keys → this vault's row ids
                clean = [{**e, "intention_id": out.ids["intention"][e["intention_id"]]}
                         for e in clean]
            rows.insert(self.vault, "session_fields", {
                "session_id": sid, "field_id": field_id, "value": clean,
                "search_text": search_text(f, clean), "updated_at": s["updated_at"]})
        for a in s["addenda"]:
            rows.insert(self.vault, "addenda", {**_fields(a, "addenda"), "session_id": sid})
        if s["monitoring"] is not None:
            rows.insert(self.vault, "monitoring_records",
                        {**_fields(s["monitoring"], "monitoring_records"), "session_id": sid})
        for given_at in s["devices"]:
            rows.insert(self.vault, "device_times", {"given_at": given_at, "session_id": sid})
        for key, table in _SESSION_LISTS:
            for item in s.get(key, []):  # boosters and overrides are optional
                rows.insert(self.vault, table, {**_fields(item, table), "session_id": sid})
        for r in s["intention_reviews"]:
            rows.insert(self.vault, "intention_reviews", {
                **_fields(r, "intention_reviews"), "session_id": sid,
                "intention_id": out.ids["intention"][r["intention"]]})
        for m in s["theme_mentions"]:
            rows.insert(self.vault, "theme_mentions", {
                **_fields(m, "theme_mentions"), "session_id": sid,
                "theme_id": self.themes[m["theme"].casefold()]})

    def _measures(self, measures: list[dict[str, Any]], cid: int, merge: bool,
                  out: ClientIds) -> None:
        old = _match(rows.select(self.vault, "measures", "client_id", cid),
                     "scale_id", "taken_on", "entered_at") if merge else {}
        for m in measures:
            mid = old.get((m["scale_id"], m["taken_on"], m["entered_at"]))
            if mid is None:
                mid = rows.insert(self.vault, "measures", {
                    **_fields(m, "measures"), "client_id": cid,
                    "session_id": out.ids["session"].get(m["session"])})
                self.tally.measures += 1
            out.ids["measure"][m["key"]] = mid
