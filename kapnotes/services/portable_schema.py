"""Check a document against the shipped JSON Schema, without the `jsonschema` package.

`jsonschema` is a development dependency only (tests prove the schema and the exporter agree);
the app checks imports with this small interpreter of the keywords the export schema uses:
$ref (local), type, enum, const, required, properties, additionalProperties, items, anyOf,
minimum, maximum, exclusiveMinimum, minLength, maxLength, maxItems, pattern and format (date,
kapnotes-timestamp). The review file schema (docs/REVIEW-FORMAT.md) is checked by it too.
The first bad value is reported with its JSON path, e.g.
`clients[2].courses[0].sessions[4].vitals[1].systolic: 300 is outside 50–260`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from typing import Any, NoReturn

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.protocols import protocols_in_use
from kapnotes.paths import resource_path

SCHEMA_FILE = "kapnotes-export-v1.schema.json"

_TYPES: dict[str, Any] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


# Said when a file's course follows a protocol this app does not have (a practice's own).
UNKNOWN_PROTOCOL = ("a protocol this app does not have; add its protocol file to the "
                    "practice's protocols folder (docs/PROTOCOLS.md) and import again")


@cache
def _shipped_schema() -> dict[str, Any]:
    return json.loads(resource_path("schema", SCHEMA_FILE).read_text(encoding="utf-8"))


def load_schema(protocol_ids: Sequence[str] | None = None) -> dict[str, Any]:
    """The shipped schema, with a course's `protocol` limited to the protocols this app has
    (default: the set in use, built-ins plus the practice's files): the file names the
    shape of an id, the loaded protocols which ids there are (docs/PROTOCOLS.md)."""
    shipped = _shipped_schema()
    ids = list(protocol_ids if protocol_ids is not None else protocols_in_use().ids)
    defs = {**shipped["$defs"], "protocol": {**shipped["$defs"]["protocol"], "enum": ids,
                                              "x-refused": UNKNOWN_PROTOCOL}}
    return {**shipped, "$defs": defs}


def json_type(value: object) -> str:
    for name in ("null", "boolean", "integer", "number", "string", "array", "object"):
        if _TYPES[name](value):
            return name
    return type(value).__name__


def show(value: object) -> str:
    """A bad value as a message may name it: numbers and true/false as they are, anything
    else only by its kind and size. Text is never echoed: it may be note content or a name."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int | float):
        text = json.dumps(value)
        return text if len(text) <= 20 else "a very long number"
    if isinstance(value, str):
        return f"a text of {len(value):,} character{'s' if len(value) != 1 else ''}"
    if isinstance(value, list):
        return f"a list of {len(value):,} item{'s' if len(value) != 1 else ''}"
    return f"an {json_type(value)}" if json_type(value) in ("object", "array") \
        else f"a {json_type(value)}"


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _format_ok(fmt: str, value: str) -> bool:
    try:
        if fmt == "date":
            date.fromisoformat(value)
        elif fmt == "kapnotes-timestamp":
            datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


class _Checker:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            ref = schema["$ref"]
            if not ref.startswith("#/"):
                raise ValueError(f"only local references are supported: {ref}")
            node: Any = self.root
            for part in ref[2:].split("/"):
                node = node[part]
            schema = node
        return schema

    def check(self, value: object, schema: dict[str, Any], path: str) -> None:
        schema = self.resolve(schema)
        if "anyOf" in schema:
            self._any_of(value, schema["anyOf"], path)
        if "const" in schema and value != schema["const"]:
            self.fail(path, f"must be {show(schema['const'])}, not {show(value)}")
        if "enum" in schema and value not in schema["enum"]:
            allowed = ", ".join(str(v) for v in schema["enum"] if v is not None)
            why = f" ({schema['x-refused']})" if "x-refused" in schema else ""
            self.fail(path, f"{show(value)} is not one of {allowed}{why}")
        if "type" in schema:
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(_TYPES[t](value) for t in types):
                self.fail(path, f"expected {' or '.join(types)}, found {json_type(value)}")
        if isinstance(value, str):
            self._string(value, schema, path)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            self._number(value, schema, path)
        elif isinstance(value, dict):
            self._object(value, schema, path)
        elif isinstance(value, list):
            if len(value) > schema.get("maxItems", len(value)):
                self.fail(path, f"has more than {schema['maxItems']:,} items")
            for i, item in enumerate(value if "items" in schema else ()):
                self.check(item, schema["items"], join(path, i))

    def _any_of(self, value: object, options: list[dict[str, Any]], path: str) -> None:
        last: ValidationError | None = None
        for option in options:
            try:
                self.check(value, option, path)
                return
            except ValidationError as exc:
                last = exc  # the last option is the informative one (null comes first)
        assert last is not None
        raise last

    def _string(self, value: str, schema: dict[str, Any], path: str) -> None:
        if len(value) < schema.get("minLength", 0):
            self.fail(path, "must not be empty" if not value else "is too short")
        if len(value) > schema.get("maxLength", len(value)):
            self.fail(path, f"is longer than {schema['maxLength']:,} characters")
        pattern = schema.get("pattern")
        fmt = schema.get("format")
        if (pattern and not re.search(pattern, value)) or (fmt and not _format_ok(fmt, value)):
            what = schema.get("description", "the expected form")
            self.fail(path, f"{show(value)} is not {what}")

    def _number(self, value: float, schema: dict[str, Any], path: str) -> None:
        lo, hi = schema.get("minimum"), schema.get("maximum")
        xlo = schema.get("exclusiveMinimum")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            if lo is not None and hi is not None:
                self.fail(path, f"{show(value)} is outside {lo}–{hi}")
            if lo is not None:
                self.fail(path, f"{show(value)} is below the minimum {lo}")
            self.fail(path, f"{show(value)} is above the maximum {hi}")
        if xlo is not None and value <= xlo:
            self.fail(path, f"{show(value)} must be more than {xlo}")

    def _object(self, value: dict[str, Any], schema: dict[str, Any], path: str) -> None:
        for key in schema.get("required", ()):
            if key not in value:
                self.fail(join(path, key), "is missing")
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                self.check(item, props[key], join(path, key))
            elif extra is False:
                self.fail(join(path, key), "is not a known key here")
            elif isinstance(extra, dict):
                self.check(item, extra, join(path, key))

    @staticmethod
    def fail(path: str, message: str) -> NoReturn:
        raise ValidationError(path or "(document)", message)


def check_document(doc: object, protocol_ids: Sequence[str] | None = None) -> None:
    """ValidationError naming the JSON path of the first value the schema refuses.
    `protocol_ids`: the protocols a course may follow (default: the set in use)."""
    schema = load_schema(protocol_ids)
    _Checker(schema).check(doc, schema, "")


def check_against(doc: object, root: dict[str, Any], definition: str) -> None:
    """Check `doc` against `root["$defs"][definition]` (local $refs resolve in `root`)."""
    _Checker(root).check(doc, {"$ref": f"#/$defs/{definition}"}, "")
