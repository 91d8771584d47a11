"""Shared data for the note-editing UI tests: a template with every field type, a course."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from kapnotes.domain.models import Client, Course, SessionKind
from kapnotes.domain.templates import Template, parse_template

ALL_TYPES: dict[str, Any] = {
    "id": "test-all-types",
    "version": 1,
    "kind": "preparation",
    "title": "Every field type",
    "fields": [
        {"id": "h_first", "type": "heading", "label": "First section"},
        {"id": "summary", "type": "short_text", "label": "Summary", "required": True,
         "help": "One line."},
        {"id": "story", "type": "long_text", "label": "Story"},
        {"id": "mood", "type": "single_choice", "label": "Mood",
         "options": ["Low", "Even", "High"]},
        {"id": "setting", "type": "single_choice", "label": "Setting",
         "options": ["Room A", "Room B", "Room C", "Room D", "Home", "Other"]},
        {"id": "approach", "type": "multi_choice", "label": "Approach",
         "options": ["Cognitive", "Somatic", "Relational"]},
        {"id": "consent", "type": "checklist", "label": "Consent", "required": True,
         "options": [{"id": "risks", "label": "Risks explained"},
                     {"id": "driving", "label": "No driving until tomorrow"}]},
        {"id": "calm", "type": "scale_0_10", "label": "Calm"},
        {"id": "dose", "type": "number", "label": "Dose", "unit": "mg", "min": 0, "max": 100},
        {"id": "arrived", "type": "time", "label": "Arrived at"},
        {"id": "next_visit", "type": "date", "label": "Next visit"},
        {"id": "steps", "type": "repeating_list", "label": "Steps"},
        {"id": "review", "type": "intentions_review", "label": "Intentions revisited"},
        {"id": "themes", "type": "themes", "label": "Themes"},
        {"id": "process", "type": "long_text", "label": "Process notes", "private": True},
    ],
}

# One plausible raw value per field, as a person would enter it.
SAMPLES: dict[str, Any] = {
    "summary": "Settled, engaged",
    "story": "Line one of a fictional account.\nLine two.",
    "mood": "Even",
    "setting": "Home",
    "approach": ["Cognitive", "Relational"],
    "consent": ["risks", "driving"],
    "calm": 7,
    "dose": 56,
    "arrived": "09:30",
    "next_visit": "2026-12-01",
    "steps": ["Walk daily", "Journal"],
    "review": [{"intention_id": 1, "progress": 6, "note": "More patient"}],
    "themes": [{"theme": "Belonging", "evidence": "Spoke of the choir"}],
    "process": "My own fictional reflection.",
}


def all_types_template(services: Any) -> Template:
    template = parse_template(ALL_TYPES, "test-all-types.json", source="test-all-types.json")
    services.templates.add(template)
    return template


def make_course(services: Any, *, code: str = "ZZ-101", name: str = "Robin Fictional",
                title: str = "First course") -> int:
    client = services.clients.create(Client(code=code, full_name=name))
    course = services.courses.create(Course(client_id=client.id, protocol="kap_sublingual_im",
                                            start_date=date(2026, 11, 2), title=title))
    return int(course.id)


def new_session(services: Any, course_id: int, kind: SessionKind = SessionKind.PREPARATION,
                **kw: Any) -> Any:
    return services.notes.create_session(course_id=course_id, kind=kind,
                                         starts_at=datetime(2026, 11, 20, 9, 30), **kw)
