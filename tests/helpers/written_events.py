"""Every audit event the app's source can write, read from the code itself (no import, no run).

A writer is a call of `kapnotes.storage.audit.record` (the event is its second argument) or
`record_all` (the first item of each tuple of its list), under whatever name the module bound
the audit module or the function to, plus the entries `storage/audit.py` builds itself (a
dict with an "event" key it names: the `audit.keyed` marker). An event is read from a string
literal, a module-level string constant (the module's own or one it imported from kapnotes),
either arm of a conditional expression, or an f-string, whose literal head (`s8.entry.`)
names a family. Anything else is reported as unreadable, so a new kind of writer fails the
test that uses this rather than being skipped in silence.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import kapnotes

PACKAGE = Path(kapnotes.__file__).resolve().parent
AUDIT_MODULE = "kapnotes.storage.audit"
WRITERS = {"record": 1, "record_all": 1}  # the function → the position of its event argument
WRITER_WORD = re.compile(r"\brecord(_all)?\b")


@dataclass
class WrittenEvents:
    events: dict[str, list[str]] = field(default_factory=dict)  # event → "file:line" sites
    families: dict[str, list[str]] = field(default_factory=dict)  # f-string head → sites
    unreadable: list[str] = field(default_factory=list)  # "file:line: the expression"


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def string_constants(tree: ast.Module) -> dict[str, str]:
    """NAME = "text" (or NAME: str = "text") at the module's top level."""
    found = {}
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) else [])
        value = getattr(node, "value", None)
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            found.update({t.id: value.value for t in targets if isinstance(t, ast.Name)})
    return found


class _Module:
    def __init__(self, name: str, tree: ast.Module, constants: _Sources):
        self.name, self.tree, self.sources = name, tree, constants
        self.constants = dict(constants.get(name, {}))
        # local name → (module, name) of each `from kapnotes... import NAME`, in order; a
        # constant is looked up only when an event is named by it (the last import wins).
        self.imported: dict[str, list[tuple[str, str]]] = {}
        self.audit_names: set[str] = set()  # names bound to the audit module
        self.writer_names: dict[str, str] = {}  # local name → "record" / "record_all"
        if name == AUDIT_MODULE:
            self.writer_names = {w: w for w in WRITERS}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    local = alias.asname or alias.name
                    if f"{node.module}.{alias.name}" == AUDIT_MODULE:
                        self.audit_names.add(local)
                    elif node.module == AUDIT_MODULE and alias.name in WRITERS:
                        self.writer_names[local] = alias.name
                    else:
                        self.imported.setdefault(local, []).append((node.module, alias.name))
            elif isinstance(node, ast.Import):
                self.audit_names |= {a.asname for a in node.names
                                     if a.name == AUDIT_MODULE and a.asname}

    def writer(self, call: ast.Call) -> str | None:
        f = call.func
        if isinstance(f, ast.Attribute) and f.attr in WRITERS and isinstance(f.value, ast.Name) \
                and f.value.id in self.audit_names:
            return f.attr
        return self.writer_names.get(f.id) if isinstance(f, ast.Name) else None

    def constant(self, local: str) -> str | None:
        for module, name in reversed(self.imported.get(local, [])):
            if name in (found := self.sources.get(module, {})):
                return found[name]
        return self.constants.get(local)

    def names(self, expr: ast.expr) -> tuple[set[str], set[str]] | None:
        """(events, family heads) `expr` can be, or None when it cannot be read."""
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return {expr.value}, set()
        if isinstance(expr, ast.Name) and (value := self.constant(expr.id)) is not None:
            return {value}, set()
        if isinstance(expr, ast.IfExp):
            arms = [self.names(expr.body), self.names(expr.orelse)]
            if None in arms:
                return None
            return (set().union(*(a[0] for a in arms if a)),
                    set().union(*(a[1] for a in arms if a)))
        if isinstance(expr, ast.JoinedStr) and expr.values:
            head = expr.values[0]
            if isinstance(head, ast.Constant) and isinstance(head.value, str) and head.value \
                    and len(expr.values) > 1:
                return set(), {head.value}
        return None


def _event_arguments(call: ast.Call, writer: str) -> list[ast.expr] | None:
    """The expressions naming the events `call` writes, or None when they cannot be found."""
    arg = next((k.value for k in call.keywords if k.arg in ("event", "events")), None)
    if arg is None and len(call.args) > WRITERS[writer]:
        arg = call.args[WRITERS[writer]]
    if arg is None:
        return None
    if writer == "record":
        return [arg]
    rows = [arg.elt] if isinstance(arg, ast.ListComp | ast.GeneratorExp) else (
        list(arg.elts) if isinstance(arg, ast.List | ast.Tuple) else None)
    if rows is None or not all(isinstance(r, ast.Tuple) and r.elts for r in rows):
        return None
    return [r.elts[0] for r in rows if isinstance(r, ast.Tuple)]


class _Sources:
    """Module name → its top-level string constants, each file parsed on first ask: the scan
    runs when its test module is collected, in every worker, and most files are never asked."""

    def __init__(self, paths: dict[str, Path]) -> None:
        self.paths = paths
        self.trees: dict[str, ast.Module] = {}
        self.constants: dict[str, dict[str, str]] = {}

    def tree(self, name: str) -> ast.Module:
        if name not in self.trees:
            self.trees[name] = ast.parse(self.paths[name].read_text(encoding="utf-8"))
        return self.trees[name]

    def get(self, name: str, default: dict[str, str]) -> dict[str, str]:
        if name not in self.paths:
            return default
        if name not in self.constants:
            self.constants[name] = string_constants(self.tree(name))
        return self.constants[name]


def written_events(package: Path = PACKAGE) -> WrittenEvents:
    paths = {module_name(p): p for p in sorted(package.rglob("*.py"))}
    constants = _Sources(paths)
    # A writer is a call of `record` or `record_all`, so that word is in any file holding one
    # (in the call or in the import that renamed it); other files are read only for constants.
    writers = [name for name, path in paths.items()
               if name == AUDIT_MODULE or WRITER_WORD.search(path.read_text(encoding="utf-8"))]
    trees = {name: (paths[name], constants.tree(name)) for name in writers}
    found = WrittenEvents()

    def add(module: _Module, expr: ast.expr, site: str) -> None:
        read = module.names(expr)
        if read is None:
            found.unreadable.append(f"{site}: {ast.unparse(expr)}")
            return
        for event in read[0]:
            found.events.setdefault(event, []).append(site)
        for head in read[1]:
            found.families.setdefault(head, []).append(site)

    for name, (path, tree) in trees.items():
        module = _Module(name, tree, constants)
        where = path.relative_to(package.parent)  # once per file, not per node (collection)
        for node in ast.walk(tree):
            site = f"{where}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call) and (writer := module.writer(node)):
                exprs = _event_arguments(node, writer)
                if exprs is None:
                    found.unreadable.append(f"{site}: {ast.unparse(node)}")
                for expr in exprs or ():
                    add(module, expr, site)
            elif name == AUDIT_MODULE and isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    # `record` and `record_all` fill the dict from their parameter: only
                    # an entry the module names itself (the keyed marker) is an event here.
                    if isinstance(key, ast.Constant) and key.value == "event" \
                            and module.names(value) is not None:
                        add(module, value, site)
    return found
