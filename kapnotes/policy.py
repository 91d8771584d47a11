"""The practice policy: an optional, read-only, system-wide settings file set up by the practice.

A practice installs KAP Notes on shared clinic workstations and may fix some settings for every
OS user there (idle lock, vitals thresholds …) or just give them a starting value. The file is
JSON (docs/POLICY.md):

    {"version": 1, "settings": {"idle_lock_minutes": {"value": 3, "fixed": true}, …}}

Precedence of one setting, lowest first:
built-in default < policy value (not fixed) < the user's own value < policy value marked fixed.

A broken file, or a broken entry, is never fatal: it is reported (file and key named) in
`Policy.problems` and through logging, and the rest of the file still applies. Qt-free and
storage-free: paths.py reads the default vault folder from here before any vault is open.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kapnotes.domain.errors import ValidationError

if TYPE_CHECKING:  # read when a policy file sets thresholds, not before the unlock dialog
    from kapnotes.domain.vitals import VitalsThresholds

POLICY_ENV = "KAPNOTES_POLICY"
POLICY_DIRNAME = "KAPNotes"
POLICY_FILENAME = "policy.json"
POLICY_VERSION = 1
MAX_POLICY_BYTES = 256 * 1024  # a settings file; anything larger is a mistake

# Mirrors of the services' ranges (services.lock_settings, services.practice_settings): the
# policy is read before storage exists; tests/test_policy.py keeps the two in step.
IDLE_LOCK_RANGE = (1, 120)
SCREEN_AGE_RANGE = (0, 3650)
RETENTION_RANGE = {"daily": (0, 366), "weekly": (0, 520)}
MAX_PRACTICE_NAME = 120
MAX_CLOSED_DAYS = 400

LOGGER_NAME = "kapnotes.policy"  # logging loads when there is a problem to log


class Source(StrEnum):
    """Where an effective value came from; the settings dialog shows it."""

    BUILT_IN = "built-in"
    PRACTICE_DEFAULT = "practice default"
    USER = "user"
    PRACTICE_FIXED = "practice (fixed)"


@dataclass(frozen=True)
class PolicyEntry:
    value: Any
    fixed: bool = False


@dataclass(frozen=True)
class Policy:
    """The validated entries of one policy file (empty when there is none)."""

    path: Path | None = None
    entries: Mapping[str, PolicyEntry] = field(default_factory=dict)
    problems: tuple[str, ...] = ()

    def get(self, key: str) -> PolicyEntry | None:
        return self.entries.get(key)

    def is_fixed(self, key: str) -> bool:
        entry = self.entries.get(key)
        return entry is not None and entry.fixed


@dataclass(frozen=True)
class Effective:
    """One setting's value as the app must use it, and why."""

    value: Any
    source: Source

    @property
    def fixed(self) -> bool:
        return self.source is Source.PRACTICE_FIXED


# -- where the file is ---------------------------------------------------------------------

def policy_locations(platform: str | None = None,
                     environ: Mapping[str, str] | None = None) -> list[Path]:
    """Candidate policy files for this OS, first found wins; `KAPNOTES_POLICY` replaces them."""
    env = os.environ if environ is None else environ
    override = env.get(POLICY_ENV)
    if override:
        return [Path(override)]
    plat = platform or sys.platform
    if plat == "win32":
        program_data = env.get("ProgramData") or env.get("PROGRAMDATA") or r"C:\ProgramData"
        return [Path(program_data) / POLICY_DIRNAME / POLICY_FILENAME]
    if plat == "darwin":
        return [Path("/Library/Application Support") / POLICY_DIRNAME / POLICY_FILENAME]
    found = [Path("/etc/kapnotes") / POLICY_FILENAME]
    xdg = env.get("XDG_CONFIG_DIRS") or "/etc/xdg"
    for folder in xdg.split(os.pathsep):
        if folder and Path(folder).is_absolute():  # relative entries are invalid per XDG
            found.append(Path(folder) / "kapnotes" / POLICY_FILENAME)
    return found


def find_policy_file(platform: str | None = None,
                     environ: Mapping[str, str] | None = None) -> Path | None:
    return next((p for p in policy_locations(platform, environ) if p.is_file()), None)


# -- what a value may be -------------------------------------------------------------------

def _whole(value: Any, low: int, high: int, unit: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"must be a whole number of {unit}, {low}–{high}")
    return value


def _practice_name(value: Any, _base: Path) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_PRACTICE_NAME:
        raise ValueError(f"must be text of 1–{MAX_PRACTICE_NAME} characters")
    return value.strip()


def _image_path(value: Any, base: Path) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be the path of a PNG or JPEG file")
    path = Path(os.path.expandvars(value)).expanduser()
    path = path if path.is_absolute() else base / path  # relative to the policy file
    if path.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        raise ValueError(f"must be a PNG or JPEG file (got {path.name})")
    if not path.is_file():
        raise ValueError(f"file not found: {path}")
    return str(path)


def _folder(value: Any, base: Path) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a folder path")
    text = os.path.expandvars(value)
    if not (Path(text).expanduser().is_absolute() or text.startswith("~")):
        raise ValueError("must be an absolute folder path (or start with ~)")
    return text


def _thresholds(value: Any, _base: Path) -> dict[str, int | None]:
    return thresholds_from(value, field_prefix="")


def thresholds_from(value: Any, *, field_prefix: str = "",
                    base: VitalsThresholds | None = None) -> dict[str, int | None]:
    """A (partial) thresholds mapping merged onto `base`, checked; raises ValueError."""
    from kapnotes.domain.vitals import VITALS_RANGES, VitalsThresholds

    if not isinstance(value, Mapping):
        raise ValueError("must be an object of threshold values")
    known = {f.name for f in fields(VitalsThresholds)}
    unknown = sorted(set(value) - known)
    if unknown:
        raise ValueError(f"unknown threshold {field_prefix}{unknown[0]} "
                         f"(known: {', '.join(sorted(known))})")
    for name, v in value.items():
        if v is None and name.startswith("caution_heart_rate"):
            continue  # the heart-rate limits are off unless a practice sets them
        vital = next(k for k in VITALS_RANGES if k in name)
        low, high, unit, _label = VITALS_RANGES[vital]
        if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
            raise ValueError(f"{field_prefix}{name} must be a whole number, {low}–{high} {unit}")
    from kapnotes import rules  # late: kapnotes.rules reads this module

    loosened = rules.vitals_loosened(dict(value), rules.builtin_rules())
    if loosened:
        raise ValueError(f"{field_prefix}{loosened}")
    merged = {**asdict(base or rules.vitals_defaults(rules.builtin_rules())), **dict(value)}
    try:
        VitalsThresholds(**merged)
    except ValidationError as exc:
        raise ValueError(f"{field_prefix}{exc.field} {exc.reason}") from None
    return merged


def _clinical_rules(value: Any, _base: Path) -> dict[str, dict[str, float]]:
    from kapnotes import rules  # late: kapnotes.rules reads this module

    return rules.check_policy_rules(value)


def _jurisdiction(value: Any, _base: Path) -> str:
    from kapnotes import jurisdiction  # late: kapnotes.jurisdiction reads this module

    return jurisdiction.check_policy_jurisdiction(value)


def _screen_age(value: Any, _base: Path) -> int:
    return _whole(value, *SCREEN_AGE_RANGE, "days")


def _idle(value: Any, _base: Path) -> int:
    return _whole(value, *IDLE_LOCK_RANGE, "minutes")


def _retention(value: Any, _base: Path) -> dict[str, int]:
    if not isinstance(value, Mapping) or set(value) - set(RETENTION_RANGE):
        raise ValueError('must be an object like {"daily": 7, "weekly": 4}')
    out = {"daily": 7, "weekly": 4}
    for name, v in value.items():
        low, high = RETENTION_RANGE[name]
        if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
            raise ValueError(f"{name} must be a whole number, {low}–{high}")
        out[name] = v
    if out["daily"] == 0 and out["weekly"] == 0:
        raise ValueError("must keep at least one automatic backup")
    return out


def _weekdays(value: Any, _base: Path) -> list[str]:
    from kapnotes.domain.schedule_days import WEEKDAYS, parse_weekdays  # only when set

    if not isinstance(value, list):
        raise ValueError('must be a list of weekdays like ["mon", "tue", "wed", "thu", "fri"]')
    return [WEEKDAYS[d] for d in sorted(parse_weekdays(value))]


def _closed_days(value: Any, _base: Path) -> list[str]:
    from kapnotes.domain.schedule_days import parse_closed  # only when set

    if not isinstance(value, list) or len(value) > MAX_CLOSED_DAYS:
        raise ValueError(f'must be a list of at most {MAX_CLOSED_DAYS} dates like "12-25" '
                         '(every year) or "2026-12-24" (that day)')
    parse_closed(value)
    return [str(v).strip() for v in value]


Checker = Callable[[Any, Path], Any]
KNOWN_KEYS: dict[str, Checker] = {
    "practice_name": _practice_name,
    "practice_logo": _image_path,
    "idle_lock_minutes": _idle,
    "idle_lock_max_minutes": _idle,  # the most a user may choose (services/lock_settings.py)
    "vitals_thresholds": _thresholds,
    "clinical_rules": _clinical_rules,
    "screen_max_age_days": _screen_age,
    "default_vault_folder": _folder,
    "backup_retention": _retention,
    "working_weekdays": _weekdays,
    "closed_days": _closed_days,
    "jurisdiction": _jurisdiction,
}


# -- reading the file ----------------------------------------------------------------------

def parse_policy(text: str, path: Path) -> Policy:
    """The valid entries of a policy file's text; every problem names the file and the key."""
    problems: list[str] = []

    def problem(msg: str) -> None:
        problems.append(f"Practice policy {path}: {msg}; ignored.")

    try:
        from kapnotes.domain.bounded_input import loads_bounded  # only with a policy file

        data = loads_bounded(text, label="file")
    except ValidationError as exc:
        problem(exc.reason)
        return Policy(path, {}, tuple(problems))
    if not isinstance(data, dict) or not isinstance(data.get("settings"), dict):
        problem('expected an object with "version" and "settings"')
        return Policy(path, {}, tuple(problems))
    if data.get("version") != POLICY_VERSION:
        problem(f"version {data.get('version')!r} is not supported (expected {POLICY_VERSION})")
        return Policy(path, {}, tuple(problems))
    entries: dict[str, PolicyEntry] = {}
    for key, raw in data["settings"].items():
        checker = KNOWN_KEYS.get(key)
        if checker is None:
            problem(f"unknown setting {key!r} (known: {', '.join(KNOWN_KEYS)})")
            continue
        if not isinstance(raw, dict) or "value" not in raw:
            problem(f'setting {key!r} must be an object like {{"value": …, "fixed": true}}')
            continue
        fixed = raw.get("fixed", False)
        if not isinstance(fixed, bool):
            problem(f'setting {key!r}: "fixed" must be true or false')
            continue
        try:
            value = checker(raw["value"], path.parent)
        except ValueError as exc:
            problem(f"setting {key!r} {exc}")
            continue
        entries[key] = PolicyEntry(value=value, fixed=fixed)
    return Policy(path, entries, tuple(problems))


def load_policy(path: Path | None = None) -> Policy:
    """The policy at `path` (default: the first file found for this OS); never raises."""
    path = path if path is not None else find_policy_file()
    if path is None or not path.is_file():
        return Policy()
    from kapnotes.domain.bounded_input import read_text_bounded  # only with a policy file

    try:
        text = read_text_bounded(path, limit=MAX_POLICY_BYTES, label="file")
    except ValidationError as exc:
        return Policy(path, {}, (f"Practice policy {path}: {exc.reason}; ignored.",))
    return parse_policy(text, path)


_cache: dict[tuple[str, int, int], Policy] = {}
_held: ContextVar[Policy | None] = ContextVar("kapnotes_policy_held", default=None)


@contextlib.contextmanager
def held() -> Iterator[Policy]:
    """Within the block `current_policy()` answers the policy in force on entry, without
    looking for the file again: one job (a course PDF asks ~120 times, once per dosing note's
    thresholds and rules) sees one policy, and pays for one look."""
    token = _held.set(current_policy())
    try:
        yield _held.get() or Policy()
    finally:
        _held.reset(token)


def current_policy() -> Policy:
    """The policy in force now; re-read only when the file changes, problems logged once."""
    pinned = _held.get()
    if pinned is not None:
        return pinned
    path = find_policy_file()
    if path is None:
        return Policy()
    try:
        st = path.stat()
    except OSError:
        return Policy()
    stamp = (str(path), st.st_mtime_ns, st.st_size)
    policy = _cache.get(stamp)
    if policy is None:
        policy = load_policy(path)
        _cache.clear()
        _cache[stamp] = policy
        if policy.problems:
            import logging

            log = logging.getLogger(LOGGER_NAME)
            for text in policy.problems:
                log.warning("%s", text)
    return policy


# -- precedence ----------------------------------------------------------------------------

def resolve(key: str, *, builtin: Any, user: Any = None,
            policy: Policy | None = None) -> Effective:
    """built-in < policy default < the user's value (None: unset) < policy fixed."""
    entry = (policy if policy is not None else current_policy()).get(key)
    if entry is not None and entry.fixed:
        return Effective(entry.value, Source.PRACTICE_FIXED)
    if user is not None:
        return Effective(user, Source.USER)
    if entry is not None:
        return Effective(entry.value, Source.PRACTICE_DEFAULT)
    return Effective(builtin, Source.BUILT_IN)


def refuse_if_fixed(key: str, label: str | None = None, *, policy: Policy | None = None) -> None:
    """A user may not change what the practice fixed: ValidationError naming the setting."""
    if (policy if policy is not None else current_policy()).is_fixed(key):
        raise ValidationError(key, f"{label or key} is set by your practice and cannot be "
                              "changed here")
