"""Tell a KAP Notes vault from things that are not one, before any key is tried.

Each refusal names what the file looks like, so a therapist who picked the wrong file, or whose
vault was truncated, gets a specific message instead of "file is not a database".
"""

from __future__ import annotations

from pathlib import Path

from kapnotes.domain.errors import VaultDamagedError, VaultError

SQLITE_MAGIC = b"SQLite format 3\x00"
PAGE_SIZE = 4096
_TRUSTED_SIGNATURE_LEN = 4  # a random salt matches 4 given bytes once in 2**32
_KNOWN_TYPES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive or Office document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"{", "a text (JSON) file"),
    (b"\x1f\x8b", "a gzip archive"),
)


def check_vault_file(path: Path) -> None:
    """Refuse, with a specific message, a file that cannot be an encrypted vault."""
    if path.is_symlink() and not path.exists():
        raise VaultError(f"{path} is a symbolic link that leads nowhere (to itself, or to a "
                         "file that is gone); name the vault file itself.")
    if not path.exists():
        raise VaultError(f"No vault at {path}.")
    if path.is_dir():
        raise VaultError(f"{path} is a folder, not a vault file.")
    if not path.is_file():
        raise VaultError(f"{path.name} is not a regular file (a pipe, device or socket), "
                         "so it cannot be a vault.")
    size = path.stat().st_size
    if size == 0:
        raise VaultDamagedError(
            f"The vault file {path.name} is empty (0 bytes); restore the newest backup."
        )
    with path.open("rb") as fh:
        head = fh.read(16)
    if head.startswith(SQLITE_MAGIC):
        raise VaultError(
            f"{path.name} is a plain, unencrypted SQLite database, not a KAP Notes vault."
        )
    has_key_file = path.with_name(path.name + ".keys").exists()
    whole_pages = size >= PAGE_SIZE and size % PAGE_SIZE == 0
    # A vault begins with a random salt, which starts with a short signature by chance ('{' in
    # one vault of 256): those count only for a file that cannot be a vault or a backup anyway.
    trust_short = not whole_pages and not has_key_file
    for magic, kind in _KNOWN_TYPES:
        if head.startswith(magic) and (len(magic) >= _TRUSTED_SIGNATURE_LEN or trust_short):
            raise VaultError(f"{path.name} is {kind}, not a KAP Notes vault.")
    if not whole_pages:
        if not has_key_file:
            raise VaultError(
                f"{path.name} is not a KAP Notes vault (no key file beside it, and its size, "
                f"{size} bytes, is not a whole number of database pages)."
            )
        raise VaultDamagedError(
            f"The vault file {path.name} is truncated ({size} bytes, not a whole number of "
            "pages); restore the newest backup."
        )
