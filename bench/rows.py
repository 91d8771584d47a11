"""Turn a laid-out practice into rows, written in batches with `executemany`."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from bench import notes_gen
from bench.layout import ClientPlan, CoursePlan, split
from bench.phrases import (
    CLINICIANS,
    DIAGNOSES,
    FIRST_NAMES,
    LAST_NAMES,
    MEDICINES,
    RELATIONS,
    THEMES,
    Writer,
)
from kapnotes.domain.screening import ScreenItem
from kapnotes.domain.templates import TemplateLibrary, template_to_data
from kapnotes.paths import resource_path
from kapnotes.services.measures import MeasureService, load_practice_scales
from kapnotes.storage import seals
from kapnotes.storage.measures import _flags_json
from kapnotes.storage.vault import Vault

_HOURS = {"preparation": 10, "dosing": 9, "integration": 14}
_STAMP = "2024-01-01T00:00:00Z"

SQL = {
    "clients": "INSERT INTO clients (id, code, full_name, preferred_name, date_of_birth, phone,"
               " email, support_person, support_relationship, support_phone, prescriber,"
               " diagnosis, antidepressant_trials, medicines, background, created_at,"
               " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "screens": "INSERT INTO screens (id, client_id, screened_on, screened_by, medicines,"
               " created_at) VALUES (?, ?, ?, ?, ?, ?)",
    "screen_answers": "INSERT INTO screen_answers (screen_id, item, answer) VALUES (?, ?, ?)",
    "courses": "INSERT INTO courses (id, client_id, protocol, start_date, prescriber, status,"
               " status_reason, maintenance_interval_weeks, created_at, updated_at)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "sessions": "INSERT INTO sessions (id, course_id, kind, starts_at, duration_min, clinician,"
                " modality, linked_dosing_id, template_id, template_version, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "planned_slots": "INSERT INTO planned_slots (course_id, seq, kind, planned_date,"
                     " original_date, label, dose_number, skipped, change_reason, session_id)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "session_fields": "INSERT INTO session_fields (session_id, field_id, value, search_text,"
                      " updated_at) VALUES (?, ?, ?, ?, ?)",
    "intentions": "INSERT INTO intentions (id, course_id, text, set_on, source_session_id,"
                  " source_field_id, position, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "intention_reviews": "INSERT INTO intention_reviews (intention_id, session_id, field_id,"
                         " progress, note, position) VALUES (?, ?, ?, ?, ?, ?)",
    "theme_mentions": "INSERT INTO theme_mentions (theme_id, session_id, field_id, position,"
                      " evidence, written_as) VALUES (?, ?, ?, ?, ?, ?)",
    "monitoring_records": "INSERT INTO monitoring_records (session_id, medication, route,"
                          " dose_mg, weight_kg, lot_number, monitoring_clinician, setting,"
                          " fasting_food, fasting_liquids, screen_reviewed, predose_vitals_ok,"
                          " respiratory_depression, ended_at, ready_to_leave_minutes,"
                          " discharge_vitals_ok, escort, no_driving_advised, updated_at)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 1, 1, 1, 0, ?, ?, 1, ?, 1, ?)",
    "device_times": "INSERT INTO device_times (session_id, given_at) VALUES (?, ?)",
    "vitals_readings": "INSERT INTO vitals_readings (session_id, taken_at, role, systolic,"
                       " diastolic, heart_rate, spo2) VALUES (?, ?, ?, ?, ?, ?, ?)",
    "sedation_observations": "INSERT INTO sedation_observations (session_id, observed_at,"
                             " moaas, dissociation, note) VALUES (?, ?, ?, ?, ?)",
    "screening_acks": "INSERT INTO screening_acks (session_id, acknowledged_at,"
                      " acknowledged_by, warnings) VALUES (?, ?, ?, '[]')",
    "measures": "INSERT INTO measures (client_id, scale_id, scale_version, taken_on,"
                " session_id, answers, total, total_only, band, flags, unknown_flags,"
                " risk_level, risk, entered_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)",
    "sign": "UPDATE sessions SET signed_at = ?, signed_by = ? WHERE id = ?",
}
# Parents before children: the triggers look up sessions and courses for each field row.
ORDER = ("clients", "screens", "screen_answers", "courses", "sessions", "planned_slots",
         "session_fields", "intentions", "intention_reviews", "theme_mentions",
         "monitoring_records", "device_times", "vitals_readings", "sedation_observations",
         "screening_acks", "measures")
BATCH_SESSIONS = 2_000


class RowWriter:
    """Writes a laid-out practice into an open vault (inside the caller's transaction)."""

    def __init__(self, vault: Vault, rng: random.Random, today: date, *, vitals: int) -> None:
        self.vault = vault
        self.vitals = vitals
        self.rng = rng
        self.today = today
        self.w = Writer(rng)
        self.templates = TemplateLibrary.load(resource_path("templates"), None)
        self.measures = MeasureService(vault, load_practice_scales())
        self.rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        self.signs: list[tuple[Any, ...]] = []
        self.counts: dict[str, int] = defaultdict(int)
        self.session_id = 0
        self.intention_id = 0
        self.screen_id = 0
        self.pending_sessions = 0
        self.vitals_left: list[int] = []

    # -- driver ----------------------------------------------------------------------------
    def write(self, clients: list[ClientPlan]) -> dict[str, Any]:
        self._themes()
        self._snapshots()
        courses = [c for cl in clients for c in cl.courses]
        dosing = sum(1 for c in courses for i in c.held if c.slots[i].kind.value == "dosing")
        self.vitals_left = vitals_plan(self.vitals, dosing, self.rng)
        for client in clients:
            self._client(client)
            if self.pending_sessions >= BATCH_SESSIONS:
                self._flush()
        self._flush()
        self.vault.conn.executemany(SQL["sign"], self.signs)
        for _at, _by, sid in self.signs:  # sealed as NoteService.sign seals, so check and
            seals.seal_session(self.vault, sid)  # PDFs see signed notes, not tampering
        return self._facts(clients)

    def _flush(self) -> None:
        for table in ORDER:
            rows = self.rows.pop(table, [])
            if rows:
                self.vault.conn.executemany(SQL[table], rows)
                self.counts[table] += len(rows)
        self.pending_sessions = 0

    def _themes(self) -> None:
        for name in THEMES:
            self.vault.execute("INSERT OR IGNORE INTO themes (name, pinned, created_at)"
                               " VALUES (?, 1, ?)", (name, _STAMP))
        self.theme_ids = {r[1].casefold(): r[0] for r in self.vault.query(
            "SELECT id, name FROM themes")}

    def _snapshots(self) -> None:
        for kind in ("preparation", "dosing", "integration"):
            t = self.templates.latest(kind)
            self.vault.execute(
                "INSERT OR IGNORE INTO template_snapshots (template_id, version, kind,"
                " definition) VALUES (?, ?, ?, ?)",
                (t.id, t.version, t.kind, json.dumps(template_to_data(t), ensure_ascii=False)))

    # -- clients ---------------------------------------------------------------------------
    def _client(self, client: ClientPlan) -> None:
        rng, w = self.rng, self.w
        first, last = w.pick(FIRST_NAMES), w.pick(LAST_NAMES)
        born = date(1950 + rng.randrange(50), 1 + rng.randrange(12), 1 + rng.randrange(28))
        meds = rng.sample(MEDICINES, 1 + rng.randrange(2))
        prescriber = w.pick(CLINICIANS)
        self.rows["clients"].append((
            client.id, f"KAP-{client.id:04d}", f"{first} {last}", first, born.isoformat(),
            f"0400 {client.id:03d} {rng.randrange(1000):03d}",
            f"{first.lower()}.{client.id}@example.org", f"{w.pick(FIRST_NAMES)} {last}",
            w.pick(RELATIONS), "0400 000 000", prescriber, w.pick(DIAGNOSES),
            1 + rng.randrange(5), json.dumps(meds), w.arrival(), _STAMP, _STAMP))
        first_day = client.courses[0].slot_date(0) - timedelta(days=14)
        self.screen_id += 1
        self.rows["screens"].append((self.screen_id, client.id, first_day.isoformat(),
                                     prescriber, json.dumps(meds), _STAMP))
        self.rows["screen_answers"].extend(
            (self.screen_id, item.value, "no") for item in ScreenItem)
        for course in client.courses:
            self._course(course, prescriber)

    # -- courses ---------------------------------------------------------------------------
    def _course(self, c: CoursePlan, prescriber: str) -> None:
        reason = "Moved interstate" if c.status == "discontinued" else ""
        start = c.slot_date(next(s.index for s in c.slots if s.kind.value == "dosing"))
        self.rows["courses"].append((c.id, c.client_id, c.protocol, start.isoformat(),
                                     prescriber, c.status, reason, 1, _STAMP, _STAMP))
        c.first_session_id = self.session_id + 1
        clinician = self.w.pick(CLINICIANS)
        intentions = notes_gen.course_intentions(self.w)
        intention_ids: list[int] = []
        last_dose: int | None = None
        slot_session: dict[int, int] = {}
        held = [(c.slot_date(i), c.slots[i].kind.value, i) for i in c.held]
        extra_day = (held[-1][0] if held else start)
        for n in range(c.extra_sessions):
            kind = ("dosing", "integration")[n % 2]
            held.append((extra_day + timedelta(days=7 * (n // 2 + 1) + n % 2), kind, -1))
        doses = 0
        for day, kind, slot_index in held:
            self.session_id += 1
            sid = self.session_id
            if slot_index >= 0:
                slot_session[slot_index] = sid
            starts = datetime.combine(day, time(_HOURS[kind], 0))
            linked = last_dose if kind == "integration" else None
            template = self.templates.latest(kind)
            self.rows["sessions"].append((
                sid, c.id, kind, starts.isoformat(timespec="seconds"),
                120 if kind == "dosing" else 60, clinician,
                "telehealth" if kind != "dosing" and self.rng.random() < 0.1 else "in_person",
                linked, template.id, template.version, _STAMP, _STAMP))
            if kind == "preparation" and not intention_ids:
                values = notes_gen.preparation(self.w, intentions)
                for pos, text in enumerate(intentions):
                    self.intention_id += 1
                    intention_ids.append(self.intention_id)
                    self.rows["intentions"].append((self.intention_id, c.id, text,
                                                    day.isoformat(), sid, "intentions", pos,
                                                    _STAMP))
            elif kind == "dosing":
                values = notes_gen.dosing(self.w, intentions)
                last_dose = sid
                doses += 1
                self._monitoring(sid, starts, clinician, doses)
                if doses % 4 == 1:
                    self._measure(c.client_id, sid, day, doses)
            else:
                values = notes_gen.integration(self.w, intention_ids)
                self._derived(sid, values)
            self.rows["session_fields"].extend(
                notes_gen.field_rows(template, sid, values, _STAMP))
            recent = day >= self.today - timedelta(days=2)
            if not recent and self.rng.random() > 0.005:
                signed = datetime.combine(day, time(_HOURS[kind] + 3, 15))
                self.signs.append((signed.strftime("%Y-%m-%dT%H:%M:%SZ"), clinician, sid))
            self.pending_sessions += 1
        for slot in c.slots:
            day = c.slot_date(slot.index).isoformat()
            skipped = slot.index in c.skipped
            self.rows["planned_slots"].append((
                c.id, slot.index, slot.kind.value, day, day, slot.phase, slot.dose_number,
                int(skipped), "Client unwell" if skipped else "", slot_session.get(slot.index)))

    def _derived(self, sid: int, values: dict[str, Any]) -> None:
        """Intention reviews and theme mentions, as CourseItemSync derives them on save."""
        for pos, r in enumerate(values["intentions_review"]):
            self.rows["intention_reviews"].append((r["intention_id"], sid, "intentions_review",
                                                   r["progress"], r["note"], pos))
        for pos, t in enumerate(values["themes"]):
            self.rows["theme_mentions"].append((self.theme_ids[t["theme"].casefold()], sid,
                                                "themes", pos, t["evidence"], t["theme"]))

    # -- monitoring ------------------------------------------------------------------------
    def _monitoring(self, sid: int, starts: datetime, clinician: str, n: int) -> None:
        rng = self.rng
        first = starts + timedelta(minutes=15)

        def t(minutes: int) -> str:
            return (first + timedelta(minutes=minutes)).isoformat(timespec="seconds")

        self.rows["monitoring_records"].append((
            sid, "esketamine", "intranasal", 56 + 28 * (n > 2), 50 + rng.randrange(60),
            f"LOT-{rng.randrange(10**5):05d}", clinician, "Quiet room, reclined chair, music",
            t(125), 90, "Partner", _STAMP))
        self.rows["device_times"].extend(((sid, t(0)), (sid, t(5))))
        readings = self.next_vitals()
        raised = rng.random() < 0.25
        plan = [("pre_dose", -10), ("forty_minutes", 40), ("end_of_session", 121)]
        plan += [("extra", 10 + 8 * k) for k in range(max(0, readings - 3))]
        for role, minutes in plan[:readings]:
            high = raised and role == "forty_minutes"
            self.rows["vitals_readings"].append((
                sid, t(minutes), role, (184 if high else 118 + rng.randrange(25)),
                (104 if high else 70 + rng.randrange(15)), 60 + rng.randrange(35),
                94 + rng.randrange(6)))
        self.rows["sedation_observations"].append((sid, t(30), 3 + rng.randrange(3),
                                                   rng.choice(("none", "mild", "moderate")),
                                                   ""))
        self.rows["screening_acks"].append((sid, starts.isoformat(timespec="seconds"),
                                            clinician))

    def next_vitals(self) -> int:
        return self.vitals_left.pop() if self.vitals_left else 3

    def _measure(self, client_id: int, sid: int, day: date, doses: int) -> None:
        base = max(0, 3 - doses // 4)
        answers = {str(i): min(3, max(0, base + self.rng.randrange(-1, 2))) for i in range(1, 10)}
        answers["9"] = 0
        r = self.measures.preview("phq9", answers=answers)
        self.rows["measures"].append((
            client_id, r.scale_id, r.scale_version, day.isoformat(), sid,
            json.dumps(dict(r.answers)), r.total, r.band_label, _flags_json(r.flags),
            _flags_json(r.unknown_flags), r.risk_level, int(r.has_risk_flag), _STAMP))

    # -- summary ---------------------------------------------------------------------------
    def _facts(self, clients: list[ClientPlan]) -> dict[str, Any]:
        big = clients[0].courses[-1]
        pdf = clients[1].courses[0]
        draft = self.vault.query_one(
            "SELECT id FROM sessions WHERE course_id = ? AND signed_at IS NULL"
            " ORDER BY starts_at DESC LIMIT 1", (big.id,))
        busiest = [r[0] for r in self.vault.query(
            "SELECT co.client_id FROM sessions s JOIN courses co ON co.id = s.course_id"
            " GROUP BY co.client_id ORDER BY count(*) DESC, co.client_id LIMIT 20")]
        return {
            "big_client_id": 1, "big_course_id": big.id, "big_course_sessions": big.sessions,
            "pdf_client_id": 2, "pdf_course_id": pdf.id, "pdf_course_sessions": pdf.sessions,
            "draft_session_id": draft[0] if draft else None,
            "busiest_clients": busiest,
            "rows": dict(self.counts),
        }


def vitals_plan(total: int, dosing: int, rng: random.Random) -> list[int]:
    """Readings per dosing session adding up to `total` (at least 3 each when possible)."""
    if dosing == 0:
        return []
    return split(total, dosing, min(3, total // dosing), rng)
