"""The cheap tests that let the redactor (export/redaction.py) skip its regexes: what every
match of a rule holds (a substring, a stem, so many digits, a smaller pattern), and one search
per text over all of them. Of a course PDF's ~1,650 texts, all but a dozen stop here.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Rule:
    """One pattern of the redactor and its mark. `needs` (substrings), `digits` (at least so
    many digits), `any_of` and `gate` are what every match of the pattern holds: a text
    without them cannot match, so the regex is not run on it (most texts of a report hold no
    phone number, no "@", no client's address word, no client's name)."""

    pattern: re.Pattern[str]
    mark: str
    on_folded: bool = True
    needs: tuple[str, ...] = ()
    digits: int = 0  # of the folded text (`\d`)
    any_of: tuple[str, ...] = ()  # at least one of these (the stems of names)
    gate: str = ""  # a pattern whose match every match holds (a phone's last four digits)


@dataclass(frozen=True)
class Gates:
    """What no rule can match without: one of `searches` finds something (in the folded text,
    or the text as typed), or the folded text holds at least `digits` digits."""

    searches: tuple[tuple[bool, re.Pattern[str]], ...]
    digits: int

    def shut(self, text: str, haystack: str) -> bool:
        """True when no rule can match `text` (folded: `haystack`)."""
        for on_folded, gate in self.searches:  # a loop, not any(…): ~1,650 texts a course
            if gate.search(haystack if on_folded else text):
                return False
        # No rule gated on digits (the usual case): no list of every digit of every text.
        return self.digits == sys.maxsize or len(DIGIT.findall(haystack)) < self.digits

    def shut_all(self, texts: Sequence[str], haystacks: Sequence[str]) -> list[bool]:
        """`shut(text, haystack)` for each pair, from one search per gate of all the texts
        joined (a course summary's ~1,650 distinct texts: a call each cost more than the
        searches). A gate is a literal or a pattern without anchors, look-arounds or word
        boundaries (`gates` makes no other), so whether it matches inside a text does not
        depend on what is joined around it; a match opens every text it touches, so one
        across a join opens too many texts, never too few."""
        if not texts:
            return []
        opened = [False] * len(texts)

        def found(at: list[int], start: int, end: int) -> int:
            """Opens the texts a match from `start` to `end` touches; where to search on: the
            next text (the rest of an opened one need not be searched), -1 after the last."""
            first = bisect_right(at, start) - 1
            last = bisect_right(at, max(end - 1, start)) - 1
            for i in range(first, last + 1):
                opened[i] = True
            return at[last + 1] if last + 1 < len(at) else -1

        sides = {True: (_JOIN.join(haystacks), _starts(haystacks)),
                 False: (_JOIN.join(texts), _starts(texts))}
        for on_folded, gate in self.searches:
            source, at = sides[on_folded]
            pos = 0
            while pos >= 0 and (match := gate.search(source, pos)) is not None:
                pos = found(at, match.start(), match.end())
        if self.digits != sys.maxsize:
            for i, haystack in enumerate(haystacks):
                if not opened[i] and len(DIGIT.findall(haystack)) >= self.digits:
                    opened[i] = True
        return [not o for o in opened]


_JOIN = "\x00"  # between joined texts (no gate matches it)


def _starts(texts: Sequence[str]) -> list[int]:
    """Where each of `texts` starts when they are joined by `_JOIN`."""
    if not texts:
        return []
    return list(accumulate([len(text) + 1 for text in texts[:-1]], initial=0))


def gates(rules: Sequence[Rule]) -> Gates | None:
    """For each rule one thing its every match holds: its gate pattern, else a needed
    substring (the longest, a sign like "+", the rarest capital), else its digits when it
    needs several, else a stem of a name. None when some rule holds nothing known (then
    every rule is run on every text)."""
    alternatives: dict[bool, set[str]] = {}
    digits = sys.maxsize
    for rule in rules:
        longest = max(rule.needs, key=_rareness, default="")
        if rule.gate:
            alternatives.setdefault(rule.on_folded, set()).add(rule.gate)
        elif len(longest) > 1 or (longest and not longest.isdigit()):
            alternatives.setdefault(rule.on_folded, set()).add(re.escape(longest))
        elif rule.digits > 1 and rule.on_folded:
            digits = min(digits, rule.digits)
        elif longest or rule.any_of:
            alternatives.setdefault(rule.on_folded, set()).update(
                re.escape(part) for part in ((longest,) if longest else rule.any_of))
        elif rule.digits and rule.on_folded:
            alternatives.setdefault(True, set()).add(r"\d")
        else:
            return None
    return Gates(tuple((on_folded, re.compile("|".join(sorted(parts))))
                        for on_folded, parts in alternatives.items()), digits)


_BY_USE = "ETAOINSHRDLCUMWFGYPBVKJXQZ"  # capitals, the most used in English first


def _rareness(part: str) -> tuple[int, int]:
    """Longer first, then the rarer capital ("V" of "V.O."): the gate lets fewer texts by."""
    return len(part), _BY_USE.find(part.upper())
