"""Encrypt to a passphrase in the age v1 format (https://age-encryption.org/v1), at a fixed
scrypt work factor.

pyrage's own passphrase encryption picks the work factor by timing the machine (about one
second: 2^19 on a 2-core workstation, more while it is busy), so the cost of writing a review
file varied with load. This writes the same format with the work factor of age's reference
implementation, 2^18. Reading stays with pyrage (kapnotes/services/review_files.py), so every
file written here is opened by the same code as any other age file.

The test suite only: it writes hundreds of passphrase review files, each costing about two
seconds to seal and as much to open at 2^18. tests/conftest.py sets TEST_LOG_N_ENV for the test
process and every process it starts; files are then written at that lower factor (the file
records its factor, so readers need no setting). tests/services/test_age_passphrase.py pins
2^18 through a real `kapnotes review request` started without this variable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

LOG_N = 18  # age's reference implementation (Go) default
TEST_LOG_N_ENV = "KAPNOTES_TEST_ONLY_SCRYPT_LOG_N"
TEST_LOG_N_FLOOR = 10
_SCRYPT_LABEL = b"age-encryption.org/v1/scrypt"
_CHUNK = 64 * 1024
_FILE_KEY_BYTES, _SALT_BYTES, _PAYLOAD_NONCE_BYTES = 16, 16, 16


def work_factor() -> int:
    """log2 of scrypt's N for a new file: 18, lower only under the test suite."""
    raw = os.environ.get(TEST_LOG_N_ENV, "").strip()
    if not raw.isdigit():
        return LOG_N
    return min(max(int(raw), TEST_LOG_N_FLOOR), LOG_N)


def _b64(data: bytes) -> bytes:
    return base64.b64encode(data).rstrip(b"=")  # age: standard alphabet, no padding


def _hkdf(key: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(key)


def _wrap_file_key(file_key: bytes, passphrase: str, log_n: int) -> bytes:
    """The scrypt stanza: `-> scrypt SALT LOG_N` and the wrapped file key as its body."""
    salt = secrets.token_bytes(_SALT_BYTES)
    n, r = 1 << log_n, 8
    key = hashlib.scrypt(passphrase.encode("utf-8"), salt=_SCRYPT_LABEL + salt, n=n, r=r, p=1,
                         maxmem=129 * r * n + (1 << 20), dklen=32)
    body = ChaCha20Poly1305(key).encrypt(bytes(12), file_key, None)
    encoded = _b64(body)  # 32 bytes: one line of 43 characters (age wraps at 64)
    return b"-> scrypt " + _b64(salt) + b" " + str(log_n).encode("ascii") + b"\n" + encoded \
        + b"\n"


def _payload(file_key: bytes, plaintext: bytes) -> bytes:
    """age's STREAM: a nonce, then 64 KiB chunks under ChaCha20-Poly1305, the last flagged."""
    nonce = secrets.token_bytes(_PAYLOAD_NONCE_BYTES)
    aead = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
    starts = range(0, max(len(plaintext), 1), _CHUNK)
    out = [nonce]
    for counter, start in enumerate(starts):
        last = start + _CHUNK >= len(plaintext)
        chunk_nonce = counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")
        out.append(aead.encrypt(chunk_nonce, plaintext[start:start + _CHUNK], None))
    return b"".join(out)


def encrypt(plaintext: bytes, passphrase: str) -> bytes:
    """An age v1 binary file of `plaintext`, to `passphrase` (scrypt, `work_factor()`)."""
    file_key = secrets.token_bytes(_FILE_KEY_BYTES)
    header = b"age-encryption.org/v1\n" + _wrap_file_key(file_key, passphrase, work_factor()) \
        + b"---"
    mac = hmac.new(_hkdf(file_key, b"", b"header"), header, hashlib.sha256).digest()
    return header + b" " + _b64(mac) + b"\n" + _payload(file_key, plaintext)
