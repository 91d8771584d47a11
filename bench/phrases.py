"""Phrase banks for synthetic note text. Every name, place and story here is invented.

Sentences are assembled from a few parts each, so 40,000 notes read like notes (and give the
full-text index a realistic vocabulary) without two notes being the same.
"""

from __future__ import annotations

import random

FIRST_NAMES = (
    "Alder", "Briony", "Caspian", "Delphine", "Emrys", "Fenna", "Galen", "Halcyon", "Ilse",
    "Juniper", "Kestrel", "Linnea", "Maren", "Nereus", "Oriel", "Perrin", "Quilla", "Rowan",
    "Sorrel", "Tamsin", "Ulla", "Vesper", "Wren", "Xanthe", "Yarrow", "Zephyr", "Aurelio",
    "Bettina", "Corvin", "Dagny", "Elowen", "Florian", "Greer", "Hollis", "Isolde", "Jory",
)
LAST_NAMES = (
    "Ashgrove", "Brackenridge", "Coldharbour", "Dunmere", "Elderwick", "Fernhollow",
    "Gildersleeve", "Hawthorne-Vey", "Ivesdale", "Juniperfield", "Kettleby", "Larkspur",
    "Marrowfield", "Netherby", "Oakenshaw", "Pennywhistle", "Quenby", "Rookwood", "Stillwater",
    "Thornbury", "Underhill", "Vantrell", "Willowmere", "Yarncliffe", "Zellweger-Moss",
)
RELATIONS = ("partner", "sister", "brother", "friend", "mother", "father", "daughter", "son")
DIAGNOSES = (
    "Major depressive disorder, recurrent", "Treatment-resistant depression",
    "Major depressive disorder; PTSD", "Late-life depression", "Persistent depressive disorder",
)
MEDICINES = (
    "Sertraline 100 mg mane", "Venlafaxine 150 mg", "Escitalopram 20 mg",
    "Mirtazapine 30 mg nocte", "Lorazepam 0.5 mg prn", "Bupropion 150 mg",
)
CLINICIANS = ("Dr Ida Fennimore", "Dr Olek Varga", "Dr Sunniva Brandt", "Dr Tobiah Reyes")

_OPEN = (
    "Arrived on time", "Arrived a few minutes early", "Came in looking tired", "Arrived calm",
    "Arrived with her partner", "Arrived with his sister", "Walked in slowly", "Arrived bright",
)
_STATE = (
    "slept well and fasted as advised", "a little anxious about the session",
    "reports a heavy week at work", "described low mood most mornings",
    "noticed more energy since the last dose", "tearful when talking about her mother",
    "says the garden has been a comfort", "worried about feeling sick again",
    "keen to continue with the plan", "reports better sleep and fewer ruminations",
)
_IMAGES = (
    "floating above a still lake", "walking through a forest of tall pines",
    "standing in her grandmother's kitchen", "a warm light moving through the chest",
    "the ocean pulling back and returning", "a long corridor of open doors",
    "sitting beside his younger self on a bench", "colours folding into each other",
    "a field of wheat under a low sun", "a heavy coat slipping from the shoulders",
)
_FEELINGS = (
    "felt held", "felt a deep sadness that softened", "felt spacious and quiet",
    "felt connected to family", "felt fear that passed when breathing slowed",
    "felt grief without being overwhelmed", "felt kindness towards himself",
    "felt the body relax", "felt safe enough to cry", "felt curious rather than afraid",
)
_OBSERVED = (
    "Dissociation peaked around 30 minutes and settled by 60",
    "Eyes closed for most of the session; breathing slow and even",
    "Brief nausea at 20 minutes, settled without treatment",
    "Tearful at times, responsive to grounding", "Quiet, still, occasional smiles",
    "Asked for the music to change at 25 minutes", "Some restlessness early, then settled",
    "Spoke little; nodded to check-ins", "Described tingling in the hands, resolved",
)
_SUPPORT = (
    "Grounding at 20 minutes", "Hand on shoulder after asking first", "Music changed on request",
    "Reassurance during a wave of fear", "Blanket offered", "Breathing cues for a few minutes",
    "Sat quietly beside the client", "Water offered at the end",
)
_AFTER = (
    "Alert, oriented, steady gait", "Tired but clear", "Calm and reflective",
    "A little unsteady at first, then steady", "Talkative and warm",
)
_PLANS = (
    "Integration session tomorrow", "Journal tonight", "Walk with partner twice a week",
    "Ten minutes of journalling each morning", "Call the crisis line if needed",
    "Practise the breathing exercise before bed", "Bring a photo of the garden next time",
    "Next dose as planned", "Review sleep diary next week", "Reduce caffeine after noon",
)
_INSIGHTS = (
    "Sadness felt bearable when approached gently", "The inner critic sounded like an old teacher",
    "Rest is not the same as giving up", "Anger protected something tender",
    "Asking for help felt possible", "The body remembers what the mind forgets",
    "Loss and love arrived together", "Control loosened without anything terrible happening",
)
INTENTIONS = (
    "Meet my sadness with curiosity", "Let myself receive care", "Reconnect with my children",
    "Be kinder to my body", "Understand my anger", "Find rest without guilt",
    "Grieve my father", "Feel safe in my own skin", "Return to music", "Trust the process",
    "Say no without apology", "Notice joy when it comes",
)
THEMES = (
    "grief", "self-compassion", "body awareness", "relationships", "meaning",
    "fear of loss of control", "anger", "rest", "family", "nature", "work", "faith",
)
SEARCH_WORDS = (
    "garden", "ocean", "grandmother", "forest", "kitchen", "wheat", "corridor", "bench",
    "tearful", "nausea", "grounding", "blanket", "journal", "caffeine", "photo", "teacher",
    "anger", "grief", "curious", "spacious", "music", "breathing", "tingling", "restlessness",
    "heavy", "coat", "lake", "pines", "sister", "partner", "sleep", "ruminations", "fasted",
    "reassurance", "critic", "tender", "kindness", "colours", "doors", "crisis",
)
SEARCH_PHRASES = (
    "felt held", "still lake", "younger self", "deep sadness", "heavy coat", "open doors",
    "tall pines", "low sun", "inner critic", "old teacher", "breathing slow", "steady gait",
    "grief without being overwhelmed", "safe enough to cry", "kindness towards himself",
    "crisis line", "sleep diary", "asking for help", "without guilt", "music to change",
    "grandmother's kitchen", "body relax", "wave of fear", "field of wheat", "warm light",
    "heavy week", "better sleep", "fewer ruminations", "felt connected", "control loosened",
    "the garden has been", "quiet smiles", "tingling in the hands", "journal tonight",
    "walk with partner", "photo of the garden", "reduce caffeine", "loss and love",
    "without treatment", "spoke little",
)


class Writer:
    """Assembles note text deterministically from one seeded random source."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, bank: tuple[str, ...]) -> str:
        return bank[self.rng.randrange(len(bank))]

    def sentences(self, *banks: tuple[str, ...]) -> str:
        return " ".join(self.pick(b).rstrip(".") + "." for b in banks)

    def arrival(self) -> str:
        return f"{self.pick(_OPEN)}; {self.pick(_STATE)}. {self.pick(_STATE).capitalize()}."

    def narrative(self) -> str:
        return (f"\u201cI was {self.pick(_IMAGES)} and {self.pick(_FEELINGS)}.\u201d "
                f"Later: {self.pick(_IMAGES)}; {self.pick(_FEELINGS)}.")

    def observations(self) -> str:
        return self.sentences(_OBSERVED, _OBSERVED)

    def support(self) -> str:
        return self.sentences(_SUPPORT, _SUPPORT)

    def after(self) -> str:
        return self.sentences(_AFTER) + " Escort collected; no driving today."

    def plan(self) -> str:
        return self.sentences(_PLANS, _PLANS)

    def insight(self) -> str:
        return self.sentences(_INSIGHTS, _STATE)

    def account(self) -> str:
        return (f"Described {self.pick(_IMAGES)}; {self.pick(_FEELINGS)}. "
                f"{self.pick(_INSIGHTS)}.")

    def process(self) -> str:
        return ("Noticed my own wish to rescue; bring to supervision."
                if self.rng.random() < 0.5 else "Felt moved; keep an eye on my pacing.")
