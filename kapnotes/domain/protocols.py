"""Treatment protocols: load their definitions, and the set in use by this process.

Protocols are data (`resources/protocols/*.json`, plus a practice's own files), in the format
of docs/PROTOCOLS.md, checked by `protocol_schema.py`. Everything that lists or names
protocols (the course dialog, the plan, course labels, the export schema) reads them from the
set in use, so a new protocol is one new file. Stdlib only: a practice's folder is found by
the caller (`kapnotes.protocols.current_protocols`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from kapnotes.domain.bounded_input import read_json_bounded
from kapnotes.domain.errors import ValidationError
from kapnotes.domain.protocol_model import ProtocolDef, ProtocolSource
from kapnotes.domain.protocol_schema import parse_protocol
from kapnotes.domain.scales import LoadProblem

MAX_PROTOCOL_BYTES = 200_000  # a protocol is a few kilobytes
MAX_PRACTICE_FILES = 50


@dataclass(frozen=True)
class LoadedProtocols:
    """Every protocol that loaded, built-ins first, plus the practice files that did not."""

    protocols: tuple[ProtocolDef, ...]
    problems: tuple[LoadProblem, ...] = ()

    def get(self, protocol_id: str) -> ProtocolDef | None:
        return next((p for p in self.protocols if p.id == protocol_id), None)

    def require(self, protocol_id: str) -> ProtocolDef:
        found = self.get(protocol_id)
        if found is None:
            raise ValidationError("Protocol", f"'{protocol_id}' is not a known protocol.")
        return found

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.protocols)


def load_protocol_file(path: Path, *, builtin: bool = True) -> ProtocolDef:
    """Read and check one protocol file; ValidationError names the file and the bad field."""
    data = read_json_bounded(path, limit=MAX_PROTOCOL_BYTES, label=path.name)
    return parse_protocol(data, path.name, builtin=builtin)


def _files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.json") if p.is_file())


def load_builtin_protocols(folder: Path) -> tuple[ProtocolDef, ...]:
    """The protocols shipped with the app, in file-name order; a broken one (or an id used
    twice) is a release bug, so it raises."""
    loaded: list[ProtocolDef] = []
    for path in _files_in(folder):
        protocol = load_protocol_file(path)
        if any(p.id == protocol.id for p in loaded):
            raise ValidationError(f"{path.name}: id", f"'{protocol.id}' is used twice")
        loaded.append(protocol)
    return tuple(loaded)


def load_protocols(extra_dirs: Iterable[Path], builtin_dir: Path) -> LoadedProtocols:
    """Built-ins plus the practice's own protocol files (from `extra_dirs`).

    A practice file that is broken, or reuses an id already loaded, is left out and reported
    in `problems` (one line naming the file and field); it never stops the built-ins or the
    other files loading. A practice file can never replace a built-in protocol: courses
    store the id, and one id meaning two schedules would blur every course planned with it.
    """
    shipped = builtin_dir == builtin_folder()  # parsed once per process, not per unlock
    protocols = list(builtin_protocols().protocols if shipped
                     else load_builtin_protocols(builtin_dir))
    problems: list[LoadProblem] = []
    for folder in extra_dirs:
        if not folder.is_dir():
            continue  # a practice with no protocols folder is normal
        files = _files_in(folder)
        for path in files[MAX_PRACTICE_FILES:]:
            problems.append(LoadProblem(path, f"{path.name}: left out, a practice may add at "
                                              f"most {MAX_PRACTICE_FILES} protocol files"))
        for path in files[:MAX_PRACTICE_FILES]:
            try:
                protocol = load_protocol_file(path, builtin=False)
            except ValidationError as exc:
                problems.append(LoadProblem(path, str(exc)))
                continue
            clash = next((p for p in protocols if p.id == protocol.id), None)
            if clash is not None:
                whose = "a built-in protocol" if clash.builtin else clash.file_name
                problems.append(LoadProblem(path, (
                    f"{path.name}: id: '{protocol.id}' is already used by {clash.label} "
                    f"({whose}); give this protocol its own id")))
                continue
            protocols.append(protocol)
    return LoadedProtocols(tuple(protocols), tuple(problems))


def builtin_folder() -> Path:
    """`resources/protocols`: inside the installed package, or at the top of a source
    checkout (the same places `kapnotes.paths.resources_dir` looks, with the stdlib only)."""
    packaged = Path(str(resources.files("kapnotes"))) / "resources"
    base = packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / "resources"
    return base / "protocols"


@cache
def builtin_protocols() -> LoadedProtocols:
    return LoadedProtocols(load_builtin_protocols(builtin_folder()))


_in_use: list[LoadedProtocols] = []


def use_protocols(loaded: LoadedProtocols) -> None:
    """Make `loaded` (built-ins plus the practice's files) the set this process uses."""
    _in_use[:] = [loaded]


def protocols_in_use() -> LoadedProtocols:
    """The set `use_protocols` made current; the built-ins until then."""
    return _in_use[0] if _in_use else builtin_protocols()


def unknown_protocol(protocol_id: str) -> ProtocolDef:
    """Stands for the protocol of a stored course whose file is no longer there: named by its
    id, with no parameters or phases (its plan is stored; nothing is generated from it)."""
    return ProtocolDef(protocol_id, protocol_id,
                       ProtocolSource("practice", "protocol file not found"), (), (),
                       builtin=False)


def protocol_label(protocol_id: str) -> str:
    """What the therapist reads for a protocol id; an unknown id (a protocol file removed
    since, a newer file) as it is."""
    found = protocols_in_use().get(protocol_id)
    return found.label if found is not None else protocol_id


def protocol_medicine(protocol_id: str) -> str:
    """The medicine a protocol gives, from its file's `medicine`; an unknown id (its file
    removed since) as the file format's default, ketamine."""
    found = protocols_in_use().get(protocol_id)
    return found.medicine if found is not None else ProtocolDef.medicine


# Before the schema step course_dose_interval a KAP course kept its dosing interval in
# maintenance_interval_weeks, capped at 2 when its plan was made; files and vaults from then
# are read that way.
_LEGACY_DOSE_INTERVAL_PROTOCOL = "kap_sublingual_im"


def legacy_dose_interval(protocol_id: str, maintenance_interval_weeks: object) -> int:
    """The dosing interval of a course written before it had its own field."""
    if protocol_id != _LEGACY_DOSE_INTERVAL_PROTOCOL or isinstance(
            maintenance_interval_weeks, bool) or not isinstance(maintenance_interval_weeks, int):
        return 1
    return min(max(maintenance_interval_weeks, 1), 2)
