"""The jurisdiction pack in force: the one the practice policy names (`"jurisdiction":
"AU-NSW"`, docs/POLICY.md), from the shipped `resources/jurisdictions/`. No jurisdiction named:
None, and the app behaves as it did before packs existed (no register check at signing).

Every caller (the register, signing, the demo, the reports) asks `current_jurisdiction()`.
Qt-free and storage-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from kapnotes.domain.jurisdiction_model import JurisdictionPack
from kapnotes.domain.jurisdictions import load_packs
from kapnotes.paths import resource_path
from kapnotes.policy import Policy, current_policy

POLICY_KEY = "jurisdiction"


@lru_cache(maxsize=1)
def builtin_packs() -> Mapping[str, JurisdictionPack]:
    """The shipped packs; a broken file is a release bug, so it raises (tests load them)."""
    return load_packs(resource_path("jurisdictions"))


def pack(pack_id: str) -> JurisdictionPack:
    """The shipped pack `pack_id`; KeyError if there is none."""
    return builtin_packs()[pack_id]


def current_jurisdiction(policy: Policy | None = None) -> JurisdictionPack | None:
    """The pack the practice chose, or None (a refused entry is already in Policy.problems)."""
    entry = (policy if policy is not None else current_policy()).get(POLICY_KEY)
    if entry is None:
        return None
    return builtin_packs().get(str(entry.value))


def check_policy_jurisdiction(value: Any) -> str:
    """The policy's `jurisdiction` value, checked; ValueError lists the known packs."""
    known = sorted(builtin_packs())
    if not isinstance(value, str) or value.strip().upper() not in known:
        raise ValueError(f"must be one of {', '.join(known)}")
    return value.strip().upper()
