"""Rating scales: load their definitions, score one administration.

Totals, bands and flags are computed here, never typed by a user. Definitions are data
(`resources/scales/*.json`, plus a practice's own files); the file format is documented in
`resources/scales/README.md` and checked by `scale_schema.py`. Stdlib only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kapnotes.domain.bounded_input import read_json_bounded
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.scale_model import (
    Answer,
    Band,
    Flag,
    FlagRule,
    Option,
    RiskLevel,
    Scale,
    ScaleItem,
    ScoreResult,
    Subscale,
    SubscaleScore,
    Threshold,
)
from kapnotes.domain.scale_schema import parse_scale

__all__ = [
    "Answer",
    "Band",
    "Flag",
    "FlagRule",
    "LoadProblem",
    "LoadedScales",
    "Option",
    "RiskLevel",
    "Scale",
    "ScaleItem",
    "ScoreResult",
    "Subscale",
    "SubscaleScore",
    "Threshold",
    "load_builtin_scales",
    "load_scale_file",
    "load_scales",
    "parse_scale",
    "score",
]


@dataclass(frozen=True)
class LoadProblem:
    """A practice scale file that was not loaded, and why (fit to show the user)."""

    path: Path
    message: str


@dataclass(frozen=True)
class LoadedScales:
    """Every scale that loaded, built-ins first, plus the practice files that did not."""

    scales: tuple[Scale, ...]
    problems: tuple[LoadProblem, ...] = ()

    def get(self, scale_id: str) -> Scale | None:
        return next((s for s in self.scales if s.id == scale_id), None)


MAX_SCALE_BYTES = 1_000_000  # a scale is a few kilobytes


def load_scale_file(path: Path) -> Scale:
    """Read and check one scale file; ValidationError names the file and the bad field."""
    name = path.name
    return parse_scale(read_json_bounded(path, limit=MAX_SCALE_BYTES, label=name), name)


def _files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.json") if p.is_file())


def load_builtin_scales(folder: Path) -> tuple[Scale, ...]:
    """The scales shipped with the app; a broken one is a release bug, so it raises."""
    return tuple(load_scale_file(p) for p in _files_in(folder))


def load_scales(extra_dirs: Iterable[Path], builtin_dir: Path) -> LoadedScales:
    """Built-ins (from `builtin_dir`) plus the practice's own scale files (from `extra_dirs`).

    The caller finds the folders (`kapnotes.services.measures.load_practice_scales`), so this
    module stays stdlib-only. A practice file that is broken, or reuses an id already loaded,
    is left out and reported in `problems`; it never stops the built-ins or the other files
    loading.
    """
    scales = list(load_builtin_scales(builtin_dir))
    problems: list[LoadProblem] = []
    for folder in extra_dirs:
        if not folder.is_dir():
            continue  # a practice with no scales folder is normal
        for path in _files_in(folder):
            try:
                scale = load_scale_file(path)
            except ValidationError as exc:
                problems.append(LoadProblem(path, str(exc)))
                continue
            clash = next((s for s in scales if s.id == scale.id), None)
            if clash is not None:
                # Stored scores name a scale by id; two definitions under one id would blur them.
                message = (
                    f"{path.name}: id: {scale.id!r} is already used by {clash.short_name} "
                    f"({clash.source}); give this scale its own id"
                )
                problems.append(LoadProblem(path, message))
                continue
            scales.append(scale)
    return LoadedScales(tuple(scales), tuple(problems))


def score(
    scale: Scale,
    answers: Mapping[str, Answer | None] | None = None,
    total: int | None = None,
) -> ScoreResult:
    """Score one administration from item answers, or from a total where the scale allows it."""
    if answers is not None and total is not None:
        # A typed total next to answers could disagree with them; the answers decide.
        raise ValidationError("total", "give either the item answers or a total, not both")
    if answers is None:
        if total is None:
            raise ValidationError("answers", f"{scale.short_name} needs its item answers")
        return _score_total_only(scale, total)
    checked = _check_answers(scale, answers)
    if scale.kind == "cssrs":
        return _score_rules(scale, checked)
    return _score_items(scale, checked)


def _score_total_only(scale: Scale, total: int) -> ScoreResult:
    if not scale.total_only_allowed:
        raise ValidationError(
            "total", f"{scale.short_name} must be scored item by item; a total alone is not enough"
        )
    if isinstance(total, bool) or not isinstance(total, int):
        raise ValidationError("total", "must be a whole number")
    if not scale.total_min <= total <= scale.total_max:
        raise ValidationError(
            "total",
            f"{total} is outside the {scale.short_name} range "
            f"{scale.total_min}–{scale.total_max}",
        )
    band = scale.band_for(total)
    unknown = tuple(Flag(r.code, r.label, r.severity, r.topic) for r in scale.flag_rules)
    return ScoreResult(
        scale_id=scale.id,
        scale_version=scale.version,
        total=total,
        band_label=band.label if band else None,
        unknown_flags=unknown,
        total_only=True,
    )


def _is_asked(item: ScaleItem, answers: Mapping[str, Answer]) -> bool:
    return all(answers.get(dep) is want for dep, want in item.asked_if)


def _check_answers(scale: Scale, raw: Mapping[str, Answer | None]) -> dict[str, Answer]:
    """Every asked item answered and in range; yes/no normalised to bool; order kept."""
    if not isinstance(raw, Mapping):
        raise ValidationError("answers", "must map item ids to answers")
    known = {item.id for item in scale.items}
    for key in raw:
        if key not in known:
            raise ValidationError(f"item {key}", f"{scale.short_name} has no such item")
    checked: dict[str, Answer] = {}
    for item in scale.items:
        value = raw.get(item.id)
        if not _is_asked(item, checked):
            # Skip logic: an unasked item may be left out or "no", never "yes".
            if value is not None and _check_value(scale, item, value):
                conditions = ", ".join(f"{d} is {'yes' if w else 'no'}" for d, w in item.asked_if)
                raise ValidationError(
                    f"item {item.id}", f"answered yes, but it is only asked when {conditions}"
                )
            continue
        if value is None:
            raise ValidationError(f"item {item.id}", f"no answer ({_short(item.text)})")
        checked[item.id] = _check_value(scale, item, value)
    return checked


def _check_value(scale: Scale, item: ScaleItem, value: object) -> Answer:
    where = f"item {item.id}"
    if item.response == "yesno":
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise ValidationError(where, f"must be yes or no, not {type(value).__name__}")
    # True would silently count as 1: a yes/no answer reaching a numeric item is a bug upstream.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(where, f"must be a whole number, not {type(value).__name__}")
    if value not in item.values:
        allowed = (
            ", ".join(str(v) for v in item.values)
            if item.response == "choice"
            else f"{item.min}–{item.max}"
        )
        raise ValidationError(where, f"{value} is out of range for {scale.short_name} ({allowed})")
    return value


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _score_items(scale: Scale, answers: dict[str, Answer]) -> ScoreResult:
    # Reverse-scored items count as (lowest + highest − answer); flags test the answer given.
    points = {item.id: item.scored(int(answers[item.id])) for item in scale.items}
    values = list(points.values())
    total: int | float = sum(values) / len(values) if scale.kind == "mean" else sum(values)
    band = scale.band_for(total)
    flags = tuple(
        Flag(r.code, r.label, r.severity, r.topic)
        for r in scale.flag_rules
        if r.test.met(int(answers[r.item]))
    )
    subscales = tuple(
        SubscaleScore(s.id, s.name, sum(points[i] for i in s.item_ids), s.max_score)
        for s in scale.subscales
    )
    complete: bool | None = None
    if scale.complete_at_percent is not None:
        # Integer comparison so exactly 60 % is never lost to float rounding.
        complete = all(
            100 * s.score >= scale.complete_at_percent * s.max_score for s in subscales
        )
    return ScoreResult(
        scale_id=scale.id,
        scale_version=scale.version,
        total=total,
        band_label=band.label if band else None,
        flags=flags,
        subscales=subscales,
        is_complete_mystical=complete,
        answers=tuple(answers.items()),
    )


def _score_rules(scale: Scale, answers: dict[str, Answer]) -> ScoreResult:
    for rule in scale.risk_levels:  # ordered highest first: the first match wins
        if any(all(answers.get(i) is want for i, want in cond) for cond in rule.when_any):
            return ScoreResult(
                scale_id=scale.id,
                scale_version=scale.version,
                total=None,
                band_label=rule.label,
                flags=(Flag(rule.code, rule.label, rule.severity, rule.topic),),
                risk_level=rule.level,
                answers=tuple(answers.items()),
            )
    return ScoreResult(
        scale_id=scale.id,
        scale_version=scale.version,
        total=None,
        band_label=scale.no_risk_label or None,
        risk_level="none",
        answers=tuple(answers.items()),
    )
