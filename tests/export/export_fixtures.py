"""A full fictional course for export tests: the demo vault plus everything a summary shows
(screen, measures with response and relapse, a risk flag, drafts, an addendum, a private
process note, an alert, an adverse effect, tricky text and identifying details typed into
free text). Every name, number and story is invented."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from kapnotes.domain.models import Client, Course, Modality, SessionKind
from kapnotes.domain.screening import Answer, Screen, ScreenAnswer, ScreenItem
from kapnotes.services.demo import build_demo
from kapnotes.services.export_gather import current_course

CLINICIAN = "Dr Demo Clinician"
TRICKY = 'Said <b>not bold</b> & "AT&T" 😀\nsecond line'
PRIVATE_MARKER = "Process-note marker: my wish to rescue"
ADDRESS = "12 Example Lane, Fitzroy VIC 3065"


@dataclass(frozen=True)
class RichCourse:
    client: Client
    course_id: int
    draft_integration: int
    draft_dosing: int
    signed_dosing: int
    other_client_ids: tuple[int, ...]


def identifying_values(client: Client) -> list[str]:
    """Every value that must not appear in a de-identified export of `client`."""
    dob = client.date_of_birth
    assert dob is not None
    values = [client.full_name, client.preferred_name, client.phone, client.email,
              client.address, client.support_person, client.support_phone,
              dob.isoformat(), dob.strftime("%d/%m/%Y"), f"{dob.day}/{dob.month}/{dob.year}",
              dob.strftime("%d %B %Y").lstrip("0"), dob.strftime("%d %b %Y").lstrip("0"),
              client.phone.replace(" ", "")]
    values += [part for part in client.full_name.split() if len(part) > 2]
    return [v for v in values if v]


def build_rich_course(services: object) -> RichCourse:
    today = services.clock().date()
    ids = build_demo(services, today=today, clinician=CLINICIAN)
    services.vault.actor.clinician = CLINICIAN
    client = services.clients.get(ids[0])
    client = services.clients.update(dataclasses.replace(client, address=ADDRESS))
    course = current_course(services, ids[0])
    assert course is not None and course.id is not None
    cid = int(client.id or 0)
    services.monitoring.save_screen(cid, Screen(today - timedelta(days=20), (
        ScreenAnswer(ScreenItem.UNCONTROLLED_HYPERTENSION, Answer.NO),
        ScreenAnswer(ScreenItem.PSYCHOSIS_HISTORY, Answer.NO),
        ScreenAnswer(ScreenItem.BIPOLAR_DISORDER, Answer.YES, "Remote, stable 10 years"),
    ), ("Lorazepam 0.5 mg prn",)), screened_by=CLINICIAN)
    sessions = services.notes.sessions_for_course(course.id)
    doses = [s for s in sessions if s.kind is SessionKind.DOSING]
    first = doses[0].starts_at.date()
    for offset, total in ((-1, 20), (4, 12), (8, 8), (12, 14)):
        services.measures.enter(client_id=cid, scale_id="phq9",
                                taken_on=first + timedelta(days=offset), total=total)
    calm = {str(i): 1 for i in range(1, 10)}
    services.measures.enter(client_id=cid, scale_id="phq9", taken_on=today - timedelta(days=1),
                            answers=calm, session_id=doses[-1].id)
    signed = next(s for s in sessions if s.signed and s.kind is SessionKind.DOSING)
    services.notes.add_addendum(int(signed.id or 0), "Lot number checked against the "
                                "pharmacy register.", author=CLINICIAN)

    dosing = services.notes.create_session(
        course_id=course.id, kind=SessionKind.DOSING,
        starts_at=datetime.combine(today, datetime.min.time()) + timedelta(hours=8),
        duration_min=150, clinician=CLINICIAN, modality=Modality.IN_PERSON)
    did = int(dosing.id or 0)
    m = services.monitoring
    m.update_record(did, {"medication": "ketamine", "route": "im", "dose_mg": 35,
                          "weight_kg": 70, "escort": "Tom Hartwell (partner)",
                          "interventions": "Repositioned; oxygen 2 L for 5 min."},
                    # sooner than the KAP protocol's 7 days after the last dose (rule set)
                    reason="Extra session agreed with the prescriber", by=CLINICIAN)
    start = dosing.starts_at + timedelta(minutes=10)
    m.add_reading(did, "pre_dose", {"systolic": 150, "diastolic": 95, "heart_rate": 80,
                                    "spo2": 98}, at=start - timedelta(minutes=5))
    m.add_device(did, at=start)
    m.add_reading(did, "forty_minutes", {"systolic": 132, "diastolic": 84, "heart_rate": 76,
                                         "spo2": 90}, at=start + timedelta(minutes=40))
    m.add_observation(did, moaas=3, dissociation="moderate", cadss_total=30,
                      note="Drowsy & calm <settled>", at=start + timedelta(minutes=30))
    m.set_adverse_effect(did, "nausea", "moderate", note="Settled with ginger tea")
    services.notes.save_fields(did, {"arrival_state": "Arrived calm."})

    integration = services.notes.create_session(
        course_id=course.id, kind=SessionKind.INTEGRATION,
        starts_at=datetime.combine(today, datetime.min.time()) + timedelta(hours=15),
        clinician=CLINICIAN, linked_dosing_id=did)
    iid = int(integration.id or 0)
    intentions = services.intentions.for_course(course.id)
    services.notes.save_fields(iid, {
        "client_account": f"{TRICKY}\n{client.full_name} ({client.preferred_name}) rang from "
                          f"{client.phone}, email {client.email}; born 14/03/1984; "
                          f"{client.support_person} came too.",
        "intentions_review": [{"intention_id": intentions[0].id, "progress": 6,
                               "note": "Gentler with herself"}],
        "themes": [{"theme": "self-compassion", "evidence": "Kinder self-talk"}],
        "process_notes": PRIVATE_MARKER,
    })
    return RichCourse(client=client, course_id=course.id, draft_integration=iid,
                      draft_dosing=did, signed_dosing=int(signed.id or 0),
                      other_client_ids=tuple(ids[1:]))


def build_long_course(services: object, *, sessions: int = 60) -> tuple[int, int]:
    """A client with `sessions` held sessions (a third dosing, with vitals); (client, course)."""
    today = services.clock().date()
    client = services.clients.create(Client(code="LONG-060", full_name="Ilse Marenko Varga",
                                            date_of_birth=date(1970, 2, 2)))
    start = today - timedelta(days=sessions * 2 + 7)
    course = services.courses.create(Course(client_id=int(client.id or 0), protocol="esketamine",
                                            start_date=start))
    kinds = (SessionKind.PREPARATION, SessionKind.DOSING, SessionKind.INTEGRATION)
    services.monitoring.save_screen(int(client.id or 0), Screen(start, ()),
                                    screened_by=CLINICIAN)
    # The rich demo keeps consents in the vault, so dosing asks for current informed consent.
    services.consents.record(int(client.id or 0), "kap_informed", signed_on=start)
    for n in range(sessions):
        kind = kinds[n % 3]
        s = services.notes.create_session(
            course_id=int(course.id or 0), kind=kind,
            starts_at=datetime.combine(start + timedelta(days=2 * n), datetime.min.time())
            + timedelta(hours=9), clinician=CLINICIAN)
        sid = int(s.id or 0)
        if kind is SessionKind.DOSING:
            first = s.starts_at + timedelta(minutes=10)
            for minute, role in ((-5, "pre_dose"), (40, "forty_minutes"),
                                 (121, "end_of_session")):
                if minute == 40:
                    services.monitoring.add_device(sid, at=first)
                services.monitoring.add_reading(
                    sid, role, {"systolic": 130 + n % 9, "diastolic": 80, "heart_rate": 70,
                                "spo2": 97}, at=first + timedelta(minutes=minute))
        else:
            field = "reasons" if kind is SessionKind.PREPARATION else "client_account"
            services.notes.save_fields(sid, {field: f"Session {n + 1} notes."})
    return int(client.id or 0), int(course.id or 0)


TEST_PASSPHRASE = "lantern orchard 42 quietly"
NOW = datetime(2026, 11, 20, 9, 0)


def open_world(folder: Path) -> tuple[object, RichCourse]:
    """A vault in `folder` holding the rich course, with services on a fixed clock; built
    once per test module (building the demo takes seconds) and only read by the tests."""
    from kapnotes.services.container import build_services
    from kapnotes.storage import lifecycle

    created = lifecycle.create_vault(folder / "vault.kapnotes", TEST_PASSPHRASE)
    services = build_services(created.vault, clock=lambda: NOW,
                              practice_templates=folder / "templates")
    return services, build_rich_course(services)
