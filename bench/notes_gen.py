"""Note field values per template kind, with the search text the note service would store."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from bench.phrases import INTENTIONS, THEMES, Writer
from kapnotes.domain.templates import FieldType, Template, display_text, validate_value

CONSENT = ["risks", "dissociation", "blood_pressure", "fasting", "no_driving",
           "confidentiality", "questions_answered"]
SETTING = ["music", "eyeshade", "support_person", "transport_home"]
APPROACHES = ["cognitive", "somatic", "transpersonal", "relational", "other"]
RISK = ["suicidal_ideation", "self_harm", "substance_use", "lingering_effects", "safety_plan"]


def course_intentions(w: Writer) -> list[str]:
    count = 2 + w.rng.randrange(2)
    return w.rng.sample(INTENTIONS, count)


def preparation(w: Writer, intentions: Sequence[str]) -> dict[str, Any]:
    return {
        "reasons": w.arrival() + " " + w.insight(),
        "goals": w.plan(),
        "intentions": list(intentions),
        "expectations": w.account(),
        "fears": w.observations(),
        "consent": list(CONSENT),
        "supportive_touch": w.pick(("yes", "ask_first", "no")),
        "setting": w.rng.sample(SETTING, 2 + w.rng.randrange(3)),
        "safety_plan": w.plan(),
        "observations": w.observations(),
        "plan": w.plan(),
        "process_notes": w.process(),
    }


def dosing(w: Writer, intentions: Sequence[str]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "arrival_state": w.arrival(),
        "intentions_restated": [intentions[0]] if intentions else [],
        "narrative": w.narrative(),
        "observations": w.observations(),
        "support_given": w.support(),
        "post_session_state": w.after(),
        "integration_plan": w.plan(),
    }
    if w.rng.random() < 0.3:
        values["process_notes"] = w.process()
    return values


def integration(w: Writer, intention_ids: Sequence[int]) -> dict[str, Any]:
    reviews = [{"intention_id": i, "progress": w.rng.randrange(3, 10), "note": w.insight()}
               for i in intention_ids]
    themes = [{"theme": t, "evidence": w.account()}
              for t in w.rng.sample(THEMES, 1 + w.rng.randrange(3))]
    return {
        "client_account": w.account() + " " + w.narrative(),
        "intentions_review": reviews,
        "themes": themes,
        "insights": w.insight(),
        "approach": w.rng.sample(APPROACHES, 1 + w.rng.randrange(2)),
        "action_plan": w.plan(),
        "risk_review": w.rng.sample(RISK, 2 + w.rng.randrange(3)),
        "risk_notes": "No suicidal ideation; no lingering perceptual effects.",
        "next_steps": w.plan(),
    }


def field_rows(template: Template, session_id: int, values: dict[str, Any],
               stamp: str) -> Iterator[tuple[int, str, str, str, str]]:
    """session_fields rows exactly as `NoteService.save_fields` writes them."""
    for field_id, value in values.items():
        field = template.field(field_id)
        if field is None or field.type is FieldType.HEADING:
            raise ValueError(f"{field_id} is not a field of {template.id}")
        clean = validate_value(field, value)
        yield (session_id, field_id, json.dumps(clean, ensure_ascii=False),
               display_text(field, clean), stamp)
