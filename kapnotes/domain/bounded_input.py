"""One bounded reader for every file a user or a practice hands the app, and bounded JSON.

Hostile input is normal input: a key file, passphrase, password, import, policy or template
file may be `/dev/zero`, a FIFO nobody writes to, a 2 GB file, JSON nested 100,000 deep or a
5,000-digit number. Each is refused here, before any parser sees it, as a `ValidationError`
naming the file (never echoing its content), within a second:

- only a regular file is read (a device or FIFO would never end, or block at `open`);
- at most `limit` bytes are read; a larger file is refused, not truncated;
- JSON nesting is counted before `json.loads` (which would hit Python's recursion limit);
- integers are kept to what SQLite can store (|n| < 2^63) and numbers to 40 characters;
- NaN/Infinity, which JSON does not have, and duplicate keys in one object are refused.

A file format with its own documented wording (templates) passes a `JsonWording`; the
checks stay the same everywhere.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

from kapnotes.domain.errors import ValidationError

MAX_JSON_DEPTH = 64  # our deepest format (an export) nests 9 levels
MAX_NUMBER_CHARS = 40
INT_LIMIT = 1 << 63  # SQLite's INTEGER is a signed 64-bit number


@dataclass(frozen=True)
class JsonWording:
    """How `loads_bounded` words a parse problem after the file's label.

    Fields: `not_json` gets {msg}, {line}, {column}; `duplicate_key` gets {key} (the key,
    cut to 40 characters) and {key_json} (the same, JSON-quoted); `constant` gets {name}."""

    not_json: str = "is not valid JSON: {msg} at line {line}, column {column}"
    duplicate_key: str = "has the key {key_json} twice in one object"
    constant: str = "has {name}, which is not a JSON number"


DEFAULT_WORDING = JsonWording()


def read_bounded(path: Path, *, limit: int, label: str) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them, or ValidationError."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise ValidationError(label, f"cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(st.st_mode):
        raise ValidationError(label, "is not a regular file (a device, pipe or folder); "
                                     "give a plain file")
    if st.st_size > limit:
        raise ValidationError(label, f"is too large (over {_size(limit)})")
    try:
        # O_NONBLOCK: if the path was swapped for a FIFO since the stat, open must not hang.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise ValidationError(label, f"cannot be read ({exc.strerror or exc})") from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise ValidationError(label, "is not a regular file; give a plain file")
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(label, f"is too large (over {_size(limit)})")
    return data


def read_text_bounded(path: Path, *, limit: int, label: str) -> str:
    """`read_bounded` decoded as UTF-8 (a byte-order mark is dropped)."""
    try:
        return read_bounded(path, limit=limit, label=label).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(label, "is not UTF-8 text") from None


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)  # unrolled: linear, fast
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DELTA = {"[": 1, "{": 1, "]": -1, "}": -1}


def check_nesting(text: str, *, label: str, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Refuse JSON nested deeper than `max_depth` (brackets inside strings do not count).

    Done with regular expressions and `accumulate`, at C speed: a 500 MB export is checked
    in about a second, not the minute a character loop in Python would take."""
    if text.count("[") + text.count("{") <= max_depth:
        return
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if max(accumulate(map(_DELTA.__getitem__, brackets)), default=0) > max_depth:
        raise ValidationError(label, f"is nested more than {max_depth} levels deep")


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(f"has a number with more than {MAX_NUMBER_CHARS} digits")
    value = int(text)
    if not -INT_LIMIT < value < INT_LIMIT:
        raise _Refused("has a whole number too large to store (at most 2^63 − 1)")
    return value


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(f"has a number with more than {MAX_NUMBER_CHARS} characters")
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _Refused("has a number too large to store")
    return value


def _no_constant(wording: JsonWording) -> Callable[[str], None]:
    def refuse(name: str) -> None:
        raise _Refused(wording.constant.format(name=name))
    return refuse


def _no_duplicate_keys(wording: JsonWording) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    def build(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise _Refused(wording.duplicate_key.format(
                    key=key[:40], key_json=json.dumps(key[:40])))
            out[key] = value
        return out
    return build


class _Refused(ValueError):
    """Internal: JSON that parses but that no KAP Notes file may contain."""


def loads_bounded(text: str, *, label: str, max_depth: int = MAX_JSON_DEPTH,
                  pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None,
                  wording: JsonWording = DEFAULT_WORDING) -> Any:
    """`json.loads` after the nesting check, with bounded numbers and no duplicate keys."""
    check_nesting(text, label=label, max_depth=max_depth)
    try:
        return json.loads(text, object_pairs_hook=pairs_hook or _no_duplicate_keys(wording),
                          parse_int=_parse_int, parse_float=_parse_float,
                          parse_constant=_no_constant(wording))
    except json.JSONDecodeError as exc:
        raise ValidationError(label, wording.not_json.format(
            msg=exc.msg, line=exc.lineno, column=exc.colno)) from None
    except _Refused as exc:
        raise ValidationError(label, str(exc)) from None
    except (ValueError, RecursionError):  # e.g. Python's own digit limit, belt and braces
        raise ValidationError(label, "is not valid JSON") from None


def read_json_bounded(path: Path, *, limit: int, label: str,
                      max_depth: int = MAX_JSON_DEPTH) -> Any:
    """A JSON file read through `read_bounded` and parsed with `loads_bounded`."""
    return loads_bounded(read_text_bounded(path, limit=limit, label=label), label=label,
                         max_depth=max_depth)


def _size(limit: int) -> str:
    if limit >= 1 << 20:
        return f"{limit / (1 << 20):g} MB"
    if limit >= 1024:
        return f"{limit / 1024:g} KB"
    return f"{limit} bytes"
