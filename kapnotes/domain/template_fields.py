"""Note-template definitions (fields, templates) and the strict parser for template JSON."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NoReturn

from kapnotes.domain.errors import ValidationError

BUILTIN = "builtin"
TEMPLATE_KINDS: tuple[str, ...] = ("preparation", "dosing", "integration")

# Field and option ids end up as keys in stored notes, so keep them plain and stable.
FIELD_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
TEMPLATE_ID_RE = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")

_TEMPLATE_KEYS = frozenset({"id", "version", "kind", "title", "description", "fields"})
_FIELD_KEYS = frozenset(
    {"id", "type", "label", "help", "required", "private", "options", "unit", "min", "max"}
)


class FieldType(StrEnum):
    """What a template field holds; decides its editor, its validation and how it prints."""

    HEADING = "heading"
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    CHECKLIST = "checklist"
    SCALE_0_10 = "scale_0_10"
    NUMBER = "number"
    TIME = "time"
    DATE = "date"
    REPEATING_LIST = "repeating_list"
    # Bound by the app to course data: the course's intentions, and themes with evidence.
    INTENTIONS_REVIEW = "intentions_review"
    THEMES = "themes"


# A tuple, not a set: an unhashable JSON value (a list) must be refused, not raise TypeError.
_FIELD_TYPE_NAMES: tuple[str, ...] = tuple(t.value for t in FieldType)
CHOICE_TYPES = frozenset({FieldType.SINGLE_CHOICE, FieldType.MULTI_CHOICE, FieldType.CHECKLIST})
TEXT_TYPES = frozenset({FieldType.SHORT_TEXT, FieldType.LONG_TEXT})


@dataclass(frozen=True)
class FieldOption:
    """One choice of a choice/checklist field: `id` is stored in notes, `label` is shown."""

    id: str
    label: str


@dataclass(frozen=True)
class TemplateField:
    """One field of a note template."""

    id: str
    type: FieldType
    label: str
    help: str = ""
    required: bool = False
    # Private = process notes: shown in the app, left out of exports unless asked for.
    private: bool = False
    options: tuple[FieldOption, ...] = ()
    unit: str = ""
    min: float | None = None
    max: float | None = None

    def option_label(self, option_id: str) -> str:
        """The label shown for a stored option id (the id itself if the option is unknown)."""
        for option in self.options:
            if option.id == option_id:
                return option.label
        return option_id


@dataclass(frozen=True)
class Template:
    """A versioned note template; a note keeps (id, version) so it always reopens as written."""

    id: str
    version: int
    kind: str
    title: str
    fields: tuple[TemplateField, ...]
    source: str = BUILTIN  # "builtin" or the practice file's path
    description: str = ""

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)

    @property
    def is_builtin(self) -> bool:
        return self.source == BUILTIN

    def field(self, field_id: str) -> TemplateField | None:
        for f in self.fields:
            if f.id == field_id:
                return f
        return None


def parse_template(data: object, source_name: str, source: str | None = None) -> Template:
    """Build a Template from decoded JSON, refusing anything doubtful.

    Every ValidationError names the file (`source_name`) and, where it applies, the field,
    e.g. "practice-prep.json, field 'goals': type 'essay' is not a known field type".
    """
    where = source_name
    if not isinstance(data, dict):
        _fail(where, "the file must hold one JSON object (a template), not a list or value")
    _check_keys(data, _TEMPLATE_KEYS, where)
    template_id = _required_str(data, "id", where)
    if not TEMPLATE_ID_RE.match(template_id):
        _fail(
            where,
            f"template id '{template_id}' must start with a lowercase letter and use only "
            "a-z, 0-9, '_' or '-' (at most 64 characters)",
        )
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        _fail(where, f"'version' must be a positive whole number (1, 2, ...), not {_show(version)}")
    kind = data.get("kind")
    if kind not in TEMPLATE_KINDS:
        _fail(where, f"'kind' must be one of {', '.join(TEMPLATE_KINDS)}, not {_show(kind)}")
    title = _required_str(data, "title", where)
    description = _optional_str(data, "description", where)
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        _fail(where, "'fields' must be a non-empty list of fields")
    fields: list[TemplateField] = []
    seen: set[str] = set()
    for position, raw in enumerate(raw_fields, start=1):
        parsed = _parse_field(raw, source_name, position)
        if parsed.id in seen:
            _fail(f"{source_name}, field '{parsed.id}'", "the same field id is used twice")
        seen.add(parsed.id)
        fields.append(parsed)
    if all(f.type is FieldType.HEADING for f in fields):
        _fail(where, "the template has only headings; add at least one field to fill in")
    return Template(
        id=template_id,
        version=version,
        kind=kind,
        title=title,
        fields=tuple(fields),
        source=source if source is not None else source_name,
        description=description,
    )


def template_to_data(template: Template) -> dict[str, Any]:
    """The JSON-ready form of a template (parse_template's inverse), e.g. to snapshot in a vault."""
    fields: list[dict[str, Any]] = []
    for f in template.fields:
        item: dict[str, Any] = {"id": f.id, "type": f.type.value, "label": f.label}
        if f.help:
            item["help"] = f.help
        if f.required:
            item["required"] = True
        if f.private:
            item["private"] = True
        if f.options:
            item["options"] = [{"id": o.id, "label": o.label} for o in f.options]
        if f.unit:
            item["unit"] = f.unit
        if f.min is not None:
            item["min"] = f.min
        if f.max is not None:
            item["max"] = f.max
        fields.append(item)
    data: dict[str, Any] = {
        "id": template.id,
        "version": template.version,
        "kind": template.kind,
        "title": template.title,
    }
    if template.description:
        data["description"] = template.description
    data["fields"] = fields
    return data


def _parse_field(raw: object, source_name: str, position: int) -> TemplateField:
    if not isinstance(raw, dict):
        _fail(f"{source_name}, field #{position}", "each field must be a JSON object")
    field_id = raw.get("id")
    if not isinstance(field_id, str) or not field_id.strip():
        _fail(f"{source_name}, field #{position}", "the field has no 'id'")
    where = f"{source_name}, field '{field_id}'"
    if not FIELD_ID_RE.match(field_id):
        _fail(
            where,
            "a field id must start with a lowercase letter and use only a-z, 0-9 and '_' "
            "(at most 64 characters)",
        )
    _check_keys(raw, _FIELD_KEYS, where)
    type_name = raw.get("type")
    if type_name not in _FIELD_TYPE_NAMES:
        _fail(where, f"type {_show(type_name)} is not a known field type")
    field_type = FieldType(type_name)
    label = _required_str(raw, "label", where)
    help_text = _optional_str(raw, "help", where)
    required = _optional_bool(raw, "required", where)
    private = _optional_bool(raw, "private", where)
    if field_type is FieldType.HEADING and required:
        _fail(where, "a heading cannot be required (it holds no value)")
    options = _parse_options(raw, field_type, where)
    unit, low, high = _parse_number_bounds(raw, field_type, where)
    return TemplateField(
        id=field_id,
        type=field_type,
        label=label,
        help=help_text,
        required=required,
        private=private,
        options=options,
        unit=unit,
        min=low,
        max=high,
    )


def _parse_options(raw: dict, field_type: FieldType, where: str) -> tuple[FieldOption, ...]:
    if field_type not in CHOICE_TYPES:
        if "options" in raw:
            _fail(where, f"'options' only apply to choice and checklist fields, not {field_type}")
        return ()
    raw_options = raw.get("options")
    least = 2 if field_type is FieldType.SINGLE_CHOICE else 1
    if not isinstance(raw_options, list) or len(raw_options) < least:
        _fail(where, f"a {field_type.value} field needs 'options': a list of at least {least}")
    options: list[FieldOption] = []
    for n, item in enumerate(raw_options, start=1):
        # A plain string is stored as written; {id, label} lets the label be reworded later.
        if isinstance(item, str) and item.strip():
            options.append(FieldOption(id=item, label=item))
            continue
        if isinstance(item, dict) and set(item) <= {"id", "label"}:
            option_id, label = item.get("id"), item.get("label")
            if isinstance(option_id, str) and FIELD_ID_RE.match(option_id):
                if isinstance(label, str) and label.strip():
                    options.append(FieldOption(id=option_id, label=label))
                    continue
        _fail(
            where,
            f'option {n} must be a non-empty string or {{"id": ..., "label": ...}} '
            "with an id like 'risks_explained'",
        )
    ids = [o.id for o in options]
    for option_id in ids:
        if ids.count(option_id) > 1:
            _fail(where, f"option '{option_id}' appears twice")
    return tuple(options)


def _parse_number_bounds(
    raw: dict, field_type: FieldType, where: str
) -> tuple[str, float | None, float | None]:
    if field_type is not FieldType.NUMBER:
        for key in ("unit", "min", "max"):
            if key in raw:
                _fail(where, f"'{key}' only applies to number fields")
        return "", None, None
    unit = _optional_str(raw, "unit", where)
    bounds: list[float | None] = []
    for key in ("min", "max"):
        value = raw.get(key)
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            _fail(where, f"'{key}' must be a number")
        bounds.append(value)
    low, high = bounds
    if low is not None and high is not None and low > high:
        _fail(where, f"'min' ({low}) is greater than 'max' ({high})")
    return unit, low, high


def _check_keys(data: dict, allowed: frozenset[str], where: str) -> None:
    # Unknown keys are usually typos ("requried"); keys starting with "_" are comments.
    for key in data:
        if not isinstance(key, str) or (key not in allowed and not key.startswith("_")):
            known = ", ".join(sorted(allowed))
            _fail(where, f"unknown key {_show(key)} (known keys: {known})")


def _required_str(data: dict, key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        _fail(where, f"'{key}' is missing or empty")
    return value


def _optional_str(data: dict, key: str, where: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        _fail(where, f"'{key}' must be text")
    return value


def _optional_bool(data: dict, key: str, where: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        _fail(where, f"'{key}' must be true or false, not {_show(value)}")
    return value


def _show(value: object) -> str:
    # A template is not patient data, but one arrives inside an import file: keep it short.
    shown = f"'{value}'" if isinstance(value, str) else repr(value)
    return shown if len(shown) <= 40 else shown[:39] + "…"


def _fail(where: str, message: str) -> NoReturn:
    raise ValidationError(where, message)
