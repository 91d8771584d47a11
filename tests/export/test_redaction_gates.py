"""The redactor skips a rule's regex when the text lacks what every match of the rule holds
(export/redaction_gates.py `Rule`: `needs`, `digits`, `any_of`, `gate`: a phone's digits, "@",
the year's last two digits, a name's stem …). Those gates only save time: with every gate
removed the same texts give the same output and the same counts, for identifiers typed every
which way, texts that hold none, and look-alike characters (full-width and other digits,
accents, other scripts)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from kapnotes.domain.models import Client
from kapnotes.export.redaction import NOTHING_FOUND, Redactor, fold
from kapnotes.export.redaction_gates import Gates
from tests.export.test_deidentify_variants import ALL, COURSE_PRESCRIBER, HUONG, SOFIA

PLAIN = Client(code="KAP-9", full_name="Al Bo", preferred_name="J", phone="12345",
               date_of_birth=date(2005, 1, 2), address="Unit 4, 9 The Strand",
               email="al@bo", support_person="Dr X")

AROUND = [
    "", "—", "Calm, settled; breathing slow.", "BP 128/82, HR 71, SpO2 98 %",
    "Seen 02/01/05 and 2.1.2005; next 2 Jan 05.", "Dose 0.5 mg/kg at 10:42; 1234 5678",
    "Ring ０４１２ ３４５ ６７８ or ٠٤١٢٣٤٥٦٧٨ or 0412 345 678½", "mail: a@b, +", "+ 61",
    "Strand street, unit four", "the strand", "AB. A.B. a.b. AL BO al bo", "Ｊ J. j",
    "Quenby\u0301 Crescent", "Σοφίαs ΣΟΦΊΑ σοφια", "Hương's sister", "N.T.H.! Z Q",
    "Dr X saw J", "Olwen’s notes", "1979", "79", "23/07/1979", "7/23/79", "0398765432",
]


def _texts() -> list[str]:
    out = list(AROUND)
    for _, value in ALL:
        out += [value, f"Seen: {value}.", f"({value})", f"{value}{value}", value.upper(),
                f"x{value}y"]
    return out


def _ungated(redactor: Redactor) -> Redactor:
    bare = Redactor([], enabled=redactor.enabled)
    bare._rules = [dataclasses.replace(r, needs=(), digits=0, any_of=(), gate="")
                   for r in redactor._rules]
    return bare


@pytest.mark.parametrize("clients", [[HUONG], [SOFIA], [HUONG, SOFIA], [PLAIN]],
                         ids=["huong", "sofia", "both", "plain"])
def test_gated_rules_scrub_as_every_rule_run_everywhere(clients: list[Client]) -> None:
    gated = Redactor(clients, clinicians=[COURSE_PRESCRIBER])
    ungated = _ungated(gated)
    assert any(r.needs or r.digits or r.any_of for r in gated._rules)
    texts = _texts()
    assert [gated.scrub(t) for t in texts] == [ungated.scrub(t) for t in texts]
    assert gated.counts == ungated.counts and sum(gated.counts.values()) > 100


def test_each_rule_alone_finds_the_same_with_its_gate() -> None:
    # Rule by rule: in the whole redactor an earlier rule's match could hide a later one's.
    gated = Redactor([HUONG, SOFIA, PLAIN], clinicians=[COURSE_PRESCRIBER])
    texts = _texts()
    matched = []
    for rule in gated._rules:
        alone, bare = Redactor([]), Redactor([])
        alone._rules = [rule]
        bare._rules = [dataclasses.replace(rule, needs=(), digits=0, any_of=(), gate="")]
        found = [alone.scrub(t) for t in texts]
        assert found == [bare.scrub(t) for t in texts], rule.pattern.pattern
        if any(counts for _, counts in found):
            matched.append(rule)
    # Gates of every kind were met by texts their rule matched, not only by texts it skips.
    assert any(r.needs for r in matched) and any(r.digits > 1 for r in matched)
    assert any(r.any_of for r in matched) and any(not r.on_folded for r in matched)
    assert any(r.gate for r in matched)


# Texts whose ends, joined, would spell a client's name, phone or initials (the batch joins
# a report's texts with NUL between them: no gate may match across it).
_SPLIT = ["Olw", "en", "Hươ", "ng", "04", "12 345 678", "V.", "O.", "x\x00y", "\x00", "So", "fia"]


@pytest.mark.parametrize("clients", [[HUONG], [SOFIA], [HUONG, SOFIA], [PLAIN]],
                         ids=["huong", "sofia", "both", "plain"])
def test_all_texts_at_once_shut_what_each_shuts_alone(clients: list[Client]) -> None:
    # `Redactor.unchanged` (a course summary's texts in one search per gate) says of each
    # text what its gates say of it alone, in any order and next to any other text; and no
    # text `scrub` changes is ever called unchanged.
    redactor = Redactor(clients, clinicians=[COURSE_PRESCRIBER])
    gates_ = redactor._current_gates()
    assert gates_ is not None
    texts = _texts() + _SPLIT
    for order in (texts, texts[::-1], sorted(texts)):
        alone = [not t or gates_.shut(t, fold(t)[0]) for t in order]
        assert redactor.unchanged(order) == alone
        for text, unchanged in zip(order, alone, strict=True):
            if unchanged:
                assert redactor.scrub(text, count=False) == (text, NOTHING_FOUND)
    assert not all(alone) and any(alone)


def test_all_texts_at_once_count_digits_as_each_alone() -> None:
    # A redactor whose gate is a number of digits (a rule with nothing else to go by).
    gates_ = Gates((), 3)
    texts = ["12", "1 2 3", "", "٠١٢", "a1b2", "x\x00" "12", "3", "2026-12-05", "½¾"]
    folded = [fold(t)[0] for t in texts]
    assert gates_.shut_all(texts, folded) == [gates_.shut(t, f) for t, f in
                                               zip(texts, folded, strict=True)]
    assert gates_.shut_all([], []) == []
