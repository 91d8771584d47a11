"""The demo vault's consent set and in-session event logs (all fictional): every client signs
KAP informed consent and the chaperone/transport consent before their first dose; the first
client also consents to supportive touch and to recording, and later withdraws the recording
consent; each demo dosing session has an event log (dose, music, a moment of distress and the
intervention, what the client spoke of, and, under its consent, supportive touch)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from kapnotes.domain.consents import TOUCH, add_months
from kapnotes.services.container import Services

_EVERYONE = ("kap_informed", "chaperone_transport")
_FIRST_CLIENT_ALSO = (TOUCH, "recording")


def record_demo_consents(services: Services, client_id: int, first_dose: date, today: date,
                         *, first_client: bool) -> None:
    signed = min(first_dose - timedelta(days=14), today, services.clock().date())
    # Reviewed often enough that the demo's whole course falls inside the consent.
    review = max(add_months(signed, 12), today + timedelta(days=90))
    for template_id in _EVERYONE + (_FIRST_CLIENT_ALSO if first_client else ()):
        services.consents.record(client_id, template_id, signed_on=signed, review_on=review)
    if first_client:
        recording = next(r for r in services.consents.for_client(client_id)
                         if r.template_id == "recording")
        services.consents.withdraw(recording.id, on=min(signed + timedelta(days=10), today),
                                   reason="Prefers sessions not to be recorded")


def record_demo_events(services: Services, session_id: int, starts_at: datetime) -> None:
    """A plausible timeline, from the first device (15 minutes after the session starts)."""
    first = starts_at + timedelta(minutes=15)
    entries = [(0, "dose_given", "First device, both nostrils"),
               (5, "dose_given", "Second device"),
               (12, "music_change", "Moved to the slower playlist"),
               (33, "distress", "Brief tearfulness, breathing quickened"),
               (35, "intervention", "Grounding: feet on the floor, slow breaths"),
               (40, "vitals_taken", ""),
               (70, "client_spoke", "A childhood garden")]
    if services.consents.touch_consent_line(session_id).startswith("Under"):
        entries.append((36, TOUCH, "Hand on shoulder, as agreed"))
    for minutes, kind, text in entries:
        services.events.add(session_id, kind, text=text, at=first + timedelta(minutes=minutes))
