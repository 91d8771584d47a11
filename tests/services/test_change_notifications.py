"""Every state-changing service call announces what it changed, once, after it commits.

The writers are found in the source (every function in kapnotes/services that opens a
`write(...)` block); each must have a row in WRITERS below, which calls it through the container
on a real vault and names the kinds it must announce. A new service call that writes without
notifying, or a writer without a row here, fails. Raw `vault.transaction()` in services is
refused outright: it would write without telling the views (docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import ast
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import dosing, s8
from helpers.basics import FakeClock
from helpers.shared_fixture import own_user_data
from helpers.vault_template import open_copy
from review_helpers import REVIEW, THERAPIST, supervisor_services

from kapnotes.domain.approval_model import Approval
from kapnotes.domain.course_items import IntentionStatus
from kapnotes.domain.errors import KapNotesError, ValidationError
from kapnotes.domain.jurisdiction_model import EntryKind
from kapnotes.domain.models import Client, Course, CourseStatus, SessionKind
from kapnotes.domain.pbs import AntidepressantTrial, PbsDetails
from kapnotes.domain.review_model import (
    SupervisionFormat,
    SupervisionSession,
    reply_content_from,
)
from kapnotes.domain.rule_model import RuleFinding, Severity
from kapnotes.domain.s8_register import EntryDraft
from kapnotes.domain.vitals import VitalsThresholds
from kapnotes.services import (
    client_intake,
    clinician,
    exports,
    lock_settings,
    portable_export,
    portable_import,
    practice_audit_sync,
    practice_link,
    practice_review,
    practice_sync,
    regulator_reports,
    settings_save,
)
from kapnotes.services.changes import Changes, hub
from kapnotes.services.clinician import set_clinician_profile
from kapnotes.services.pbs_sheet import PbsRecords
from kapnotes.services.review_import import import_reply
from kapnotes.services.review_keys import read_key_file, vault_identity, write_key_file
from kapnotes.services.review_replies import open_request, record_reply, write_reply
from kapnotes.services.review_requests import create_request
from kapnotes.services.review_trust import trust_key
from kapnotes.services.settings_service import SettingsService

SERVICES_DIR = Path(__file__).resolve().parents[2] / "kapnotes" / "services"
START = datetime(2026, 11, 20, 9, 0)
NOW = "2026-11-20T09:00:00Z"  # a sync's UTC stamp


# -- finding the writers in the source -------------------------------------------------------
def _opens_write(node: ast.AST) -> bool:
    for inner in ast.walk(node):
        if isinstance(inner, ast.With):
            if any(_is_write(item.context_expr) for item in inner.items):
                return True
        # A `write(...)` handed to storage to open its transaction (practice_sync._apply_page).
        elif isinstance(inner, ast.Lambda) and _is_write(inner.body):
            return True
    return False


def _is_write(call: ast.AST) -> bool:
    if not isinstance(call, ast.Call):
        return False
    return (getattr(call.func, "id", None) or getattr(call.func, "attr", None)) == "write"


def writers_in_source() -> set[str]:
    """`module.Class.method` (or `module.function`) of every function opening `write(...)`."""
    found: set[str] = set()
    for path in sorted(SERVICES_DIR.glob("*.py")):
        if path.stem == "changes":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for top in tree.body:
            if isinstance(top, ast.FunctionDef) and _opens_write(top):
                found.add(f"{path.stem}.{top.name}")
            elif isinstance(top, ast.ClassDef):
                for item in top.body:
                    if isinstance(item, ast.FunctionDef) and _opens_write(item):
                        found.add(f"{path.stem}.{top.name}.{item.name}")
    return found


def test_services_never_open_a_bare_transaction() -> None:
    """A bare transaction would write without announcing it; `write(...)` is the only way."""
    offenders = []
    for path in sorted(SERVICES_DIR.glob("*.py")):
        if path.stem == "changes":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "transaction"):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == [], ("use `with write(vault, Changes(...)):` from "
                             f"kapnotes/services/changes.py instead: {offenders}")


# -- a vault with one of everything ----------------------------------------------------------
@dataclass
class World:
    services: Any
    client: int
    course: int
    prep: int
    dose: int
    integration: int
    slot: int
    reading: int
    device: int
    booster: int
    measure: int
    theme: int
    intention: int
    folder: Path
    prepared: Any = None


def _fill_world(s: Any, folder: Path) -> World:
    client = s.clients.create(Client(code="KAP-777", full_name="Robin Example")).id
    course = s.courses.create(Course(client_id=client, protocol="kap_sublingual_im",
                                     start_date=date(2026, 11, 2))).id
    prep = s.notes.create_session(course_id=course, kind=SessionKind.PREPARATION,
                                  starts_at=START - timedelta(days=5)).id
    dose = s.notes.create_session(course_id=course, kind=SessionKind.DOSING, starts_at=START).id
    integration = s.notes.create_session(course_id=course, kind=SessionKind.INTEGRATION,
                                         starts_at=START + timedelta(days=1)).id
    slot = next(e.slot.id for e in s.courses.timeline(course).entries
                if e.slot.kind is SessionKind.INTEGRATION)
    dosing.ready_to_dose(s, dose, START)
    s.monitoring.update_record(dose, {"medication": "ketamine", "route": "im",
                                      "weight_kg": 70, "dose_mg": 50})
    s.monitoring.add_device(dose, at=START)
    device = s.monitoring.devices(dose)[0].id
    reading = s.monitoring.add_reading(dose, "extra", {"systolic": 130, "diastolic": 80},
                                       at=START + timedelta(minutes=20)).id
    booster = s.monitoring.doses.add_booster(dose, "10", at=START + timedelta(minutes=25)).id
    measure = s.measures.enter(client_id=client, scale_id="phq9", taken_on=date(2026, 11, 1),
                               total=12).id
    theme = s.themes.add("Nature").id
    intention = s.intentions.add(course, "Walk each morning").id
    return World(s, client, course, prep, dose, integration, slot, reading, device, booster,
                 measure, theme, intention, folder)


@pytest.fixture(scope="module")
def world_vault(vault_template: Path, tmp_path_factory: pytest.TempPathFactory
                ) -> tuple[Path, World]:
    """The world filled once per module (~30 writes) in a closed vault; each test writes to
    its own copy. Filled with the suite's defaults, not a test's practice policy."""
    folder = tmp_path_factory.mktemp("world")
    path = folder / "world.kapnotes"
    with own_user_data(folder), \
            open_copy(vault_template, path, FakeClock(), folder / "templates") as services:
        built = _fill_world(services, folder)
    return path, built


@pytest.fixture
def world(world_vault: tuple[Path, World], vault_path: Path, clock: FakeClock,
          tmp_path: Path) -> Iterator[World]:
    """Services over this test's copy of the world, as `services` (tests/conftest.py) opens
    a vault: the test's own clock and folder."""
    template, built = world_vault
    with open_copy(template, vault_path, clock, tmp_path / "templates") as services:
        yield replace(built, services=services, folder=tmp_path)


def _fill_integration(w: World) -> None:
    template = w.services.notes.template_for(w.services.notes.session(w.integration))
    risk = template.field("risk_review")
    w.services.notes.save_fields(w.integration, {"client_account": "Fictional account.",
                                                 "risk_review": [risk.options[0].id]})


def _sign_integration(w: World) -> None:
    _fill_integration(w)
    w.services.notes.sign(w.integration, signer="Dr Test")


def _export_and_delete(w: World) -> dict[str, Any]:
    doc = portable_export.build_export(w.services.vault, client_code="KAP-777")
    w.services.clients.delete(w.client, typed_code="KAP-777")
    return doc


def _record_export(w: World) -> None:
    job = exports.build_session_report(w.services, w.prep, exports.options_for(w.services))
    exports.record_export(w.services, job, Path("session.pdf"))


def _send_for_review(w: World) -> list[int]:
    set_clinician_profile(w.services.vault, *THERAPIST)
    _sign_integration(w)
    return [w.integration]


def _reply(w: World, verdict: str) -> bytes:
    """A supervisor's reply (a second, real vault) to a request for the signed note."""
    return _reply_parts(w, verdict)[1].path.read_bytes()


def _reply_parts(w: World, verdict: str) -> tuple[Any, Any]:
    supervisor = supervisor_services(w.folder / "sup")
    key = read_key_file(write_key_file(supervisor.vault, w.folder / "sup.kapkey"))
    sent = create_request(w.services, w.folder / "req.kapreview",
                          session_ids=_send_for_review(w), to_key=key)
    identity = vault_identity(supervisor.vault)
    request = open_request(sent.path.read_bytes(), identity=identity)
    doc = json.loads(json.dumps(REVIEW))
    doc["verdicts"] = [{"session_id": i, "verdict": verdict} for i in request.note_ids]
    reply = write_reply(request, reply_content_from(doc, request.note_ids), identity,
                        w.folder / "reply.kapreview")
    supervisor.vault.close()
    return request, reply


def _supervisor_key(w: World) -> object:
    supervisor = supervisor_services(w.folder / "trusted")
    key = read_key_file(write_key_file(supervisor.vault, w.folder / "trusted.kapkey"))
    supervisor.vault.close()
    return key


def _changes_requested(w: World) -> None:
    import_reply(w.services.vault, _reply(w, "changes_requested"))


def _approval(w: World) -> Approval:
    return Approval("nsw_s8_authority", date(2026, 9, 1), date(2026, 12, 10),
                    client_id=w.client, reference="NSW-A-1")


TRIAL = AntidepressantTrial("Sertraline", "100 mg daily", 8, "partial response")
SUPERVISION = SupervisionSession(date(2026, 11, 21), 60, SupervisionFormat.INDIVIDUAL)

FINDING = RuleFinding("fictional_rule", Severity.OVERRIDE, "Fictional rule.", "test")

Call = Callable[[World], object]
# The service function → (how a user's action calls it, the kinds it must announce).
WRITERS: dict[str, tuple[Call, set[str]]] = {
    "clients.ClientService.create": (
        lambda w: w.services.clients.create(Client(code="KAP-778", full_name="Sam Example")),
        {"clients"}),
    "clients.ClientService.update": (
        lambda w: w.services.clients.update(w.services.clients.get(w.client)),
        {"clients"}),
    "clients.ClientService.set_archived": (
        lambda w: w.services.clients.set_archived(w.client, True), {"clients"}),
    "clients.ClientService.delete": (
        lambda w: w.services.clients.delete(w.client, typed_code="KAP-777"),
        {"clients", "courses", "sessions"}),
    "courses.CourseService.create": (
        lambda w: w.services.courses.create(Course(client_id=w.client, protocol="custom",
                                                   start_date=date(2026, 12, 1)),
                                            custom_day_offsets=[0, 7]),
        {"courses"}),
    "courses.CourseService.update": (
        lambda w: w.services.courses.update(w.services.courses.get(w.course)), {"courses"}),
    "courses.CourseService.set_status": (
        lambda w: w.services.courses.set_status(w.course, CourseStatus.PAUSED, "Travel"),
        {"courses"}),
    "courses.CourseService.move_slot": (
        lambda w: w.services.courses.move_slot(w.slot, date(2026, 12, 24), "Holiday"),
        {"courses"}),
    "courses.CourseService.skip_slot": (
        lambda w: w.services.courses.skip_slot(w.slot, "Unwell"), {"courses"}),
    "notes.NoteService.create_session": (
        lambda w: w.services.notes.create_session(course_id=w.course,
                                                  kind=SessionKind.INTEGRATION,
                                                  starts_at=START + timedelta(days=3)),
        {"sessions"}),
    "notes.NoteService.update_details": (
        lambda w: w.services.notes.update_details(w.services.notes.session(w.prep)),
        {"sessions"}),
    "notes.NoteService.delete_draft": (
        lambda w: w.services.notes.delete_draft(w.integration), {"sessions"}),
    "notes.NoteService.save_fields": (
        lambda w: w.services.notes.save_fields(w.prep, {"intentions": ["Rest more"]}),
        {"notes", "intentions"}),
    "notes.NoteService.sign": (
        lambda w: w.services.notes.sign(w.integration, signer="Dr Test"), {"sessions"}),
    "notes.NoteService.add_addendum": (
        lambda w: w.services.notes.add_addendum(w.integration, "Fictional later detail.",
                                                author="Dr Test"),
        {"notes"}),
    "intentions.IntentionService.add": (
        lambda w: w.services.intentions.add(w.course, "Call my sister"), {"intentions"}),
    "intentions.IntentionService.revise": (
        lambda w: w.services.intentions.revise(w.intention, "Walk most mornings"),
        {"intentions"}),
    "intentions.IntentionService.set_status": (
        lambda w: w.services.intentions.set_status(w.intention, IntentionStatus.ACHIEVED),
        {"intentions"}),
    "themes.ThemeService.add": (lambda w: w.services.themes.add("Family"), {"themes"}),
    "themes.ThemeService.rename": (
        lambda w: w.services.themes.rename(w.theme, "Nature walks"), {"themes"}),
    "themes.ThemeService.merge": (
        lambda w: w.services.themes.merge([w.prepared], w.theme),
        {"themes"}),
    "themes.ThemeService.delete": (lambda w: w.services.themes.delete(w.theme), {"themes"}),
    "measures.MeasureService.enter": (
        lambda w: w.services.measures.enter(client_id=w.client, scale_id="phq9",
                                            taken_on=date(2026, 11, 10), total=8),
        {"measures"}),
    "measures.MeasureService.delete": (
        lambda w: w.services.measures.delete(w.measure), {"measures"}),
    "monitoring.MonitoringService.update_record": (
        lambda w: w.services.monitoring.update_record(w.dose, {"dose_mg": 55}),
        {"monitoring"}),
    "monitoring.MonitoringService.set_weight": (
        lambda w: w.services.monitoring.set_weight(w.dose, "71", "kg"),
        {"monitoring", "clients"}),
    "monitoring.MonitoringService.add_device": (
        lambda w: w.services.monitoring.add_device(w.dose, at=START + timedelta(minutes=30)),
        {"monitoring"}),
    "monitoring.MonitoringService.remove_device": (
        lambda w: w.services.monitoring.remove_device(w.dose, w.device), {"monitoring"}),
    "monitoring.MonitoringService.add_observation": (
        lambda w: w.services.monitoring.add_observation(
            w.dose, moaas=4, at=START + timedelta(minutes=15)),
        {"monitoring"}),
    "monitoring.MonitoringService.set_adverse_effect": (
        lambda w: w.services.monitoring.set_adverse_effect(w.dose, "nausea", "mild"),
        {"monitoring"}),
    "vitals_log.VitalsLog.add": (
        lambda w: w.services.monitoring.add_reading(
            w.dose, "extra", {"systolic": 125, "diastolic": 78},
            at=START + timedelta(minutes=40)),
        {"monitoring"}),
    "vitals_log.VitalsLog.correct": (
        lambda w: w.services.monitoring.correct_reading(w.dose, w.reading, {"heart_rate": 80},
                                                        reason="Typo"),
        {"monitoring"}),
    "vitals_log.VitalsLog.strike": (
        lambda w: w.services.monitoring.strike_reading(w.dose, w.reading, reason="Wrong cuff"),
        {"monitoring"}),
    "dose_checks.DoseChecks.record_weight": (
        lambda w: w.services.monitoring.doses.record_weight(w.client, "70", "kg",
                                                            date(2026, 11, 19)),
        {"clients"}),
    "dose_checks.DoseChecks.add_overrides": (
        lambda w: w.services.monitoring.doses.add_overrides(w.dose, [FINDING], "Checked twice",
                                                            "Dr Test"),
        {"monitoring"}),
    "dose_checks.DoseChecks.add_booster": (
        lambda w: w.services.monitoring.doses.add_booster(w.dose, "5",
                                                          at=START + timedelta(minutes=35)),
        {"monitoring"}),
    "dose_checks.DoseChecks.remove_booster": (
        lambda w: w.services.monitoring.doses.remove_booster(w.dose, w.booster),
        {"monitoring"}),
    "screening.ScreeningService.save_screen": (
        lambda w: w.services.monitoring.save_screen(w.client, dosing.clean_screen(START.date()),
                                                    screened_by="Dr Test"),
        {"screening"}),
    "screening.ScreeningService.acknowledge": (
        lambda w: w.services.monitoring.acknowledge(w.dose, by="Dr Test"), {"screening"}),
    "practice_settings.MonitoringSettings.set_thresholds": (
        lambda w: w.services.monitoring.settings.set_thresholds(VitalsThresholds()),
        {"settings"}),
    "practice_settings.MonitoringSettings.set_screen_max_age_days": (
        lambda w: w.services.monitoring.settings.set_screen_max_age_days(60), {"settings"}),
    "settings_service.SettingsService.save": (
        lambda w: SettingsService(w.services.vault).set_practice_name("Harbour Clinic"),
        {"settings"}),
    "lock_settings.set_idle_lock_minutes": (
        lambda w: lock_settings.set_idle_lock_minutes(w.services.vault, 10), {"settings"}),
    "clinician.set_clinician_name": (
        lambda w: clinician.set_clinician_name(w.services.vault, "Dr Kim Sample"),
        {"settings"}),
    "settings_save.save_settings": (
        lambda w: settings_save.save_settings(SettingsService(w.services.vault), {},
                                              clinician="Dr Kim Sample"), {"settings"}),
    "client_intake.save_client": (
        lambda w: client_intake.save_client(w.services, Client(code="KAP-778",
                                            full_name="Sky Example"), new=True,
                                            weight=("71", "kg")), {"clients"}),
    "portable_import.import_document": (
        lambda w: portable_import.import_document(w.services, w.prepared),
        {"clients", "courses", "sessions", "notes", "intentions", "themes",
         "measures", "monitoring", "screening"}),
    "exports.record_export": (_record_export, {"exports"}),
    "clinician.set_clinician_profile": (
        lambda w: set_clinician_profile(w.services.vault, *THERAPIST), {"settings"}),
    "review_requests.create_request": (
        lambda w: create_request(w.services, w.folder / "r.kapreview", session_ids=w.prepared),
        {"reviews"}),
    "review_import.import_reply": (
        lambda w: import_reply(w.services.vault, w.prepared), {"reviews"}),
    "review_trust.trust_key": (lambda w: trust_key(w.services.vault, w.prepared), {"reviews"}),
    # `practice_link.join` talks to the server between these (tests/practice); each vault
    # write of it announces itself.
    "practice_link._save_link": (lambda w: practice_link._save_link(
        w.services.vault, {"conninfo": "host=example", "login": "ther_1", "secret": "s"}),
        {"settings"}),
    "practice_link._forget_link": (
        lambda w: practice_link._forget_link(w.services.vault), {"settings"}),
    "practice_link._record_join": (
        lambda w: practice_link._record_join(w.services.vault, "ther_1"), {"settings"}),
    "practice_link._record_leave": (lambda w: practice_link._record_leave(
        w.services.vault, discard_pending=True, pending=0), {"settings"}),
    # `practice_sync.sync_once` talks to the server between these (tests/practice); each vault
    # write of a sync is its own small transaction that announces itself.
    "practice_sync._pack": (lambda w: practice_sync._pack(w.services.vault, NOW), set()),
    "practice_sync._record_answer": (lambda w: practice_sync._record_answer(
        w.services.vault, str(uuid.uuid4()), "applied", 1, NOW), set()),
    "practice_sync._record_refusal": (lambda w: practice_sync._record_refusal(
        w.services.vault, str(uuid.uuid4()), "not on the care team", NOW), set()),
    "practice_sync._apply_page": (
        lambda w: practice_sync._apply_page(w.services.vault, [], NOW),
        {"clients", "courses", "sessions", "notes", "measures", "monitoring", "registers"}),
    "practice_sync._purge_unless_held": (
        lambda w: practice_sync._purge_unless_held(w.services.vault, "KAP-777", NOW),
        {"clients", "courses", "sessions", "notes", "measures", "monitoring"}),
    "practice_sync._record_sync": (
        lambda w: practice_sync._record_sync(w.services.vault, NOW, ""), set()),
    "practice_audit_sync._pack_audit": (
        lambda w: practice_audit_sync._pack_audit(w.services.vault), set()),
    "practice_audit_sync._settle": (lambda w: practice_audit_sync._settle(
        w.services.vault, str(uuid.uuid4()), taken=True), set()),
    "practice_review.mark_resolved": (
        lambda w: practice_review.mark_resolved(w.services.vault, w.prepared), set()),
    "practice_review.dismiss_refusal": (
        lambda w: practice_review.dismiss_refusal(w.services.vault, w.prepared), set()),
    "practice_review.choose": (
        lambda w: practice_review.choose(w.services.vault, w.prepared, keep_mine=True),
        {"clients"}),
    "reviews.ReviewService.answer_changes": (
        lambda w: w.services.reviews.answer_changes(w.integration, "Lot number added.",
                                                    author="Dr Test"),
        {"reviews", "notes"}),
    "reviews.ReviewService.log_session": (
        lambda w: w.services.reviews.log_session("Dr Ada Supervisor", SUPERVISION),
        {"reviews"}),
    "reviews.ReviewService.remove_logged": (
        lambda w: w.services.reviews.remove_logged(w.prepared), {"reviews"}),
    "portable_export.export_to_file": (
        lambda w: portable_export.export_to_file(w.services.vault, w.folder / "all.json"),
        {"exports"}),
    "review_replies.record_reply": (
        lambda w: record_reply(w.services.vault, *w.prepared), {"reviews"}),
    "approvals.ApprovalService.add": (
        lambda w: w.services.approvals.add(_approval(w)), {"clients"}),
    "approvals.ApprovalService.update": (
        lambda w: w.services.approvals.update(replace(w.prepared, reference="NSW-A-2")),
        {"clients"}),
    "approvals.ApprovalService.delete": (
        lambda w: w.services.approvals.delete(w.prepared.id), {"clients"}),
    "pbs_sheet.PbsRecords.add_trial": (
        lambda w: PbsRecords(w.services.vault).add_trial(w.client, TRIAL), {"clients"}),
    "pbs_sheet.PbsRecords.delete_trial": (
        lambda w: PbsRecords(w.services.vault).delete_trial(w.prepared), {"clients"}),
    "pbs_sheet.PbsRecords.set_details": (
        lambda w: PbsRecords(w.services.vault).set_details(
            w.client, PbsDetails("Sertraline", date(2026, 10, 1), "Dr Lee Example")),
        {"clients"}),
    "regulator_reports._audit": (
        lambda w: regulator_reports.write_report(
            w.services, "adverse_events", regulator_reports.adverse_events(
                w.services, date(2026, 11, 1), date(2026, 11, 30)), w.folder / "ae.csv"),
        {"exports"}),
    "s8_register.S8RegisterService.open_register": (
        lambda w: w.services.s8.open_register(s8.ESKETAMINE), {"registers"}),
    "s8_register.S8RegisterService._append": (
        lambda w: w.services.s8.add(w.prepared, EntryDraft(
            EntryKind.RECEIPT, START, 24, "Dr Test", supplier="Harbour Pharmacy",
            invoice="INV-1")),
        {"registers"}),
    "consents.ConsentService.record": (
        lambda w: w.services.consents.record(w.client, "touch", signed_on=date(2026, 11, 1)),
        {"clients"}),
    "consents.ConsentService.withdraw": (
        lambda w: w.services.consents.withdraw(w.prepared.id, on=date(2026, 11, 2),
                                               reason="Changed mind"), {"clients"}),
    "session_events.SessionEventLog.add": (
        lambda w: w.services.events.add(w.dose, "music_change", text="Rain"), {"notes"}),
    "session_events.SessionEventLog.update": (
        lambda w: w.services.events.update(w.prepared.id, text="Birdsong"), {"notes"}),
    "session_events.SessionEventLog.remove": (
        lambda w: w.services.events.remove(w.prepared.id), {"notes"}),
}


def _sync_row(w: World, sql: str) -> int:
    """A row a sync would leave for a person (a conflict copy, a refusal, a field review)."""
    vault = w.services.vault
    with vault.transaction():
        vault.execute(sql, ("KAP-777", NOW))
        return int(vault.query_one("SELECT last_insert_rowid()")[0])


# What a row needs first (its own announcements are not counted).
SETUP: dict[str, Callable[[World], object]] = {
    "practice_review.mark_resolved": lambda w: _sync_row(
        w, "INSERT INTO sync_conflicts (kind, client_code, row_uuid, payload, created_at)"
           " VALUES ('note', ?, 'a-row', '{}', ?)"),
    "practice_review.dismiss_refusal": lambda w: _sync_row(
        w, "INSERT INTO sync_refusals (op_id, kind, client_code, message, created_at)"
           " VALUES ('an-op', 'note', ?, 'not on the care team', ?)"),
    "practice_review.choose": lambda w: _sync_row(
        w, "INSERT INTO sync_field_reviews (client_code, field, mine, theirs, created_at)"
           " VALUES (?, 'phone', '\"0400 000 001\"', '\"0400 000 002\"', ?)"),
    "consents.ConsentService.withdraw": lambda w: w.services.consents.record(
        w.client, "touch", signed_on=date(2026, 11, 1)),
    "session_events.SessionEventLog.update": lambda w: w.services.events.add(w.dose, "other"),
    "session_events.SessionEventLog.remove": lambda w: w.services.events.add(w.dose, "other"),
    "notes.NoteService.add_addendum": _sign_integration,
    "portable_import.import_document": _export_and_delete,
    "notes.NoteService.sign": _fill_integration,
    "themes.ThemeService.merge": lambda w: w.services.themes.add("Trees").id,
    "review_requests.create_request": _send_for_review,
    "review_replies.record_reply": lambda w: _reply_parts(w, "approved"),
    "approvals.ApprovalService.add": lambda w: s8.choose_jurisdiction(Path()),
    "approvals.ApprovalService.update": lambda w: (
        s8.choose_jurisdiction(Path()), w.services.approvals.add(_approval(w)))[1],
    "approvals.ApprovalService.delete": lambda w: (
        s8.choose_jurisdiction(Path()), w.services.approvals.add(_approval(w)))[1],
    "pbs_sheet.PbsRecords.delete_trial": lambda w: PbsRecords(w.services.vault).add_trial(
        w.client, TRIAL).id,
    "review_import.import_reply": lambda w: _reply(w, "approved"),
    "reviews.ReviewService.answer_changes": _changes_requested,
    "review_trust.trust_key": _supervisor_key,
    "reviews.ReviewService.remove_logged": lambda w: w.services.reviews.log_session(
        "Dr Ada Supervisor", SUPERVISION),
    "s8_register.S8RegisterService.open_register": lambda w: s8.choose_jurisdiction(Path()),
    "s8_register.S8RegisterService._append": lambda w: (
        s8.choose_jurisdiction(Path()), w.services.s8.open_register(s8.ESKETAMINE).id)[1],
}


def test_every_writer_in_the_source_has_a_row() -> None:
    """A new writer needs a row (and so a proof that it announces itself)."""
    in_source = writers_in_source()
    assert in_source - WRITERS.keys() == set(), "add these writers to WRITERS"
    assert WRITERS.keys() - in_source == set(), "these rows name no writer any more"


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_each_writer_announces_once_what_it_changed(world: World, name: str) -> None:
    call, kinds = WRITERS[name]
    if name in SETUP:
        world.prepared = SETUP[name](world)
    announced: list[Changes] = []
    hub(world.services.vault).subscribe(announced.append)
    call(world)
    assert len(announced) == 1, f"{name} announced {len(announced)} times"
    assert kinds <= announced[0].kinds, f"{name} announced {sorted(announced[0].kinds)}"


def test_a_refused_call_announces_nothing(world: World) -> None:
    heard: list[Changes] = []
    hub(world.services.vault).subscribe(heard.append)
    with pytest.raises(ValidationError):
        world.services.clients.create(Client(code="", full_name=""))
    # Refused inside the transaction (the slot is another kind's): rolled back, not announced.
    with pytest.raises(KapNotesError):
        world.services.notes.create_session(course_id=world.course, kind=SessionKind.DOSING,
                                            starts_at=START, slot_id=world.slot)
    assert heard == []


def test_nested_writes_are_one_announcement_naming_both(world: World) -> None:
    """A theme rename rewrites draft notes through the notes service: one announcement."""
    s = world.services
    s.notes.save_fields(world.integration, {"themes": [{"theme": "Nature", "evidence": ""}]})
    heard: list[Changes] = []
    hub(s.vault).subscribe(heard.append)
    s.themes.rename(world.theme, "Outdoors")
    assert len(heard) == 1
    assert {"themes", "notes"} <= heard[0].kinds
    assert world.integration in heard[0].session_ids


def test_ids_name_the_records_touched(world: World) -> None:
    heard: list[Changes] = []
    hub(world.services.vault).subscribe(heard.append)
    world.services.notes.save_fields(world.prep, {"intentions": ["Rest more"]})
    (change,) = heard
    assert change.session_ids == {world.prep}
    assert change.client_ids == {world.client} and change.course_ids == {world.course}
    assert change.touches_client(world.client) and not change.touches_client(world.client + 1)


def test_an_unsubscribed_view_hears_nothing_more(world: World) -> None:
    heard: list[Changes] = []
    source = hub(world.services.vault)
    source.subscribe(heard.append)
    world.services.themes.add("Family")
    source.unsubscribe(heard.append)
    world.services.themes.add("Work")
    assert [c.kinds for c in heard] == [{"themes"}]


def test_a_write_outside_any_transaction_announces_at_once(world: World) -> None:
    """`mark` with no transaction open (nothing to wait for) publishes straight away."""
    from kapnotes.services.changes import mark

    heard: list[Changes] = []
    hub(world.services.vault).subscribe(heard.append)
    mark(world.services.vault, Changes(settings=True))
    assert [c.kinds for c in heard] == [{"settings"}]
