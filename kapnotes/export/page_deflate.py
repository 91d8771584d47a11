"""A held page's drawing compressed while the layout goes on, spliced with its furniture.

reportlab compresses every page stream at the very end, when the PDF is written (~10 ms of
a 100-page course summary, the main thread idle otherwise only while waiting on the disk).
A held page's drawing is final at `showPage`, only the header and footer drawn at `save`
come before it, so its compression can start at once on another thread (zlib lets go of
the GIL while it works) and overlap the layout of the pages after it.

A page stream is `prefix + drawing + suffix` (the prefix: the page preamble and its
furniture; the suffix: reportlab's closing space). Deflate data made by separate compressors
with a sync flush ends on a byte boundary and refers back to nothing before it, so the
three pieces compressed apart and put one after the other, under one zlib header and the
Adler-32 of the whole, are one valid zlib stream that inflates to exactly the stream
reportlab would have compressed (tests/export/test_page_deflate.py).
"""

from __future__ import annotations

import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from threading import Lock

LEVEL = 6  # zlib's default, the level reportlab compresses with
_HEADER = b"\x78\x9c"  # deflate, 32 KB window, default level; (0x789C % 31 == 0)
_ADLER_BASE = 65521

_pool: ThreadPoolExecutor | None = None
_pool_lock = Lock()


class Deflated:
    """One piece of a stream: raw deflate data ending on a sync flush (so not final), the
    Adler-32 of the piece's bytes and their length. `window_bits`: a small piece (a page's
    furniture, ~1.5 KB) is compressed with a small window, ~4× cheaper to set up than
    zlib's 32 KB one (deflate data with a smaller window is read by any inflater)."""

    __slots__ = ("adler", "data", "length")

    def __init__(self, raw: bytes, window_bits: int = 15, mem_level: int = 8) -> None:
        packer = zlib.compressobj(LEVEL, zlib.DEFLATED, -window_bits, mem_level)
        self.data = packer.compress(raw) + packer.flush(zlib.Z_SYNC_FLUSH)
        self.adler = zlib.adler32(raw)
        self.length = len(raw)


BATCH = 8  # pages handed to the worker at a time: each hand-over costs a thread switch


def deflate_later(texts: list[str]) -> Future[list[Deflated]]:
    """`texts` (pages' drawings) compressed on the export's worker thread."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf-deflate")
    return _pool.submit(_deflate_texts, texts)


def _deflate_texts(texts: list[str]) -> list[Deflated]:
    return [Deflated(text.encode("utf-8")) for text in texts]


def splice(prefix: str, middle: Deflated, suffix: str) -> bytes:
    """The zlib stream of `prefix + middle + suffix`, `middle` already compressed; the
    suffix (a few bytes) goes as deflate's final stored block, as it is."""
    head = Deflated(prefix.encode("utf-8"), window_bits=12, mem_level=4)
    tail_raw = suffix.encode("utf-8")
    if len(tail_raw) > 0xFFFF:
        raise ValueError("a stored block holds at most 65,535 bytes")
    # BFINAL=1, BTYPE=00 (stored), then LEN and its complement, little-endian, then the bytes
    tail = (b"\x01" + len(tail_raw).to_bytes(2, "little")
            + (len(tail_raw) ^ 0xFFFF).to_bytes(2, "little") + tail_raw)
    adler = adler32_combine(head.adler, middle.adler, middle.length)
    adler = zlib.adler32(tail_raw, adler)
    return b"".join((_HEADER, head.data, middle.data, tail, adler.to_bytes(4, "big")))


def adler32_combine(first: int, second: int, second_length: int) -> int:
    """The Adler-32 of two byte strings one after the other, from each one's own (zlib's
    adler32_combine, which Python's zlib module does not offer)."""
    rem = second_length % _ADLER_BASE
    sum1 = first & 0xFFFF
    sum2 = (rem * sum1) % _ADLER_BASE
    sum1 += (second & 0xFFFF) + _ADLER_BASE - 1
    sum2 += (first >> 16) + (second >> 16) + _ADLER_BASE - rem
    sum1 %= _ADLER_BASE
    sum2 %= _ADLER_BASE
    return (sum2 << 16) | sum1
