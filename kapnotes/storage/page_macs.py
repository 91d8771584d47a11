"""The page checks SQLCipher's `cipher_integrity_check` adds to SQLite's own, without
reading every page a second time.

SQLCipher verifies a page's HMAC whenever SQLite reads it. `integrity_check` and
`quick_check` read every page of every b-tree, every overflow page and every trunk page of
the free list, so each of those pages' HMAC is verified by them; a page no b-tree reaches
and that is not free is reported by them as "never used". `cipher_integrity_check` reads
the whole file again to verify every page's HMAC (~0.7 s of a 4.6 s `kapnotes check` on the
277 MB bench vault, docs/BENCHMARKS.md). What only it sees is:

- the free list's leaf pages (SQLite notes their numbers but never reads them);
- pages in the file past the database's size (a file longer than its header says);
- a last page cut short (the file size is not a whole number of pages).

This module verifies exactly those, in Python, with SQLCipher 4's page layout: each page is
AES-256-CBC ciphertext, then its 16-byte IV and the 64-byte HMAC-SHA512 of ciphertext, IV and
the page number (4 bytes, little-endian); page 1 starts with the file's 16-byte salt, and
the HMAC key is PBKDF2-HMAC-SHA512 of the data key, salt XOR 0x3a, 2 iterations. The free
list is read from page 1's header (first trunk page) and its trunk pages, decrypted here.

It applies only where that layout is certain (`layout_is_known`): the cipher settings are
SQLCipher 4's defaults (read back from the connection) and the write-ahead log holds no
frames (when it does, the newest copy of some pages, the free list's included, lives in the
log, not in the file). Otherwise the caller runs `PRAGMA cipher_integrity_check` as before
(`vault.page_problems`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE = 4096
SALT = 16
IV = 16
MAC = 64
RESERVE = 80  # IV + MAC, rounded to the AES block
LOCK_BYTE_OFFSET = 0x40000000  # SQLite never uses the page holding this offset
_SETTINGS = {"cipher_page_size": "4096", "cipher_hmac_algorithm": "HMAC_SHA512",
             "cipher_plaintext_header_size": "0", "cipher_use_hmac": "1",
             "cipher_hmac_pgno": "le"}  # page numbers little-endian


def layout_is_known(conn: Any, path: Path) -> bool:
    """True when this connection's file has the layout this module reads and no WAL frames."""
    for pragma, expected in _SETTINGS.items():
        try:
            row = conn.execute(f"PRAGMA {pragma}").fetchone()
        except Exception:
            return False
        if row is None or str(row[0]) != expected:
            return False
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size == 0
    except FileNotFoundError:
        return True


class _Pages:
    def __init__(self, fd: int, data_key: bytes, salt: bytes) -> None:
        self._fd = fd
        self._key = data_key
        self._mac_key = hashlib.pbkdf2_hmac("sha512", data_key, bytes(b ^ 0x3A for b in salt),
                                            2, len(data_key))

    def read(self, pgno: int) -> bytes:
        return os.pread(self._fd, PAGE, (pgno - 1) * PAGE)

    def sound(self, pgno: int, page: bytes) -> bool:
        start = SALT if pgno == 1 else 0
        mac = hmac.new(self._mac_key, page[start:PAGE - MAC] + pgno.to_bytes(4, "little"),
                       "sha512").digest()
        return len(page) == PAGE and hmac.compare_digest(mac, page[PAGE - MAC:])

    def plain(self, pgno: int, page: bytes) -> bytes:
        """The page's content (page 1's from byte 16 on, after the salt)."""
        start = SALT if pgno == 1 else 0
        iv = page[PAGE - RESERVE:PAGE - RESERVE + IV]
        dec = Cipher(algorithms.AES(self._key), modes.CBC(iv)).decryptor()
        return dec.update(page[start:PAGE - RESERVE]) + dec.finalize()


def _failed(pgno: int) -> str:
    return f"HMAC verification failed for page {pgno}"  # SQLCipher's own wording


def unread_page_problems(path: Path, data_key: bytes) -> list[str]:
    """The HMAC of every free-list leaf page and every page past the database's size, and
    the file's size, checked (the pages SQLite's own checks do not read)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        in_file = size // PAGE
        first = os.pread(fd, PAGE, 0)
        pages = _Pages(fd, data_key, first[:SALT])
        if not pages.sound(1, first):
            return [_failed(1)]
        header = pages.plain(1, first)  # header offset n is header[n - 16]
        db_pages, trunk, free_count = (struct.unpack_from(">I", header, at - SALT)[0]
                                       for at in (28, 32, 36))
        problems = _free_list_problems(pages, trunk, free_count, min(db_pages, in_file))
        lock_page = LOCK_BYTE_OFFSET // PAGE + 1
        for pgno in range(db_pages + 1, in_file + 1):
            if pgno != lock_page and not pages.sound(pgno, pages.read(pgno)):
                problems.append(_failed(pgno))
        if size % PAGE:
            problems.append(f"page {in_file + 1} has an invalid size of {size % PAGE} bytes "
                            f"(expected {PAGE} bytes)")
        return problems
    finally:
        os.close(fd)


def _free_list_problems(pages: _Pages, trunk: int, count: int, last: int) -> list[str]:
    problems: list[str] = []
    seen = 0
    visited: set[int] = set()
    while trunk and seen < count:
        if not 1 < trunk <= last or trunk in visited:
            return [*problems, f"the free-page list is damaged (trunk page {trunk})"]
        visited.add(trunk)
        raw = pages.read(trunk)
        if not pages.sound(trunk, raw):  # integrity_check reports it too; the chain ends here
            return [*problems, _failed(trunk)]
        content = pages.plain(trunk, raw)
        following, leaves = struct.unpack_from(">II", content, 0)
        if leaves > (PAGE - RESERVE) // 4 - 2:
            return [*problems, f"the free-page list is damaged (trunk page {trunk})"]
        seen += 1 + leaves
        for leaf in struct.unpack_from(f">{leaves}I", content, 8):
            if not 1 < leaf <= last:
                problems.append(f"the free-page list is damaged (leaf page {leaf})")
            elif not pages.sound(leaf, pages.read(leaf)):
                problems.append(_failed(leaf))
        trunk = following
    return problems
