"""The vault's key file: one random data key, wrapped by the passphrase and by a recovery key.

The SQLCipher vault is keyed with a random 256-bit data key. That key is stored only wrapped
(AES-256-GCM) under keys derived from the passphrase and from the printable recovery key with
PBKDF2-HMAC-SHA512 at 256,000 iterations (SQLCipher 4's own defaults). Changing the passphrase
rewrites this small file atomically, so a crash leaves exactly one passphrase valid, and a
forgotten passphrase can be replaced with the recovery key without losing a record.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kapnotes.domain.bounded_input import loads_bounded, read_bounded
from kapnotes.domain.errors import (
    DamagedFileError,
    ValidationError,
    VaultError,
    WrongPassphraseError,
)
from kapnotes.storage.atomic import write_atomically

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT = "kapnotes-keys"
FORMAT_VERSION = 1
KDF_NAME = "pbkdf2-hmac-sha512"
KDF_ITERATIONS = 256_000
DATA_KEY_BYTES = 32
SLOT_PASSPHRASE = "passphrase"
SLOT_RECOVERY = "recovery"
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper
MAX_KEY_FILE_BYTES = 64 * 1024  # a key file is under 1 KB
# A slot's cost is checked before deriving: 0 or −5 is not a key, and 2^70 or 10^9 would
# hang the unlock for hours. Ten times today's cost leaves room for a future increase.
MIN_ITERATIONS, MAX_ITERATIONS = 100_000, 10 * KDF_ITERATIONS
# The test suite only: its hundreds of throw-away vaults would each spend ~0.5 s (more on a
# busy machine) deriving keys at the production cost. tests/conftest.py sets this variable for
# the test process and every process it starts; new slots are then wrapped at that cost and such
# slots are accepted. Every slot records its own count (docs/DATA-FORMAT.md), so key files of
# either cost open; tests/storage/test_key_cost.py pins 256,000 through the real `kapnotes init`.
TEST_COST_ENV = "KAPNOTES_TEST_ONLY_KDF_ITERATIONS"
TEST_COST_FLOOR = 1_000


def _test_cost() -> int | None:
    raw = os.environ.get(TEST_COST_ENV, "").strip()
    if not raw.isdigit():
        return None
    return min(max(int(raw), TEST_COST_FLOOR), KDF_ITERATIONS)


def new_slot_iterations() -> int:
    """The cost a new slot is wrapped with: 256,000 (lower only under the test suite)."""
    return _test_cost() or KDF_ITERATIONS


def min_slot_iterations() -> int:
    test_cost = _test_cost()
    return min(MIN_ITERATIONS, test_cost) if test_cost else MIN_ITERATIONS


NONCE_BYTES, MIN_SALT_BYTES, WRAPPED_BYTES = 12, 16, DATA_KEY_BYTES + 16


def key_file_for(vault_path: Path) -> Path:
    """The key file that belongs beside a vault (or a backup) file."""
    return vault_path.with_name(vault_path.name + ".keys")


def new_data_key() -> bytes:
    return secrets.token_bytes(DATA_KEY_BYTES)


def new_recovery_key() -> str:
    """A printable recovery key: 32 characters (160 bits) in groups of four."""
    chars = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(32))
    return "-".join(chars[i : i + 4] for i in range(0, 32, 4))


def normalise_recovery_key(text: str) -> str:
    """Accept a recovery key typed with spaces, lower case or without dashes."""
    chars = "".join(c for c in text.upper() if c.isalnum())
    return "-".join(chars[i : i + 4] for i in range(0, len(chars), 4))


def _derive(secret: str, salt: bytes, iterations: int) -> bytes:
    try:
        raw = secret.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (broken paste): no slot can hold it
        raise ValidationError("Passphrase", "contains invalid characters (unpaired "
                                            "surrogates); type it again.") from None
    return hashlib.pbkdf2_hmac("sha512", raw, salt, iterations, dklen=32)


@dataclass(frozen=True)
class KeySlot:
    """One wrapping of the data key."""

    salt: bytes
    nonce: bytes
    wrapped: bytes
    iterations: int

    def to_json(self) -> dict[str, object]:
        return {
            "salt": base64.b64encode(self.salt).decode(),
            "nonce": base64.b64encode(self.nonce).decode(),
            "wrapped": base64.b64encode(self.wrapped).decode(),
            "iterations": self.iterations,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> KeySlot:
        """A slot checked field by field; ValueError names the field that is wrong."""
        iterations = data["iterations"]
        lowest = min_slot_iterations()
        if not isinstance(iterations, int) or isinstance(iterations, bool) \
                or not lowest <= iterations <= MAX_ITERATIONS:
            raise ValueError(f"iterations must be a whole number from {lowest:,} "
                             f"to {MAX_ITERATIONS:,}")
        slot = cls(salt=_b64(data, "salt"), nonce=_b64(data, "nonce"),
                   wrapped=_b64(data, "wrapped"), iterations=iterations)
        if len(slot.nonce) != NONCE_BYTES:
            raise ValueError(f"nonce must be {NONCE_BYTES} bytes")
        if len(slot.salt) < MIN_SALT_BYTES:
            raise ValueError(f"salt must be at least {MIN_SALT_BYTES} bytes")
        if len(slot.wrapped) != WRAPPED_BYTES:
            raise ValueError(f"wrapped key must be {WRAPPED_BYTES} bytes")
        return slot


def _b64(data: dict[str, object], name: str) -> bytes:
    value = data[name]
    if not isinstance(value, str):
        raise ValueError(f"{name} must be base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:
        raise ValueError(f"{name} is not valid base64") from None


def _aesgcm(key: bytes) -> AESGCM:
    # Loaded here, not with the module: an unlock reads the key file and starts PBKDF2 on a
    # worker thread without first importing `cryptography` (~8 ms; kapnotes/startup.py).
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def load_cipher() -> None:
    """Import the cipher now (a caller with time to spare before `open_slot`)."""
    _aesgcm(bytes(DATA_KEY_BYTES))


def wrap(data_key: bytes, secret: str, slot_name: str) -> KeySlot:
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    iterations = new_slot_iterations()
    kek = _derive(secret, salt, iterations)
    wrapped = _aesgcm(kek).encrypt(nonce, data_key, f"{FORMAT}/{slot_name}".encode())
    return KeySlot(salt=salt, nonce=nonce, wrapped=wrapped, iterations=iterations)


def unwrap(slot: KeySlot, secret: str, slot_name: str) -> bytes:
    return open_slot(slot, slot_name, derive_for(slot, secret, slot_name))


def derive_for(slot: KeySlot, secret: str, slot_name: str) -> bytes:
    """The slot's key-encryption key from the secret: the slow step (PBKDF2), which holds no
    Python lock while it runs, so a worker thread can take it while the main thread works."""
    try:
        return _derive(secret, slot.salt, slot.iterations)
    except ValidationError:
        raise _wrong_secret(slot_name) from None


def open_slot(slot: KeySlot, slot_name: str, kek: bytes) -> bytes:
    """The data key from a slot and its derived key; a wrong secret fails the GCM tag."""
    from cryptography.exceptions import InvalidTag

    try:
        return _aesgcm(kek).decrypt(slot.nonce, slot.wrapped, f"{FORMAT}/{slot_name}".encode())
    except InvalidTag:
        raise _wrong_secret(slot_name) from None


def _wrong_secret(slot_name: str) -> WrongPassphraseError:
    if slot_name == SLOT_RECOVERY:
        return WrongPassphraseError("That recovery key does not unlock this vault.")
    return WrongPassphraseError("Wrong passphrase: the vault was not opened.")


@dataclass(frozen=True)
class KeyFile:
    """The parsed key file: named slots that each wrap the same data key."""

    slots: dict[str, KeySlot]

    def unlock(self, *, passphrase: str | None = None, recovery_key: str | None = None) -> bytes:
        return unwrap(*self.slot_for(passphrase=passphrase, recovery_key=recovery_key))

    def slot_for(self, *, passphrase: str | None = None, recovery_key: str | None = None
                 ) -> tuple[KeySlot, str, str]:
        """The slot that `unlock` tries, the secret as that slot takes it, and its name."""
        if recovery_key is not None:
            slot = self.slots.get(SLOT_RECOVERY)
            if slot is None:
                raise VaultError("This vault has no recovery key.")
            return slot, normalise_recovery_key(recovery_key), SLOT_RECOVERY
        if passphrase is None:
            raise WrongPassphraseError("A passphrase is needed to open the vault.")
        return self.slots[SLOT_PASSPHRASE], passphrase, SLOT_PASSPHRASE

    def with_slot(self, name: str, slot: KeySlot) -> KeyFile:
        return KeyFile(slots={**self.slots, name: slot})

    def to_bytes(self) -> bytes:
        doc = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "kdf": KDF_NAME,
            "cipher": "aes-256-gcm",
            "slots": {name: slot.to_json() for name, slot in sorted(self.slots.items())},
        }
        return (json.dumps(doc, indent=2) + "\n").encode()

    @classmethod
    def from_bytes(cls, raw: bytes, source: Path) -> KeyFile:
        try:
            doc = loads_bounded(raw.decode("utf-8"), label=source.name, max_depth=4)
            if not isinstance(doc, dict) or doc.get("format") != FORMAT:
                raise ValueError("not a key file")
            version = doc.get("version", 0)
            if not isinstance(version, int) or isinstance(version, bool) or version < 1:
                raise ValueError("version must be a whole number")
            if version > FORMAT_VERSION:
                raise VaultError(
                    f"The key file {source.name} was written by a newer KAP Notes; update the app."
                )
            if not isinstance(doc.get("slots"), dict):
                raise ValueError("slots missing")
            slots = {}
            for name, s in doc["slots"].items():
                if not isinstance(s, dict):
                    raise ValueError(f"slot {name[:20]!r} is not an object")
                try:
                    slots[name] = KeySlot.from_json(s)
                except KeyError as exc:
                    raise ValueError(f"slot {name[:20]!r} lacks {exc}") from None
                except ValueError as exc:
                    raise ValueError(f"slot {name[:20]!r}: {exc}") from None
            if SLOT_PASSPHRASE not in slots:
                raise ValueError("no passphrase slot")
        except VaultError:
            raise
        except ValidationError as exc:
            raise DamagedFileError(
                f"The key file {source.name} is damaged or not a KAP Notes key file "
                f"({exc.reason}).") from None
        except (ValueError, KeyError, TypeError, UnicodeDecodeError, AttributeError) as exc:
            raise DamagedFileError(
                f"The key file {source.name} is damaged or not a KAP Notes key file ({exc})."
            ) from None
        return cls(slots=slots)


def read_key_file(path: Path) -> KeyFile:
    if not path.exists():
        raise VaultError(
            f"The key file {path.name} is missing beside the vault; it holds the wrapped key "
            "without which the vault cannot be opened. Restore it from the backups folder."
        )
    try:
        raw = read_bounded(path, limit=MAX_KEY_FILE_BYTES, label=path.name)
    except ValidationError as exc:
        raise DamagedFileError(f"The key file {path.name} cannot be used: {exc.reason}."
                               ) from None
    return KeyFile.from_bytes(raw, path)


def write_key_file(path: Path, key_file: KeyFile) -> None:
    """Replace the key file atomically: a crash leaves either the old or the new one whole."""
    write_atomically(path, key_file.to_bytes())


def create_key_file(passphrase: str, *, with_recovery: bool = True) -> tuple[KeyFile, bytes, str]:
    """A new data key wrapped by the passphrase (and a new recovery key, returned for printing)."""
    data_key = new_data_key()
    slots = {SLOT_PASSPHRASE: wrap(data_key, passphrase, SLOT_PASSPHRASE)}
    recovery = ""
    if with_recovery:
        recovery = new_recovery_key()
        slots[SLOT_RECOVERY] = wrap(data_key, recovery, SLOT_RECOVERY)
    return KeyFile(slots=slots), data_key, recovery

