"""Note templates: the library of built-in and practice templates, every version kept.

Definitions and parsing live in `template_fields`, value rules in `template_values`, display
and export text in `template_text`; all are re-exported here so callers import from one place.
The library takes folders as arguments (the domain knows no paths): the app passes
`resource_path("templates")` and `practice_templates_dir()`.

Rules:
- Built-in files are shipped and tested; a broken one is a bug and raises.
- A broken practice file is skipped and described in `problems`; everything else still loads.
- A practice template may not reuse a built-in template's id (refused with a message), so a
  note's (id, version) always means one definition.
- Every version of every id is kept: a note opens and prints under the version it was written in.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kapnotes.domain.bounded_input import JsonWording, loads_bounded, read_text_bounded
from kapnotes.domain.errors import ConflictError, NotFoundError, ValidationError
from kapnotes.domain.template_fields import (
    BUILTIN,
    TEMPLATE_KINDS,
    FieldOption,
    FieldType,
    Template,
    TemplateField,
    parse_template,
    template_to_data,
)
from kapnotes.domain.template_text import (
    RenderRow,
    display_text,
    is_review_checklist,
    render_rows,
    review_checklist_text,
    search_text,
)
from kapnotes.domain.template_values import (
    is_empty,
    missing_required,
    validate_value,
    validate_values,
)

__all__ = [
    "BUILTIN",
    "TEMPLATE_KINDS",
    "FieldOption",
    "FieldType",
    "RenderRow",
    "Template",
    "TemplateField",
    "TemplateLibrary",
    "display_text",
    "is_empty",
    "is_review_checklist",
    "load_template_file",
    "missing_required",
    "parse_template",
    "render_rows",
    "review_checklist_text",
    "search_text",
    "template_to_data",
    "validate_value",
    "validate_values",
]

# A template is a few kilobytes; anything far larger is not one (and must not stall start-up).
MAX_TEMPLATE_BYTES = 1_000_000
# Template authors keep the wording they know (tests/domain/test_templates.py); the checks
# themselves (nesting, numbers, duplicate keys, NaN) are bounded_input's, as for every file.
TEMPLATE_JSON_WORDING = JsonWording(
    not_json="not valid JSON (line {line}, column {column}: {msg})",
    duplicate_key="the key '{key}' appears twice in one object",
    constant="{name} is not a valid JSON number",
)


def load_template_file(path: Path, source: str | None = None) -> Template:
    """Read and parse one template file; ValidationError names the file (and field)."""
    name = path.name
    text = read_text_bounded(path, limit=MAX_TEMPLATE_BYTES, label=name)
    data = loads_bounded(text, label=name, wording=TEMPLATE_JSON_WORDING)
    return parse_template(data, name, source=source if source is not None else str(path))


class TemplateLibrary:
    """Every template the app knows, by (id, version); built-ins first, then the practice's."""

    def __init__(self) -> None:
        self._templates: dict[tuple[str, int], Template] = {}
        self._problems: list[str] = []

    @classmethod
    def load(cls, builtin_dir: Path, practice_dir: Path | None = None) -> TemplateLibrary:
        """Load the shipped templates, then the practice folder (which may not exist)."""
        library = cls()
        for path in _json_files(builtin_dir):
            library.add(load_template_file(path, source=BUILTIN))
        if practice_dir is not None:
            library.load_practice_folder(practice_dir)
        return library

    @property
    def problems(self) -> tuple[str, ...]:
        """One message per practice file that was skipped, naming the file and the field."""
        return tuple(self._problems)

    def load_practice_folder(self, folder: Path) -> None:
        """Add every valid `*.json` in `folder`; broken files go to `problems`, not raised."""
        try:
            paths = _json_files(folder)
        except OSError as exc:
            self._problems.append(f"{folder}: the templates folder cannot be read ({exc})")
            return
        for path in paths:
            try:
                self._add_practice(load_template_file(path))
            except (ValidationError, ConflictError) as exc:
                self._problems.append(str(exc))
            except Exception as exc:
                self._problems.append(f"{path.name}: cannot be used ({type(exc).__name__})")

    def add(self, template: Template) -> None:
        """Register a template (e.g. a snapshot kept in the vault); an identical copy is a no-op.

        ConflictError if this (id, version) already means something else, or changes kind.
        """
        existing = self._templates.get(template.key)
        if existing is not None:
            if _definition(existing) == _definition(template):
                return
            raise ConflictError(
                f"{_source_name(template)}: template '{template.id}' version {template.version} "
                f"is already defined differently in {_source_name(existing)}; "
                "give the changed template a new version number"
            )
        for other in self.versions(template.id):
            if other.kind != template.kind:
                raise ConflictError(
                    f"{_source_name(template)}: template '{template.id}' is a {other.kind} "
                    f"template in {_source_name(other)}; a new version must keep its kind"
                )
        self._templates[template.key] = template

    def find(self, template_id: str, version: int) -> Template | None:
        return self._templates.get((template_id, version))

    def get(self, template_id: str, version: int) -> Template:
        """The exact version a note was written under."""
        template = self.find(template_id, version)
        if template is None:
            raise NotFoundError(
                f"Template '{template_id}' version {version} is not installed; "
                "put its file back in the templates folder to open notes written with it"
            )
        return template

    def versions(self, template_id: str) -> list[Template]:
        """All known versions of one template id, oldest first."""
        found = [t for t in self._templates.values() if t.id == template_id]
        return sorted(found, key=lambda t: t.version)

    def newest(self, template_id: str) -> Template:
        """The highest version of a template id (what a new note uses)."""
        found = self.versions(template_id)
        if not found:
            raise NotFoundError(f"There is no template '{template_id}'")
        return found[-1]

    def for_kind(self, kind: str) -> list[Template]:
        """Newest version of each template of a kind: built-ins first, then practice by title."""
        _check_kind(kind)
        ids = {t.id for t in self._templates.values() if t.kind == kind}
        newest = [self.newest(template_id) for template_id in ids]
        return sorted(newest, key=lambda t: (not t.is_builtin, t.title.casefold(), t.id))

    def latest(self, kind: str) -> Template:
        """The default template for a new note of `kind`: the newest built-in one."""
        choices = self.for_kind(kind)
        if not choices:
            raise NotFoundError(f"There is no {kind} template")
        return choices[0]

    def all(self) -> list[Template]:
        """Every template version, ordered by id then version."""
        return sorted(self._templates.values(), key=lambda t: (t.id, t.version))

    def _add_practice(self, template: Template) -> None:
        builtin_ids = {t.id for t in self._templates.values() if t.is_builtin}
        if template.id in builtin_ids:
            raise ConflictError(
                f"{_source_name(template)}: the id '{template.id}' belongs to a built-in "
                f"template; give your template its own id (for example 'practice-{template.id}')"
            )
        self.add(template)


def _json_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    # Sorted so problems and clashes are reported the same way on every start.
    return sorted(p for p in folder.iterdir() if p.suffix == ".json" and not p.name.startswith("."))


def _definition(template: Template) -> Template:
    # Where a template was loaded from is not part of what it means.
    return replace(template, source="")


def _source_name(template: Template) -> str:
    return "built-in templates" if template.is_builtin else Path(template.source).name


def _check_kind(kind: str) -> None:
    if kind not in TEMPLATE_KINDS:
        raise ValueError(f"unknown session kind {kind!r}; expected one of {TEMPLATE_KINDS}")
