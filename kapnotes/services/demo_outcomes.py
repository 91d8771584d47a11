"""Fictional screens and PHQ-9 scores for the demo vault, so its client pages show outcomes:
one client responds and remits, one responds then relapses with a self-harm item (risk flag),
one has only a baseline. Every value is invented."""

from __future__ import annotations

from datetime import date, timedelta

from kapnotes.domain.screening import Answer, Screen, ScreenAnswer, ScreenItem
from kapnotes.services.container import Services

# PHQ-9 totals week by week (week 0 = the baseline, a week before the first dose).
_STORIES: dict[str, tuple[int, ...]] = {
    "KAP-001": (19, 15, 11, 8, 4),           # response, then remission (< 5)
    "KAP-002": (22, 16, 10, 9, 14, 17),      # response, then relapse
    "KAP-003": (18,),                        # baseline only, course just begun
    "KAP-004": (16, 12, 9, 7, 6, 8, 9, 9, 10, 9, 11),
}
_SELF_HARM_AT_END = {"KAP-002"}  # the latest PHQ-9 has item 9 > 0: a visible risk flag


def phq9_answers(total: int, *, item9: int = 0) -> dict[str, int]:
    """Nine item scores (0–3) adding up to `total`, spread evenly, item 9 as given."""
    rest = total - item9
    answers = {str(i): 0 for i in range(1, 9)}
    for i in range(rest):
        key = str(i % 8 + 1)
        answers[key] = min(3, answers[key] + 1)
    answers["9"] = item9
    return answers


def record_demo_outcomes(services: Services, client_id: int, code: str, first_dose: date,
                         *, clinician: str) -> None:
    today = services.clock().date()
    screened_on = min(first_dose - timedelta(days=10), today)
    services.monitoring.save_screen(client_id, Screen(
        screened_on=screened_on,
        answers=tuple(ScreenAnswer(item, Answer.NO) for item in ScreenItem),
    ), screened_by=clinician)
    story = _STORIES.get(code, ())
    for week, total in enumerate(story):
        # Baseline a week before the first dose; then a few days after each week's dose.
        taken = first_dose - timedelta(days=7) + timedelta(weeks=week, days=3 if week else 0)
        if taken > today:
            break
        last = week == len(story) - 1
        item9 = 1 if last and code in _SELF_HARM_AT_END else 0
        services.measures.enter(client_id=client_id, scale_id="phq9", taken_on=taken,
                                answers=phq9_answers(total, item9=item9))
