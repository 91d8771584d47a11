"""Benchmark vault sizes and where a generated vault is cached."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

CACHE_DIR = Path(__file__).resolve().parent / "cache"
# Bump when the generator changes what it writes: a cached vault of another version is rebuilt.
GENERATOR_VERSION = 6  # 6: signed notes are sealed


@dataclass(frozen=True)
class Size:
    """How much a synthetic vault holds; `big_sessions`/`pdf_sessions` are the two special
    courses the benchmark opens and prints."""

    name: str
    clients: int
    courses: int
    sessions: int
    vitals: int
    big_sessions: int
    pdf_sessions: int


SIZES = {
    "full": Size("full", clients=500, courses=5_000, sessions=40_000, vitals=200_000,
                 big_sessions=100, pdf_sessions=60),
    # Every operation's smoke test (tests/test_bench.py), not a measurement: special courses
    # just large enough for PDFs of several pages, which the PDF probes render several times.
    "tiny": Size("tiny", clients=5, courses=10, sessions=60, vitals=300,
                 big_sessions=8, pdf_sessions=4),
}


@dataclass(frozen=True)
class CachedVault:
    """Paths of one cached vault and the facts the measurements need about it."""

    size: Size
    path: Path
    passphrase_path: Path
    meta_path: Path

    @property
    def passphrase(self) -> str:
        return self.passphrase_path.read_text(encoding="utf-8").strip()

    def meta(self) -> dict[str, object]:
        return json.loads(self.meta_path.read_text(encoding="utf-8"))

    def is_current(self) -> bool:
        if not (self.path.exists() and self.meta_path.exists()
                and self.passphrase_path.exists()):
            return False
        meta = self.meta()
        return meta.get("generator_version") == GENERATOR_VERSION and meta.get(
            "size") == asdict(self.size)


def cached_vault(size: Size, cache_dir: Path = CACHE_DIR) -> CachedVault:
    base = cache_dir / f"vault-{size.name}"
    return CachedVault(
        size=size,
        path=base.with_suffix(".kapnotes"),
        passphrase_path=base.with_suffix(".passphrase"),
        meta_path=base.with_suffix(".json"),
    )
