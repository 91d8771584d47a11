"""Build (once, cached) a synthetic vault at practice scale: `python -m bench.generate`.

Rows go straight into the schema with `executemany` inside one transaction, not through the
services one session at a time (40,000 sessions that way would take far longer than the
benchmark). They are the rows the services would write: note fields with the search text
`NoteService.save_fields` stores (the schema's triggers fill the FTS index from them),
intentions/reviews/theme mentions as `CourseItemSync` derives them, monitoring rows as the
monitoring service writes them, and notes are signed only after their rows are in, since
the triggers lock signed notes, and sealed (kapnotes.storage.seals) as signing in the app seals
them, so `check` and PDFs see intact notes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import sys
import time
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path

from bench import rows as R
from bench.layout import lay_out
from bench.sizes import CACHE_DIR, GENERATOR_VERSION, SIZES, CachedVault, Size, cached_vault
from kapnotes.storage.keyfile import key_file_for
from kapnotes.storage.lifecycle import create_vault

SEED = 20240917
PASSPHRASE = "bench orchard lantern quietly 7"


def build(size: Size, *, cache_dir: Path = CACHE_DIR, seed: int = SEED,
          force: bool = False, today: date | None = None,
          log: bool = True) -> tuple[CachedVault, float | None]:
    """The cached vault for `size`, generated if missing or stale; (vault, seconds or None)."""
    cv = cached_vault(size, cache_dir)
    if cv.is_current() and not force:
        return cv, None
    started = time.perf_counter()
    _remove(cv)
    cache_dir.mkdir(parents=True, exist_ok=True)
    day = today or date.today()
    rng = random.Random(seed)
    created = create_vault(cv.path, PASSPHRASE, take_lock=False)
    vault = created.vault
    try:
        plan = lay_out(size, day, rng)
        writer = R.RowWriter(vault, rng, day, vitals=size.vitals)
        with vault.transaction():
            facts = writer.write(plan)
    finally:
        vault.close()  # runs PRAGMA optimize, as the app does at every close
    seconds = time.perf_counter() - started
    cv.passphrase_path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    os.chmod(cv.passphrase_path, 0o600)
    meta = {
        "generator_version": GENERATOR_VERSION,
        "size": asdict(size),
        "seed": seed,
        "generated_on": day.isoformat(),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "generation_seconds": round(seconds, 1),
        "file_bytes": cv.path.stat().st_size,
        **facts,
    }
    cv.meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    if log:
        print(f"generated {size.name} vault in {seconds:.1f} s: {cv.path} "
              f"({meta['file_bytes'] / 1e6:.0f} MB)", file=sys.stderr)
    return cv, seconds


def _remove(cv: CachedVault) -> None:
    for p in (cv.path, key_file_for(cv.path), cv.meta_path, cv.passphrase_path,
              cv.path.with_name(cv.path.name + "-wal"),
              cv.path.with_name(cv.path.name + "-shm"),
              cv.path.with_name(cv.path.name + ".lock")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()
    backups = cv.path.parent / "backups"
    if backups.is_dir():
        for p in backups.glob(f"{cv.path.stem}-*"):
            p.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--force", action="store_true", help="rebuild even if cached")
    parser.add_argument("--cache-dir", type=Path, default=CACHE_DIR)
    args = parser.parse_args(argv)
    cv, seconds = build(SIZES[args.size], cache_dir=args.cache_dir, force=args.force)
    if seconds is None:
        print(f"cached: {cv.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

