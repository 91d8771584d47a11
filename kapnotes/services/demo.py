"""A demo vault: a handful of fictional clients with courses at different stages.

Every name, date and story here is invented. Used for screenshots, manual trials and tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from kapnotes.domain.models import Client, Course, CourseStatus, Modality, SessionKind
from kapnotes.services.container import Services
from kapnotes.services.demo_approvals import record_demo_approvals
from kapnotes.services.demo_consents import record_demo_consents, record_demo_events
from kapnotes.services.demo_monitoring import record_demo_monitoring
from kapnotes.services.demo_outcomes import record_demo_outcomes
from kapnotes.services.demo_register import DemoRegister


@dataclass(frozen=True)
class DemoClient:
    client: Client
    protocol: str
    weeks_ago: int  # how long before "today" the first dose was
    status: CourseStatus = CourseStatus.ACTIVE
    status_reason: str = ""


DEMO_CLIENTS = (
    DemoClient(
        Client(code="KAP-001", full_name="Mira Solenne Hartwell", preferred_name="Mira",
               date_of_birth=date(1984, 3, 14), phone="0400 000 101",
               email="mira.hartwell@example.org", support_person="Tom Hartwell",
               support_relationship="partner", support_phone="0400 000 102",
               referring_clinician="Dr Ana Whitcombe (GP)", prescriber="Dr Felix Orani",
               diagnosis="Major depressive disorder, recurrent", antidepressant_trials=3,
               medicines=("Sertraline 100 mg mane", "Lorazepam 0.5 mg prn"),
               background="Teacher; two children. Long history of low mood since her teens."),
        protocol="esketamine", weeks_ago=3,
    ),
    DemoClient(
        Client(code="KAP-002", full_name="Jonah Pike Alvarado", preferred_name="Jonah",
               date_of_birth=date(1991, 8, 2), phone="0400 000 201",
               email="jonah.alvarado@example.org", support_person="Rosa Alvarado",
               support_relationship="sister", support_phone="0400 000 202",
               referring_clinician="Dr Lena Marsh (psychiatrist)", prescriber="Dr Felix Orani",
               diagnosis="Treatment-resistant depression; PTSD", antidepressant_trials=4,
               medicines=("Venlafaxine 150 mg",), background="Paramedic on leave."),
        protocol="kap_sublingual_im", weeks_ago=5,
    ),
    DemoClient(
        Client(code="KAP-003", full_name="Σοφία Παπαδοπούλου", preferred_name="Sofia",
               date_of_birth=date(1976, 11, 23), phone="0400 000 301",
               email="sofia.p@example.org", support_person="Nikos P.",
               support_relationship="husband", prescriber="Dr Irene Kalos",
               diagnosis="Major depressive disorder", antidepressant_trials=2,
               medicines=("Escitalopram 20 mg", "Tramadol 50 mg prn"),
               background="Architect. Grief after her mother's death two years ago."),
        protocol="iv_ketamine", weeks_ago=1,
    ),
    DemoClient(
        Client(code="KAP-004", full_name="Nguyễn Thị Hương", preferred_name="Hương",
               date_of_birth=date(1958, 6, 5), phone="0400 000 401",
               support_person="Lan Nguyễn", support_relationship="daughter",
               prescriber="Dr Felix Orani", diagnosis="Late-life depression",
               antidepressant_trials=3, medicines=("Mirtazapine 30 mg nocte",),
               background="Retired nurse; lives alone since her husband died."),
        protocol="esketamine", weeks_ago=10, status=CourseStatus.PAUSED,
        status_reason="Travelling overseas for six weeks",
    ),
    DemoClient(
        Client(code="KAP-005", full_name="Анна Волкова", preferred_name="Anna",
               date_of_birth=date(1995, 1, 30), email="anna.v@example.org",
               prescriber="Dr Irene Kalos", diagnosis="Major depressive disorder",
               antidepressant_trials=2, background="Postgraduate student."),
        protocol="kap_sublingual_im", weeks_ago=-1,
    ),
)

_PREP = {
    "reasons": "Years of low mood that medicines have only partly lifted; wants to feel "
               "connected to family again.",
    "goals": "Return to work part-time; enjoy weekends with the children.",
    "intentions": ["Meet my sadness with curiosity", "Let myself receive care"],
    "expectations": "Hopes for relief; unsure what the experience will be like.",
    "fears": "Losing control; feeling sick.",
    "consent": ["risks", "dissociation", "blood_pressure", "fasting", "no_driving",
                "confidentiality", "questions_answered"],
    "supportive_touch": "ask_first",
    "setting": ["music", "eyeshade", "support_person", "transport_home"],
    "safety_plan": "Partner at home after sessions; crisis line numbers on the fridge.",
    "observations": "Engaged, tearful at times, good rapport.",
    "plan": "First dose next week; integration the day after.",
    "process_notes": "Noticed my own wish to rescue; bring to supervision.",
}
_DOSE = {
    "arrival_state": "Arrived on time, calm, slept well; fasted as advised.",
    "intentions_restated": ["Meet my sadness with curiosity"],
    "narrative": "\"I was floating above a lake and could see my younger self.\"",
    "observations": "Dissociation peaked around 30 minutes; settled by 60.",
    "support_given": "Grounding at 20 minutes; music changed on request.",
    "post_session_state": "Alert, oriented, steady gait; partner collected.",
    "integration_plan": "Integration session tomorrow; journal tonight.",
}
_INTEGRATION = {
    "client_account": "Described a sense of spaciousness and warmth towards her younger self.",
    "themes": [{"theme": "self-compassion", "evidence": "\"I could finally be kind to her.\""},
               {"theme": "grief", "evidence": "Tearful recalling her mother's garden."}],
    "insights": "Sadness felt bearable when approached gently.",
    "approach": ["somatic", "relational"],
    "action_plan": "Ten minutes of journalling each morning; walk with partner twice a week.",
    "risk_review": ["suicidal_ideation", "self_harm", "lingering_effects"],
    "risk_notes": "No suicidal ideation; no lingering perceptual effects.",
    "next_steps": "Next dose as planned.",
}
_VALUES: dict[SessionKind, Mapping[str, object]] = {
    SessionKind.PREPARATION: _PREP, SessionKind.DOSING: _DOSE,
    SessionKind.INTEGRATION: _INTEGRATION}
_HOURS = {SessionKind.PREPARATION: 10, SessionKind.DOSING: 9, SessionKind.INTEGRATION: 14}


def build_demo(services: Services, *, today: date | None = None,
               clinician: str = "Dr Demo Clinician") -> list[int]:
    """Fill an empty vault with the demo clients; returns their ids."""
    day = today or services.clock().date()
    ids = []
    register = DemoRegister(services, clinician)  # Schedule 8 entries when a pack is chosen
    for demo in DEMO_CLIENTS:
        client = services.clients.create(demo.client)
        assert client.id is not None
        ids.append(client.id)
        start = day - timedelta(weeks=demo.weeks_ago)
        course = services.courses.create(Course(
            client_id=client.id, protocol=demo.protocol, start_date=start,
            prescriber=demo.client.prescriber, maintenance_interval_weeks=2, dose_interval_weeks=2,
        ))
        assert course.id is not None
        record_demo_consents(services, client.id, start, day, first_client=len(ids) == 1)
        # Outcomes first: they hold the client's screen, which a dose needs before it is given.
        record_demo_outcomes(services, client.id, client.code, start, clinician=clinician)
        _hold_past_sessions(services, course.id, day, clinician, register)
        if demo.status is not CourseStatus.ACTIVE:
            services.courses.set_status(course.id, demo.status, demo.status_reason)
    register.finish(datetime.combine(day, time(8)).astimezone())
    record_demo_approvals(services, ids, day)  # when the pack lists approvals
    return ids


def _hold_past_sessions(services: Services, course_id: int, today: date, clinician: str,
                        register: DemoRegister) -> None:
    """Hold every planned slot before today (one left missed, for realism); sign most."""
    timeline = services.courses.timeline(course_id, today=today)
    last_dose: int | None = None
    missed_one = False
    for entry in timeline.entries:
        slot = entry.slot
        if slot.planned_date >= today:
            break
        if slot.kind is SessionKind.INTEGRATION and not missed_one and slot.dose_number == 3:
            missed_one = True  # about half of clients miss something; show what that looks like
            continue
        session = services.notes.create_session(
            course_id=course_id, kind=slot.kind,
            starts_at=datetime.combine(slot.planned_date, time(_HOURS[slot.kind])),
            clinician=clinician, modality=Modality.IN_PERSON,
            linked_dosing_id=last_dose if slot.kind is SessionKind.INTEGRATION else None,
            slot_id=slot.id,
        )
        assert session.id is not None
        services.notes.save_fields(session.id, _VALUES[slot.kind])
        if slot.kind is SessionKind.DOSING:
            last_dose = session.id
            record_demo_monitoring(services.monitoring, session.id, session.starts_at,
                                   clinician=clinician, n=slot.dose_number or 0)
            record_demo_events(services, session.id, session.starts_at)
        sign = slot.planned_date < today - timedelta(days=1)
        if slot.kind is SessionKind.DOSING and register.holds(session.id, sign=sign):
            continue  # entered in the register, then signed, in date order at the end
        if sign:
            services.notes.sign(session.id, signer=clinician)
