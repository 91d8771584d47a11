"""integrity_check's page cache in `kapnotes check` (storage/file_checks.py): the whole
file, so its row pass finds every page already decrypted, but never more than the cap."""

from __future__ import annotations

from pathlib import Path

from kapnotes.storage.file_checks import CHECK_CACHE_CAP_KIB, check_cache_kib
from kapnotes.storage.vault import CACHE_KIB


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as fh:
        fh.truncate(size)
    return path


def test_the_cache_holds_the_whole_file_up_to_the_cap(tmp_path: Path) -> None:
    assert check_cache_kib(_sparse(tmp_path / "small", 4096 * 50)) == CACHE_KIB
    mid = 200 * 1024 * 1024
    assert mid // 1024 < check_cache_kib(_sparse(tmp_path / "mid", mid)) <= mid // 1024 * 1.07
    assert check_cache_kib(_sparse(tmp_path / "big", 4 * 1024**3)) == CHECK_CACHE_CAP_KIB
    assert check_cache_kib(tmp_path / "gone") == CACHE_KIB
