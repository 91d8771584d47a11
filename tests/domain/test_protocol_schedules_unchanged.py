"""Every built-in protocol plans exactly what it planned before protocols became data files.

The expected plans and errors were recorded from the hard-coded protocols
(tests/domain/protocol_cases.py, tests/domain/data/protocol_schedules.json): 500-odd cases
over each protocol's parameters, preparation and integration placement, and refused values.
"""

from __future__ import annotations

import json

from tests.domain.protocol_cases import GOLDEN, cases, outcome


def test_every_recorded_case_plans_the_same() -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    found = {key: outcome(protocol, kwargs) for key, protocol, kwargs in cases()}
    assert set(found) == set(expected)
    changed = [key for key in expected if found[key] != expected[key]]
    assert changed == [], f"{len(changed)} plans changed, first: {changed[0]}: " \
                          f"{found[changed[0]]} != {expected[changed[0]]}"


def test_the_recording_covers_plans_and_errors_of_every_protocol() -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    for protocol in ("esketamine", "iv_ketamine", "kap_sublingual_im", "custom"):
        mine = [v for k, v in expected.items() if k.startswith(protocol + " ")]
        assert any("plan" in v and v["plan"] for v in mine), protocol
        assert any("error" in v for v in mine), protocol
