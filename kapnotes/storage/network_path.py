"""Whether a vault sits on a network share: asked before the unlock dialog shows, so kept
apart from `lifecycle` (which loads SQLCipher, the key file's cryptography and the schema)."""

from __future__ import annotations

import os
from pathlib import Path


def is_network_path(path: Path) -> bool:
    """True when the vault's folder is on a network filesystem (WAL does not work there)."""
    if os.name == "nt":
        return str(path.resolve()).startswith("\\\\")
    try:
        real = str(path.resolve().parent)
        best, fstype = "", ""
        with open("/proc/mounts", encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) < 3:
                    continue
                # /proc/mounts escapes spaces as \040; compare whole path components.
                mount = parts[1].replace("\\040", " ")
                inside = real == mount or real.startswith(mount.rstrip("/") + "/")
                if inside and len(mount) > len(best):
                    best, fstype = mount, parts[2]
    except OSError:
        return False
    return fstype in {"nfs", "nfs4", "cifs", "smbfs", "smb3", "9p", "sshfs", "fuse.sshfs", "afs"}
