"""Which rating scale a course expects next, so the measure dialog opens on it.

Per session kind, the scales in the order a KAP course usually takes them (docs/DOMAIN.md,
rating scales): a dosing session's dissociation (CADSS) is rated during or right after the
dose, then mood; an integration session reviews the outcome measure (PHQ-9) and, a day or so
after a dose, the emotional breakthrough (EBI); preparation and unlinked measures are the
course's outcome and baseline scales. The first of these not yet recorded for that session
(or, unlinked, on that day) is the one expected; when all are there, the first again.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

EXPECTED_ORDER: dict[str | None, tuple[str, ...]] = {
    "dosing": ("cadss", "phq9", "meq30"),
    "integration": ("phq9", "ebi", "gad7"),
    "preparation": ("phq9", "gad7", "cssrs_screen"),
    None: ("phq9", "gad7"),
}


def expected_scale(session_kind: str | None, recorded: Collection[str],
                   available: Sequence[str]) -> str | None:
    """The scale id to start on; None only when no scale is available at all."""
    order = [s for s in EXPECTED_ORDER.get(session_kind, EXPECTED_ORDER[None]) if s in available]
    for scale_id in order:
        if scale_id not in recorded:
            return scale_id
    if order:
        return order[0]
    return available[0] if available else None
