"""Hostile imports: arbitrary bytes, generated JSON and a valid rich export mutated at random
paths, through `portable_import` in-process (the bulk) and `kapnotes import` (a handful).

Every outcome is a successful import, or a refusal (`ValidationError`; `ConflictError` for a
client code already in the vault) that left the vault exactly as it was (the export text and the
audit log compared before and after). Never another exception, never exit 70, never a traceback.
Example counts keep the file near 30 s on a loaded machine; `HYPOTHESIS_PROFILE=long` runs 20x.
"""

from __future__ import annotations

import copy
import json
import math
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.basics import TEST_PASSPHRASE, FakeClock
from helpers.vault_template import open_copy
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kapnotes.domain.errors import ConflictError, ValidationError
from kapnotes.services import portable_import
from kapnotes.services.container import Services, build_services
from kapnotes.storage import lifecycle
from tests.services.portable_data import export_text, vault_state

TALLY: Counter[str] = Counter()
SCALE = 20 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 1
SENTINEL = "\x00raw-json-goes-here\x00"
HANG_GUARD_S = 60  # a refusal takes about a second; this only stops a hang failing slowly
RAW_JSON = ("[" * 100_000 + "]" * 100_000, "{\"a\":" * 5_000 + "1" + "}" * 5_000,
            "9" * 5_000, "-" + "9" * 5_000, "1e999999", "NaN", "-Infinity",
            str(2 ** 63), str(-(2 ** 63) - 1), "0." + "0" * 100 + "1")


def examples(n: int) -> Any:
    return settings(max_examples=n * SCALE, deadline=None, derandomize=SCALE == 1,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


# -- strategies ----------------------------------------------------------------------------
control_text = st.text(st.characters(max_codepoint=0x9F), max_size=20)
any_text = st.one_of(st.text(max_size=30), control_text,
                     st.sampled_from(["", " ", "KAP-001", "kap-001", "2026-02-30", "0001-01-01",
                                      "9999-12-31", "25:61", "x" * 3000]))
hostile_scalar = st.one_of(
    st.none(), st.booleans(), any_text,
    st.integers(), st.integers(min_value=-(10 ** 30), max_value=10 ** 30),
    st.sampled_from([-3, -1, 0, 1, 2 ** 31, 2 ** 53 + 1, 2 ** 63 - 1, 2 ** 63, 2 ** 64]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.just(SENTINEL),
)
json_value = st.recursive(
    hostile_scalar,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=25,
)


def _dumps(doc: Any, raw: str) -> bytes:
    """JSON text of `doc`, with each SENTINEL string replaced by raw (invalid) JSON text."""
    text = json.dumps(doc, ensure_ascii=False, allow_nan=True)
    return text.replace(json.dumps(SENTINEL), raw).encode("utf-8", "surrogatepass")


def _paths(node: Any, here: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield here
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*here, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*here, i))


def _mutate(doc: Any, path: tuple[Any, ...], how: str, value: Any) -> Any:
    """A copy of `doc` with the node at `path` replaced, deleted, wrapped or given a key."""
    if not path:
        return value if how == "replace" else [doc] if how == "wrap" else doc
    out = copy.deepcopy(doc)
    parent = out
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if how == "replace":
        parent[last] = value
    elif how == "delete":
        del parent[last]
    elif how == "wrap":
        parent[last] = [parent[last]]
    elif how == "extra" and isinstance(parent[last], dict):
        parent[last]["unexpected"] = value
    else:
        parent[last] = {"value": parent[last]}
    return out


# -- the vaults ----------------------------------------------------------------------------
class Target:
    """An empty vault to import into; a fresh copy again after each import that succeeded."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.template = folder / "template" / "empty.kapnotes"
        self.template.parent.mkdir()
        lifecycle.create_vault(self.template, TEST_PASSPHRASE).vault.close()
        self.services: Services | None = None
        self.fresh()

    def fresh(self) -> Services:
        if self.services is not None:
            self.services.vault.close()
        live = self.folder / "live"
        shutil.rmtree(live, ignore_errors=True)
        live.mkdir()
        self.path = live / "empty.kapnotes"
        for name in (self.template.name, self.template.name + ".keys"):
            shutil.copyfile(self.template.parent / name, live / name)
        vault = lifecycle.unlock_vault(self.path, passphrase=TEST_PASSPHRASE)
        self.services = build_services(vault, clock=FakeClock(),
                                       practice_templates=self.folder / "templates")
        return self.services


@pytest.fixture(scope="module")
def rich_doc(rich_demo_vault: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The valid export of the rich demo vault (every kind of record), as parsed JSON."""
    folder = tmp_path_factory.mktemp("fuzz-source")
    with open_copy(rich_demo_vault, folder / "rich.kapnotes", FakeClock(),
                   folder / "templates") as services:
        return json.loads(export_text(services.vault, client_code="KAP-001"))


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    t = Target(tmp_path_factory.mktemp("fuzz-target"))
    yield t
    print(f"\nmutated exports: {dict(TALLY)}")  # seen with `-s`
    assert t.services is not None
    t.services.vault.close()


def _import_or_refuse(target: Target, data: bytes) -> str:
    """Import `data`; 'imported', or 'refused' after checking nothing changed."""
    services = target.services
    assert services is not None
    before = vault_state(services.vault)
    try:
        portable_import.import_document(services, portable_import.parse_text(data))
    except (ValidationError, ConflictError) as exc:
        assert exc.message and "\n" not in exc.message
        assert vault_state(services.vault) == before, "a refused import changed the vault"
        return "refused"
    target.fresh()
    return "imported"


# -- in-process: the bulk ------------------------------------------------------------------
def test_the_unmutated_export_imports(target: Target, rich_doc: dict[str, Any]) -> None:
    """The fuzz base is valid: without this every mutation below could be refused for free."""
    assert _import_or_refuse(target, _dumps(rich_doc, "")) == "imported"


@examples(60)
@given(data=st.binary(max_size=400))
@example(data=b"\xef\xbb\xbf{}")
@example(data=b"\x00" * 50)
@example(data=b'{"format": "kapnotes-export", "version": true}')
def test_arbitrary_bytes_are_refused_cleanly(target: Target, data: bytes) -> None:
    assert _import_or_refuse(target, data) == "refused"


@examples(60)
@given(doc=json_value, raw=st.sampled_from(RAW_JSON))
def test_generated_json_documents_are_refused_cleanly(target: Target, doc: Any,
                                                      raw: str) -> None:
    assert _import_or_refuse(target, _dumps(doc, raw)) == "refused"


@examples(150)
@given(data=st.data(), how=st.sampled_from(["replace", "replace", "delete", "wrap", "extra",
                                            "nest"]),
       value=json_value, raw=st.sampled_from(RAW_JSON))
def test_a_valid_export_mutated_anywhere_imports_or_is_refused_cleanly(
        target: Target, rich_doc: dict[str, Any], data: Any, how: str, value: Any,
        raw: str) -> None:
    paths = data.draw(st.sampled_from(_all_paths(rich_doc)), label="path")
    mutated = _mutate(rich_doc, paths, how, value)
    TALLY[_import_or_refuse(target, _dumps(mutated, raw))] += 1


_PATHS: list[tuple[Any, ...]] = []


def _all_paths(doc: Any) -> list[tuple[Any, ...]]:
    if not _PATHS:
        _PATHS.extend(_paths(doc))
    return _PATHS


# -- the real command: a handful -----------------------------------------------------------
def _run_import(file: Path, vault: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    passphrase = tmp_path / "passphrase.txt"
    passphrase.write_text(TEST_PASSPHRASE + "\n")
    return subprocess.run(
        [sys.executable, "-m", "kapnotes", "import", str(file), "--vault", str(vault),
         "--passphrase-file", str(passphrase)],
        capture_output=True, text=True, cwd=tmp_path, stdin=subprocess.DEVNULL,
        timeout=HANG_GUARD_S, check=False)


@settings(max_examples=4 * SCALE, deadline=None, derandomize=SCALE == 1,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data(), value=json_value, raw=st.sampled_from(RAW_JSON))
def test_kapnotes_import_of_a_hostile_file_is_one_line_and_exit_5(
        target: Target, rich_doc: dict[str, Any], tmp_path: Path, data: Any, value: Any,
        raw: str) -> None:
    kind = data.draw(st.sampled_from(["bytes", "generated", "mutated"]), label="kind")
    if kind == "bytes":
        payload = data.draw(st.binary(max_size=200), label="bytes")
    elif kind == "generated":
        payload = _dumps(value, raw)
    else:
        path = data.draw(st.sampled_from(_all_paths(rich_doc)), label="path")
        payload = _dumps(_mutate(rich_doc, path, "replace", value), raw)
    file = tmp_path / "hostile.json"
    file.write_bytes(payload)
    services = target.services
    assert services is not None
    before = vault_state(services.vault)
    services.vault.close()  # the CLI takes the vault's lock itself
    try:
        result = _run_import(file, target.path, tmp_path)
    finally:
        services = _reopen(target)
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 5), (result.returncode, result.stderr)
    if result.returncode == 5:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("kapnotes: error: "), result.stderr
        assert vault_state(services.vault) == before
    else:
        target.fresh()


def _reopen(target: Target) -> Services:
    vault = lifecycle.unlock_vault(target.path, passphrase=TEST_PASSPHRASE)
    target.services = build_services(vault, clock=FakeClock(),
                                     practice_templates=target.folder / "templates")
    return target.services


def test_nan_in_the_strategy_really_reaches_the_file() -> None:
    """NaN and Infinity are written as JSON would never allow, so the bound must catch them."""
    assert b"NaN" in _dumps({"x": math.nan}, "") and b"Infinity" in _dumps([math.inf], "")

