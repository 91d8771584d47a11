"""The demo vault's consent set and event logs (issue 19): every client holds KAP informed
consent before their first dose, the first client a touch consent and a withdrawn recording
consent, each demo dosing session an event log in time order, and the demo notes still sign
(no reason asked: informed consent is current)."""

from __future__ import annotations

from datetime import date

from kapnotes.domain.consents import ConsentState
from kapnotes.domain.models import SessionKind
from kapnotes.services.demo import build_demo

TODAY = date(2026, 11, 30)


def test_the_demo_has_a_consent_set_and_event_logs(services: object) -> None:
    ids = build_demo(services, today=TODAY)
    for client_id in ids:
        held = {r.template_id for r in services.consents.in_force(client_id, TODAY)}
        assert {"kap_informed", "chaperone_transport"} <= held
    first = {r.template_id: r for r in services.consents.for_client(ids[0])}
    assert first["touch"].in_force(TODAY)
    assert first["recording"].state(TODAY) is ConsentState.WITHDRAWN
    doses = [s for cid in ids for c in services.courses.for_client(cid)
             for s in services.notes.sessions_for_course(c.id) if s.kind is SessionKind.DOSING]
    assert doses and all(services.events.events(s.id) for s in doses)
    log = services.events.events(doses[0].id)
    assert [e.at for e in log] == sorted(e.at for e in log)
    assert "touch" in {e.kind for e in log}  # the first client's, under the touch consent
    signed = [s for s in doses if s.signed]
    assert signed and all(s.sign_reason == "" for s in signed)
