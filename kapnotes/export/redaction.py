"""De-identification of free text: the client's known details, however they were typed.

What a therapist types rarely matches the record letter for letter: "Nguyen Thi Huong" for
"Nguyễn Thị Hương", "ΣΟΦΙΑ" or the genitive "Σοφίας" for "Σοφία", "Z.Q." for Zhang Qing,
23.07.79 or "July 23rd, 1979" for a date of birth, +61 412 345 678 for 0412 345 678. So:

- text and terms are compared after folding (accents removed, case folded, ß → ss, đ → d),
  and positions are mapped back so the original text is what gets replaced;
- names (full, preferred, support person's, and the family members' names and nicknames
  recorded as the client's other names) match by token (each part of a name alone); a part
  of six letters or more also with its last two letters changed (Γιώργος → Γιώργου), one of
  five ending in a vowel with its last letter changed (Σοφία → Σοφίας), one of four with up
  to two letters added (inflections); words in brackets ("(mother)") are not names;
- initials of the client's names match in capitals, with or without dots ("Z.Q.", "ZQ");
- the date of birth matches day/month/year in any order of the usual forms, 2- or 4-digit
  year, month as a number or a name, ordinals ("23rd of July"), any of - / . or spaces;
- the client's and support person's phones match on their last eight digits whatever comes
  before (+61, (0), spaces); any number in +CC form, any 10-digit 0X… number and any email
  address are treated as contact details too;
- the address matches whole and by its distinctive parts (street and suburb names, postcode);
- the referring clinician's and prescribers' names are replaced by [clinician].

Over-redaction is the safe side: a client called Hope also loses the word "hope".
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

from kapnotes.domain.models import Client
from kapnotes.export.redaction_gates import DIGIT, Gates, Rule, gates

NAME_MARK = "[name]"
CONTACT_MARK = "[contact]"
DATE_MARK = "[date]"
CLINICIAN_MARK = "[clinician]"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
KIND_OF_MARK = {NAME_MARK: "name", CONTACT_MARK: "contact detail", DATE_MARK: "date of birth",
                CLINICIAN_MARK: "clinician name"}
_EXTRA_FOLDS = str.maketrans({"đ": "d", "ð": "d", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe",
                              "ı": "i", "þ": "th", "ħ": "h"})
_HONORIFICS = {"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "a/prof", "assoc", "sir", "dame"}
_ADDRESS_WORDS = {
    "street", "st", "road", "rd", "avenue", "ave", "av", "drive", "dr", "place", "pl", "court",
    "ct", "lane", "ln", "crescent", "cres", "terrace", "tce", "highway", "hwy", "parade",
    "pde", "boulevard", "blvd", "way", "close", "cl", "circuit", "cct", "grove", "gr", "unit",
    "apt", "apartment", "flat", "level", "floor", "suite", "po", "box", "north", "south",
    "east", "west", "vic", "nsw", "qld", "tas", "act", "wa", "sa", "nt", "the", "and", "of",
    "upper", "lower", "new", "old", "saint",
}
_STREET_TYPES = (("street", "st"), ("road", "rd"), ("avenue", "ave", "av"), ("drive", "dr"),
                 ("place", "pl"), ("court", "ct"), ("lane", "ln"), ("crescent", "cres"),
                 ("terrace", "tce"), ("highway", "hwy"), ("parade", "pde"),
                 ("boulevard", "blvd"), ("close", "cl"), ("circuit", "cct"), ("grove", "gr"))
# Two-letter words too common to replace alone (a name "Bé Lan" is still replaced whole).
_SHORT_WORDS = {"an", "as", "at", "be", "by", "do", "go", "he", "if", "in", "is", "it", "me",
                "my", "no", "of", "oh", "ok", "on", "or", "so", "to", "up", "us", "we"}
_VOWELS = set("aeiouyαεηιουω")
_SEP = r"[\s\-.()/]*"
_WORD = r"[^\W_]"


def fold(text: str) -> tuple[str, Sequence[int]]:
    """`text` folded for matching, and for each folded character its index in `text`."""
    if text.isascii():  # the common case, and a 1 MB note must not take seconds
        return text.lower(), range(len(text))  # one to one: no list of every index
    chars = set(text)
    rest = chars - _LOWERED_ALIKE
    if all(map(_lowered_alike, rest)):  # "—", "·", "›": lower() folds the rest (ASCII)
        return text.lower(), range(len(text))
    folds = {ch: _fold_char(ch) for ch in chars}
    if all(len(f) == 1 for f in folds.values()):  # "—", "é" → "e": still one to one
        return text.translate({ord(ch): f for ch, f in folds.items() if f != ch}), \
            range(len(text))
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        f = folds[ch]
        out.append(f)
        where.extend([i] * len(f))
    return "".join(out), where


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """One character folded: accents dropped, case folded, look-alike letters merged."""
    base = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in base if not unicodedata.combining(c)).casefold().translate(
        _EXTRA_FOLDS)


# Characters that `str.lower` turns into their folding, one for one and whatever surrounds
# them: ASCII, and other characters both leave as they are (punctuation, symbols, CJK …; not
# "Σ", which lower() makes "ς" at a word's end). Grows with those met, up to a bound.
_LOWERED_ALIKE: set[str] = {chr(i) for i in range(128)}
_MAX_LOWERED_ALIKE = 4096


def _lowered_alike(ch: str) -> bool:
    alike = ch.lower() == ch and _fold_char(ch) == ch
    if alike and len(_LOWERED_ALIKE) < _MAX_LOWERED_ALIKE:
        _LOWERED_ALIKE.add(ch)
    return alike


def folded(text: str) -> str:
    return fold(text)[0]


def name_tokens(text: str) -> list[str]:
    """The words of a name (folded), without honorifics and single letters."""
    words = re.findall(rf"{_WORD}[\w'’]*", folded(re.sub(r"\([^)]*\)", " ", text)))
    return [w for w in words if len(w) > 1 and w not in _HONORIFICS | _SHORT_WORDS]


def _token_stem(token: str) -> tuple[str, str]:
    """(the letters a match of the token starts with, the pattern of what may follow)."""
    if len(token) >= 6:  # Γιώργος → Γιώργου, Papadopoulos → Papadopoulou
        return token[:-2], r"\w{0,4}"
    if len(token) >= 5 and token[-1] in _VOWELS:
        return token[:-1], r"\w{0,3}"
    if len(token) >= 4:
        return token, r"\w{0,2}"
    return token, ""


def _token_pattern(token: str) -> str:
    stem, rest = _token_stem(token)
    return re.escape(stem) + rest


def _dob_pattern(dob: dt.date) -> str:
    d = rf"(?:0?{dob.day})(?:st|nd|rd|th)?" if dob.day < 10 else rf"{dob.day}(?:st|nd|rd|th)?"
    m = rf"0?{dob.month}" if dob.month < 10 else str(dob.month)
    y = rf"(?:{dob.year}|{dob.year % 100:02d})"
    full = folded(MONTHS[dob.month - 1])
    sept = r"|sept\.?" if dob.month == 9 else ""
    mon = rf"(?:{full}|{full[:3]}\.?{sept})"
    sep = r"\s*[-/.\s]\s*"
    gap = r"[\s,.\-/]*"
    forms = [
        rf"{d}{sep}{m}{sep}{y}", rf"{m}{sep}{d}{sep}{y}", rf"{dob.year}{sep}{m}{sep}{d}",
        rf"{d}{gap}(?:of\s+)?{mon}{gap}{y}", rf"{mon}{gap}(?:the\s+)?{d}{gap}{y}",
        rf"{dob.day:02d}{dob.month:02d}{dob.year}", rf"{dob.year}{dob.month:02d}{dob.day:02d}",
    ]
    return rf"(?<![\w]){'(?:' + '|'.join(forms) + ')'}(?!\d)"


def _phone_pattern(phone: str) -> str | None:
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 6:
        return None
    core = digits[-8:]
    # Whatever was typed before the last eight digits: a country code, a trunk 0, an area.
    return rf"(?<![\w+])(?:[+(]?(?:\d{_SEP}){{0,5}})?{_SEP.join(core)}(?!\d)"


def _address_patterns(address: str) -> list[tuple[str, tuple[str, ...]]]:
    """(pattern, the words any match must hold) for each part of an address."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for part in re.split(r"[,\n;]", address):
        words = re.findall(r"\w+", folded(part))
        if not words:
            continue
        alts, plain = [], []
        for w in words:
            group = next((g for g in _STREET_TYPES if w in g), None)
            alts.append(rf"(?:{'|'.join(group)})\.?" if group else re.escape(w))
            if not group:
                plain.append(w)
        out.append((r"(?<!\w)" + r"[\s,.]+".join(alts) + r"(?!\w)", tuple(plain)))
        for w in words:  # distinctive parts alone: street and suburb names, postcodes
            if (w.isdigit() and len(w) >= 4) or (w.isalpha() and len(w) >= 4
                                                 and w not in _ADDRESS_WORDS):
                out.append((rf"(?<!\w){re.escape(w)}(?!\w)", (w,)))
    return out


def _initials_patterns(names: Iterable[str]) -> list[tuple[str, tuple[str, ...]]]:
    """(pattern, the capitals any match must hold) for each run of initials."""
    out: dict[str, tuple[str, ...]] = {}
    for name in names:
        letters = [w[0].upper() for w in re.findall(r"[^\W\d_][\w'’-]*", name)
                   if w.casefold().strip(".") not in _HONORIFICS]
        letters = [folded(ch).upper()[:1] or ch for ch in letters]
        runs = {tuple(letters)}
        if len(letters) >= 2:  # first and last either way round (family name first or last)
            runs |= {(letters[0], letters[-1]), (letters[-1], letters[0])}
        for run in runs:
            if len(run) >= 2:
                out[r"\.?\s?".join(re.escape(ch) for ch in run) + r"\.?"] = run
    return [(rf"(?<![\w.]){p}(?![\w])", out[p]) for p in sorted(out, key=len, reverse=True)]


# (pattern, what any match must hold, how many digits any match holds at least, a pattern
# any match holds a match of: "" when `needs` says enough)
_GENERIC_CONTACT = (
    (r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", ("@",), 0, ""),  # any email address
    (rf"(?<![\w+])\+\s?\d{{1,3}}(?:{_SEP}\d){{6,12}}(?!\d)", ("+",), 7, ""),  # any +CC phone
    (rf"(?<![\w.])0\d(?:{_SEP}\d){{8}}(?!\d)", ("0",), 10,  # any 10-digit 0X… (AU style)
     rf"0\d(?:{_SEP}\d){{8}}"),
)


class Redactor:
    """Replaces the known identifying details of some clients in free text.

    `clinicians` adds names to replace by [clinician] (e.g. a course's prescriber).
    `counts` tallies what was replaced, by mark, over every call (never the values).
    """

    def __init__(self, clients: Iterable[Client] = (), *, enabled: bool = True,
                 clinicians: Iterable[str] = ()) -> None:
        self.enabled = enabled
        self.counts: Counter[str] = Counter()
        names: set[str] = set()
        whole_names: set[str] = set()
        clinician_names: set[str] = {c for c in clinicians if c.strip()}
        contacts: list[tuple[str, tuple[str, ...], int, str]] = []
        dates: list[tuple[str, tuple[str, ...], int, str]] = []
        initials_from: list[str] = []
        for c in clients:
            others = [n.strip() for n in re.split(r"[,;\n]", re.sub(r"\([^)]*\)", "",
                                                                  c.other_names)) if n.strip()]
            for whole in (c.full_name, c.preferred_name, c.support_person, *others):
                if whole.strip():
                    whole_names.add(folded(whole.strip()))
                    names.update(name_tokens(whole))
            initials_from += [n for n in (c.full_name, c.support_person, *others) if n.strip()]
            clinician_names.update(n for n in (c.referring_clinician, c.prescriber) if n.strip())
            for literal in (c.email.strip(), c.address.strip()):
                if literal:
                    contacts.append((re.escape(folded(literal)), (folded(literal),), 0, ""))
            if c.address.strip():
                contacts += [(p, needs, 0, "") for p, needs in _address_patterns(c.address)]
            for phone in (c.phone, c.support_phone):
                pattern = _phone_pattern(phone)
                if pattern:  # its last (up to) eight digits are literals of the pattern
                    core = re.sub(r"\D", "", phone)[-8:]
                    contacts.append((pattern, tuple(sorted(set(core))), len(core),
                                     _SEP.join(core[-4:])))
            if c.date_of_birth is not None:  # every form holds the year's last two digits
                dates.append((_dob_pattern(c.date_of_birth),
                              (str(c.date_of_birth.year)[-2:],), 1, ""))
        clinician_tokens = {t for n in clinician_names for t in name_tokens(n)} - names
        self._rules: list[Rule] = []
        # Contacts first: an email address often holds the name, an address a street name.
        for body, needs, digits, gate in [*contacts, *_GENERIC_CONTACT]:
            self._rules.append(Rule(re.compile(body), CONTACT_MARK, needs=needs, digits=digits,
                                     gate=gate))
        for body, needs, digits, gate in dates:
            self._rules.append(Rule(re.compile(body), DATE_MARK, needs=needs, digits=digits,
                                     gate=gate))
        if whole_names or names:
            terms = [re.escape(n) for n in sorted(whole_names, key=len, reverse=True)]
            terms += [_token_pattern(t) for t in sorted(names, key=len, reverse=True)]
            stems = {*whole_names, *(_token_stem(t)[0] for t in names)}
            self._rules.append(Rule(re.compile(rf"(?<!\w)(?:{'|'.join(terms)})(?!\w)"),
                                     NAME_MARK, any_of=tuple(sorted(stems))))
        for body, letters in _initials_patterns(initials_from):
            self._rules.append(Rule(re.compile(body), NAME_MARK, on_folded=False,
                                     needs=letters))
        if clinician_tokens:
            terms = [_token_pattern(t) for t in sorted(clinician_tokens, key=len, reverse=True)]
            self._rules.append(Rule(re.compile(rf"(?<!\w)(?:{'|'.join(terms)})(?!\w)"),
                                     CLINICIAN_MARK, any_of=tuple(sorted(
                                         {_token_stem(t)[0] for t in clinician_tokens}))))

        self._gated: list[Rule] | None = None  # the rules `_gates` was made for
        self._gates: Gates | None = None

    def __call__(self, text: str) -> str:
        return self.scrub(text)[0]

    def _current_gates(self) -> Gates | None:
        """The gates of the rules now in force (made again when the rules were replaced)."""
        if self._gated is not self._rules:
            self._gated, self._gates = self._rules, gates(self._rules)
        return self._gates

    def unchanged(self, texts: Sequence[str]) -> list[bool]:
        """For each of `texts`, True when `scrub` returns it as it is with `NOTHING_FOUND`
        by its gates alone (`Gates.shut_all`: all the texts at once); False: `scrub` it."""
        if not self.enabled:
            return [True] * len(texts)
        found_gates = self._current_gates()
        if found_gates is None:
            return [not text for text in texts]
        # `fold`'s own first case written out: most texts are ASCII (~1,400 a course).
        haystacks = [text.lower() if text.isascii() else fold(text)[0] for text in texts]
        return [shut or not text for text, shut in
                zip(texts, found_gates.shut_all(texts, haystacks), strict=True)]

    def scrub(self, text: str, *, count: bool = True) -> tuple[str, Counter[str]]:
        """The text with every match replaced, and how many of each mark were put in
        (added to `counts` too, unless `count` is False: a caller that counts itself). The
        Counter is the caller's to read, never to change: with nothing replaced it is the
        one `NOTHING_FOUND` every such call returns.

        Every rule is matched on one folding of the text; overlapping matches keep the one
        that starts first (the longest of those), so an email holding the name is one mark.
        """
        if not self.enabled or not text:
            return text, NOTHING_FOUND
        haystack, where = fold(text)
        found_gates = self._current_gates()
        if found_gates is not None and found_gates.shut(text, haystack):
            return text, NOTHING_FOUND  # nothing any rule's match must hold: nothing to replace
        spans: list[tuple[int, int, str]] = []
        digits = -1  # counted once, and only if a rule needs to know
        for rule in self._rules:
            source = haystack if rule.on_folded else text
            if rule.digits:
                if digits < 0:
                    digits = len(DIGIT.findall(haystack))
                if digits < rule.digits:
                    continue
            if rule.needs and not all(map(source.__contains__, rule.needs)):
                continue
            if rule.any_of and not any(map(source.__contains__, rule.any_of)):
                continue
            for match in rule.pattern.finditer(source):
                if match.end() > match.start():
                    if rule.on_folded:
                        spans.append((where[match.start()], where[match.end() - 1] + 1,
                                      rule.mark))
                    else:
                        spans.append((match.start(), match.end(), rule.mark))
        if not spans:
            return text, NOTHING_FOUND
        found: Counter[str] = Counter()
        spans.sort(key=lambda s: (s[0], -s[1]))
        out, last = [], 0
        for start, end, mark in spans:
            if start < last:
                continue
            out += [text[last:start], mark]
            found[mark] += 1
            last = end
        out.append(text[last:])
        if count:
            self.counts.update(found)
        # "Dr [clinician] [clinician]" reads as one person: parts of one name become one mark.
        return _RUNS.sub(r"\1", "".join(out)), found


# What `scrub` returns for a text with nothing replaced (nearly every text): one empty
# Counter shared by all, not one made per text (~1,650 a course summary). Read, never changed.
NOTHING_FOUND: Counter[str] = Counter()
_RUNS = re.compile(r"(\[(?:name|clinician|contact|date)\])(?:[ \t]+\1)+")
_PLURALS = {"name": "names", "contact detail": "contact details",
            "date of birth": "dates of birth", "clinician name": "clinician names"}


def describe(counts: Counter[str]) -> str:
    """`2 names, 1 date of birth` (what kinds, how many; never the values)."""
    parts = []
    for mark, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        kind = KIND_OF_MARK.get(mark, mark)
        parts.append(f"{n} {kind if n == 1 else _PLURALS.get(kind, kind)}")
    return ", ".join(parts)
