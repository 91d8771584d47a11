"""Contraindication screen before dosing, and concomitant medicines to record
(docs/DOMAIN.md, "Screening before the first dose, reviewed before each").

Rules for `screening_warnings`:
- No screen at all → a warning.
- A screen older than `max_age_days` (default 90; a screen exactly 90 days old is still
  current, 91 is not) → a warning to review it; a screen dated after today → a warning.
- Each item answered yes → a warning; each item answered "not known", or not answered at
  all, → a warning to find out before dosing.
- Each listed medicine matching a class to record (benzodiazepines, other sedative hypnotics,
  psychostimulants, MAOIs, opioids) → a warning naming the class.
Medicine matching is by whole word, case-insensitive, against a small table of generic and
common Australian brand names; any word ending in "azepam" or "azolam" counts as a
benzodiazepine. It helps the clinician notice; it is not a drug-interaction database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kapnotes.domain.dates import plural
from kapnotes.domain.errors import ValidationError


class ScreenItem(StrEnum):
    """A contraindication or caution asked about before the first dose."""

    UNCONTROLLED_HYPERTENSION = "uncontrolled_hypertension"
    PSYCHOSIS_HISTORY = "psychosis_history"
    BIPOLAR_DISORDER = "bipolar_disorder"
    SUBSTANCE_USE_DISORDER = "substance_use_disorder"
    ANEURYSMAL_VASCULAR_DISEASE = "aneurysmal_vascular_disease"
    RECENT_MYOCARDIAL_INFARCTION = "recent_myocardial_infarction"
    INTRACEREBRAL_HAEMORRHAGE = "intracerebral_haemorrhage"
    PREGNANCY = "pregnancy"

    @property
    def label(self) -> str:
        return _ITEM_LABELS[self]


_ITEM_LABELS = {
    ScreenItem.UNCONTROLLED_HYPERTENSION: "Uncontrolled hypertension",
    ScreenItem.PSYCHOSIS_HISTORY: "History of psychosis",
    ScreenItem.BIPOLAR_DISORDER: "Bipolar affective disorder",
    ScreenItem.SUBSTANCE_USE_DISORDER:
        "Active substance use disorder (especially dissociatives)",
    ScreenItem.ANEURYSMAL_VASCULAR_DISEASE: "Aneurysmal vascular disease",
    ScreenItem.RECENT_MYOCARDIAL_INFARCTION: "Recent myocardial infarction",
    ScreenItem.INTRACEREBRAL_HAEMORRHAGE: "History of intracerebral haemorrhage",
    ScreenItem.PREGNANCY: "Pregnancy",
}


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ScreenAnswer:
    """The answer to one screen item, with an optional note."""

    item: ScreenItem
    answer: Answer
    note: str = ""


@dataclass(frozen=True)
class Screen:
    """A contraindication screen as done on `screened_on`; items not answered count as unknown."""

    screened_on: date
    answers: tuple[ScreenAnswer, ...] = ()
    medicines: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        items = [a.item for a in self.answers]
        if len(items) != len(set(items)):
            raise ValidationError("answers", "each screen item may be answered only once")

    def answer_for(self, item: ScreenItem) -> ScreenAnswer:
        for answer in self.answers:
            if answer.item is item:
                return answer
        return ScreenAnswer(item, Answer.UNKNOWN)


class MedicineClass(StrEnum):
    """Classes of concomitant medicine to record before dosing."""

    BENZODIAZEPINE = "benzodiazepine"
    SEDATIVE_HYPNOTIC = "sedative_hypnotic"
    PSYCHOSTIMULANT = "psychostimulant"
    MAOI = "maoi"
    OPIOID = "opioid"

    @property
    def label(self) -> str:
        return _CLASS_LABELS[self]


_CLASS_LABELS = {
    MedicineClass.BENZODIAZEPINE: "benzodiazepine",
    MedicineClass.SEDATIVE_HYPNOTIC: "other sedative hypnotic",
    MedicineClass.PSYCHOSTIMULANT: "psychostimulant",
    MedicineClass.MAOI: "MAOI",
    MedicineClass.OPIOID: "opioid",
}

# Generic names first, then a few common (mostly Australian) brand names, all lower case.
MEDICINE_NAMES: dict[MedicineClass, frozenset[str]] = {
    MedicineClass.BENZODIAZEPINE: frozenset({
        "diazepam", "lorazepam", "alprazolam", "clonazepam", "temazepam", "oxazepam",
        "nitrazepam", "bromazepam", "clobazam", "midazolam", "triazolam", "flunitrazepam",
        "valium", "ativan", "xanax", "kalma", "rivotril", "paxam", "normison", "serepax",
        "alepam", "mogadon",
    }),
    MedicineClass.SEDATIVE_HYPNOTIC: frozenset({
        "zolpidem", "zopiclone", "eszopiclone", "zaleplon", "suvorexant", "lemborexant",
        "daridorexant", "phenobarbital", "phenobarbitone", "chloral",
        "stilnox", "imovane", "belsomra", "dayvigo",
    }),
    MedicineClass.PSYCHOSTIMULANT: frozenset({
        "methylphenidate", "dexmethylphenidate", "dexamfetamine", "dexamphetamine",
        "lisdexamfetamine", "lisdexamphetamine", "amfetamine", "amphetamine",
        "modafinil", "armodafinil",
        "ritalin", "concerta", "vyvanse", "modavigil", "adderall",
    }),
    MedicineClass.MAOI: frozenset({
        "phenelzine", "tranylcypromine", "moclobemide", "selegiline", "isocarboxazid",
        "rasagiline", "nardil", "parnate", "aurorix", "emsam",
    }),
    MedicineClass.OPIOID: frozenset({
        "oxycodone", "morphine", "codeine", "tramadol", "tapentadol", "buprenorphine",
        "methadone", "fentanyl", "hydromorphone", "hydrocodone", "pethidine",
        "dihydrocodeine", "endone", "oxycontin", "oxynorm", "targin", "panadeine",
        "tramal", "palexia", "subutex", "suboxone", "norspan", "durogesic", "jurnista",
        "biodone", "kapanol", "ms contin",
    }),
}

_BENZODIAZEPINE_SUFFIXES = ("azepam", "azolam")
_WORD = re.compile(r"[a-z]+")


def medicine_classes(name: str) -> tuple[MedicineClass, ...]:
    """Classes a free-text medicine entry belongs to (empty if none), in enum order.

    Whole-word, case-insensitive: "Diazepam 5 mg nocte" and "OXYCODONE/naloxone" match,
    "codeinex" does not. Two-word names in the table (e.g. "ms contin") match as a phrase.
    """
    words = _WORD.findall(name.lower())
    phrase = f" {' '.join(words)} "
    found = []
    for cls, names in MEDICINE_NAMES.items():
        if any(f" {known} " in phrase for known in names):
            found.append(cls)
        elif cls is MedicineClass.BENZODIAZEPINE and any(
            w.endswith(_BENZODIAZEPINE_SUFFIXES) for w in words
        ):
            found.append(cls)
    return tuple(found)


class WarningKind(StrEnum):
    NO_SCREEN = "no_screen"
    OUT_OF_DATE = "out_of_date"
    CONTRAINDICATION = "contraindication"
    NOT_KNOWN = "not_known"
    MEDICINE = "medicine"


@dataclass(frozen=True)
class ScreeningWarning:
    """One thing to review before dosing; `subject` is the item or medicine concerned."""

    kind: WarningKind
    message: str
    subject: str = ""


def screening_warnings(
    screen: Screen | None, today: date, max_age_days: int = 90
) -> tuple[ScreeningWarning, ...]:
    """Warnings for the client header and pre-dose checklist (rules in the module docstring)."""
    if isinstance(max_age_days, bool) or not isinstance(max_age_days, int) or max_age_days < 0:
        raise ValidationError("max_age_days", "must be a whole number of days, 0 or more")
    if screen is None:
        return (ScreeningWarning(
            WarningKind.NO_SCREEN, "No contraindication screen recorded: screen before dosing."
        ),)
    warnings = []
    age = (today - screen.screened_on).days
    if age > max_age_days:
        warnings.append(ScreeningWarning(
            WarningKind.OUT_OF_DATE,
            f"Contraindication screen is {plural(age, 'day')} old (limit {max_age_days}): "
            "review it.",
        ))
    elif age < 0:
        warnings.append(ScreeningWarning(
            WarningKind.OUT_OF_DATE, "Contraindication screen is dated after today: check it."
        ))
    for item in ScreenItem:
        answer = screen.answer_for(item)
        note = f" ({answer.note.strip()})" if answer.note.strip() else ""
        if answer.answer is Answer.YES:
            warnings.append(ScreeningWarning(
                WarningKind.CONTRAINDICATION, f"{item.label}: yes{note}.", item.value
            ))
        elif answer.answer is Answer.UNKNOWN:
            warnings.append(ScreeningWarning(
                WarningKind.NOT_KNOWN,
                f"{item.label}: not known{note}; find out before dosing.", item.value,
            ))
    for medicine in screen.medicines:
        classes = medicine_classes(medicine)
        if classes:
            labels = ", ".join(c.label for c in classes)
            warnings.append(ScreeningWarning(
                WarningKind.MEDICINE, f"Concomitant medicine {medicine.strip()}: {labels}.",
                medicine.strip(),
            ))
    return tuple(warnings)
