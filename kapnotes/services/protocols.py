"""The protocols in force: the shipped `resources/protocols/*.json` plus the practice's own
files in its protocols folder (docs/PROTOCOLS.md), made the set this process uses."""

from __future__ import annotations

from pathlib import Path

from kapnotes.domain.protocols import LoadedProtocols, load_protocols, use_protocols
from kapnotes.paths import practice_protocols_dir, resource_path


def load_practice_protocols(practice_dir: Path | None = None) -> LoadedProtocols:
    """Built-in protocols plus the practice's folder (broken files listed in `.problems`),
    installed as the set in use so course labels, plans and the export schema all see them.

    `practice_dir` defaults to `practice_protocols_dir()` under the user data folder.
    """
    extra = practice_protocols_dir() if practice_dir is None else practice_dir
    loaded = load_protocols((extra,), resource_path("protocols"))
    use_protocols(loaded)
    return loaded
