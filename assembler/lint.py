"""Clause library lint: every problem in the library at once, each as a ``file:line: problem`` line.

The checks, in the order a maintainer meets them:

* metadata that does not load (the messages of ``load_library``, collected rather than raised);
* jinja syntax, unknown filters and tests, macro files that do not exist;
* variables and fields the answers do not have (``collaborative.nmae``, ``body.quorm``): the template is
  walked as a tree and each attribute chain is checked against the pydantic answers model;
* cross-references to clauses or anchors that do not exist, or that a document using the clause leaves out;
* clauses no document includes, and ``documents`` metadata that disagrees with the document definitions;
* defined terms used but not defined, or defined but never used;
* house templates missing or lacking the tags the Word writer fills;
* clauses whose text or condition changed without a version bump (``versions.lock``).
"""

from __future__ import annotations

import difflib
import io
import re
import time
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from jinja2.parser import Parser
from jinja2.sandbox import ImmutableSandboxedEnvironment
from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from .clause_tools import placements
from .errors import LibraryError, Problem
from .library import Clause, DocumentDef, Library, LibraryInfo, TermDef, default_root, load_library, parse_clause_file
from .model import Answers, DocumentKind
from .rendering import answers_context, make_environment

__all__ = ["HOUSE_TAGS", "LOCK_NAME", "LintReport", "lint_library", "update_lock"]

LOCK_NAME = "versions.lock"
HOUSE_TAGS = ("title", "collaborative", "parties", "date", "version", "status", "form", "body")
"""The docxtpl tags ``docx_writer.write_docx`` fills: every house template must have each of them."""

_DICT_METHODS = frozenset({"items", "keys", "values", "get"})
_SCHEDULE_ANCHOR = re.compile(r"^(?P<kind>[a-z]+)\.(?P<label>[a-z]+)\d+$")
_INLINE = re.compile(r"\[\[(?P<inner>[^\[\]]+?)\]\]")
_ANCHOR = re.compile(r"^[ \t]*#{1,5}\s.*\[#(?P<name>[a-z0-9_]+)\]\s*$", re.MULTILINE)  # on the raw line


# ---------------------------------------------------------------------------------------------- shapes
# What a value in the template context looks like, derived from the answers model.


@dataclass(frozen=True)
class AnyShape:
    """Not known statically (macro arguments, tuples, call results): not checked."""


@dataclass(frozen=True)
class ScalarShape:
    python: type


@dataclass(frozen=True)
class ListShape:
    item: Shape


@dataclass(frozen=True)
class MappingShape:
    """A dict keyed by data (party short names, body ids): any key is allowed."""

    value: Shape


@dataclass(frozen=True)
class RecordShape:
    """A model (seen by templates as a dict of its fields): only its fields exist."""

    name: str
    fields: dict[str, Shape]
    computed: frozenset[str] = frozenset()  # properties and methods of the model: not in the template data


Shape = AnyShape | ScalarShape | ListShape | MappingShape | RecordShape
ANY = AnyShape()
_RECORDS: dict[type[BaseModel], RecordShape] = {}


def _shape_of(annotation: Any) -> Shape:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _shape_of(args[0])
    if origin in (typing.Union, types.UnionType):
        real = [a for a in args if a is not type(None)]
        return _shape_of(real[0]) if len(real) == 1 else ANY
    if origin in (list, tuple, set, frozenset):
        return ListShape(_shape_of(args[0]) if args else ANY)
    if origin is dict:
        return MappingShape(_shape_of(args[1]) if len(args) == 2 else ANY)
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return record_of(annotation)
        if issubclass(annotation, Enum):
            return ScalarShape(str)  # the context holds enum values as strings
        if issubclass(annotation, str | int | float | Decimal | bool):
            return ScalarShape(annotation)
    return ANY


def record_of(model: type[BaseModel]) -> RecordShape:
    """The shape of a model's fields (properties and methods are not data, so they are absent)."""
    if model not in _RECORDS:
        fields = {n: _shape_of(f.annotation) for n, f in model.model_fields.items()}
        computed = frozenset(n for n in vars(model) if not n.startswith(("_", "model_")) and n not in fields)
        _RECORDS[model] = RecordShape(model.__name__, fields, computed)
    return _RECORDS[model]


def _shape_of_value(value: Any) -> Shape:
    if isinstance(value, str | int | float | Decimal | bool):
        return ScalarShape(type(value))
    return ANY


def context_shapes(doc: DocumentDef) -> dict[str, Shape]:
    """Every name a clause can use, read from a real context so lint follows ``answers_context``."""
    answers = record_of(Answers)
    party, body = answers.fields["parties"], answers.fields["bodies"]
    assert isinstance(party, ListShape) and isinstance(body, ListShape)
    sample = answers_context(Answers.model_validate({"collaborative": {"name": "x"}}), doc)
    known: dict[str, Shape] = {
        "members": party,
        "host": party.item,
        "board": body.item,
        "parties_by_name": MappingShape(party.item),
        "bodies_by_id": MappingShape(body.item),
    }
    roots: dict[str, Shape] = {}
    for name, value in sample.items():
        if name in answers.fields:
            roots[name] = answers.fields[name]
        elif name == "doc":
            roots[name] = RecordShape(
                "doc", {k: party if k == "parties" else _shape_of_value(v) for k, v in dict(value).items()}
            )
        else:
            roots[name] = known.get(name, ANY)
    roots.setdefault("body", body.item)  # the usual item of a part repeated per body
    roots.setdefault("item", ANY)
    return roots


def _item_of(shape: Shape) -> Shape:
    return shape.item if isinstance(shape, ListShape) else ANY


def _describe(shape: Shape) -> str:
    if isinstance(shape, RecordShape):
        return shape.name
    if isinstance(shape, ListShape):
        return "a list"
    if isinstance(shape, ScalarShape):
        return f"a {shape.python.__name__} value"
    return "a value"


def _nearest(name: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


# ------------------------------------------------------------------------------------ template checking


@dataclass
class _Data:
    text: str
    line: int  # 1-based within the template
    guarded: bool  # inside an {% if %} or {% for %}: it may not appear in every document


@dataclass
class _Found:
    line: int
    category: str
    message: str
    fix: str = ""


class TemplateCheck:
    """Walks one parsed template: checks attribute chains against shapes, filters and tests against the
    environment, and collects the literal text (for defined terms, cross-references and anchors)."""

    def __init__(self, env: ImmutableSandboxedEnvironment, macros: Path | None) -> None:
        self.env = env
        self.macros = macros
        self.found: list[_Found] = []
        self.data: list[_Data] = []
        self._depth = 0
        self._check_names = True
        self._maybe: set[str] = set()  # set in some branches of an {% if %} only
        self._reported: set[str] = set()

    def run(self, tree: nodes.Template, scope: dict[str, Shape], *, check_names: bool) -> None:
        self._check_names = check_names
        self.statements(tree.body, dict(scope))

    # -- statements
    def statements(self, body: Iterable[nodes.Node], scope: dict[str, Shape]) -> None:
        for node in body:
            self.statement(node, scope)

    def statement(self, node: nodes.Node, scope: dict[str, Shape]) -> None:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if isinstance(child, nodes.TemplateData):
                    self.data.append(_Data(child.data, child.lineno, self._depth > 0))
                else:
                    self.expr(child, scope)
        elif isinstance(node, nodes.For):
            items = self.expr(node.iter, scope)
            inner = dict(scope)
            self.bind(node.target, _item_of(items), inner)
            inner["loop"] = ANY
            if node.test is not None:
                self.expr(node.test, inner)
            self.guarded(node.body, inner)
            self.guarded(node.else_, dict(scope))
        elif isinstance(node, nodes.If):
            self.expr(node.test, scope)
            outcomes = [self.guarded(node.body, scope)]
            for branch in node.elif_:
                self.expr(branch.test, scope)
                outcomes.append(self.guarded(branch.body, scope))
            outcomes.append(self.guarded(node.else_, scope))
            # as at run time: a name set in every branch is set afterwards; in some only, it may be undefined
            new = [set(o) - set(scope) for o in outcomes]
            for name in set.intersection(*new):
                shapes = [o[name] for o in outcomes]
                scope[name] = shapes[0] if all(s == shapes[0] for s in shapes) else ANY
            self._maybe |= set.union(*new) - set(scope)
        elif isinstance(node, nodes.Assign):
            self.bind(node.target, self.expr(node.node, scope), scope)
        elif isinstance(node, nodes.AssignBlock):
            self.bind(node.target, ANY, scope)
            self.statements(node.body, scope)
        elif isinstance(node, nodes.Macro | nodes.CallBlock):
            if isinstance(node, nodes.CallBlock):
                self.expr(node.call, scope)
            for default in node.defaults:
                self.expr(default, scope)
            inner = dict(scope) | {a.name: ANY for a in node.args} | dict.fromkeys(("varargs", "kwargs", "caller"), ANY)
            check_names, self._check_names = self._check_names, False  # a macro body runs where it is called
            self.statements(node.body, inner)
            self._check_names = check_names
            if isinstance(node, nodes.Macro):
                scope[node.name] = ANY
        elif isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values, strict=False):
                self.bind(target, self.expr(value, scope), inner)
            self.statements(node.body, inner)
        elif isinstance(node, nodes.Import | nodes.FromImport):
            self.imported(node)
            if isinstance(node, nodes.Import):
                scope[node.target] = ANY
            else:
                for imported in node.names:
                    scope[imported[1] if isinstance(imported, tuple) else imported] = ANY
        elif isinstance(node, nodes.ExprStmt):
            self.expr(node.node, scope)
        else:
            for sub in node.iter_child_nodes():
                if isinstance(sub, nodes.Expr):
                    self.expr(sub, scope)
                else:
                    self.statement(sub, scope)

    def guarded(self, body: Iterable[nodes.Node], scope: dict[str, Shape]) -> dict[str, Shape]:
        """Walk a branch or loop body in its own copy of the scope; return that scope."""
        inner = dict(scope)
        self._depth += 1
        self.statements(body, inner)
        self._depth -= 1
        return inner

    def bind(self, target: nodes.Node, shape: Shape, scope: dict[str, Shape]) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = shape
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self.bind(item, ANY, scope)

    def imported(self, node: nodes.Import | nodes.FromImport) -> None:
        template = node.template
        if self.macros is None or not isinstance(template, nodes.Const) or not isinstance(template.value, str):
            return
        if not (self.macros / template.value).is_file():
            self.found.append(
                _Found(
                    node.lineno,
                    "macro",
                    f"imports {template.value}, which is not in {self.macros.name}/",
                    "fix the name",
                )
            )

    # -- expressions
    def expr(self, node: nodes.Node, scope: dict[str, Shape]) -> Shape:
        if isinstance(node, nodes.Name):
            if node.ctx == "load" and node.name not in scope:
                self.unknown_name(node, scope)
            return scope.get(node.name, ANY) if node.ctx == "load" else ANY
        if isinstance(node, nodes.Getattr):
            return self.attribute(self.expr(node.node, scope), node.attr, line=node.lineno, path=_path(node))
        if isinstance(node, nodes.Getitem):
            base = self.expr(node.node, scope)
            self.expr(node.arg, scope)
            key = node.arg.value if isinstance(node.arg, nodes.Const) else None
            if isinstance(key, str):
                return self.attribute(base, key, line=node.lineno, path=_path(node))
            if isinstance(base, ListShape) and not isinstance(node.arg, nodes.Slice):
                return base.item
            if isinstance(base, ListShape):
                return base
            return base.value if isinstance(base, MappingShape) else ANY
        if isinstance(node, nodes.Const):
            if isinstance(node.value, str) and "[[" in node.value:  # markup passed through | safe_markup
                self.data.append(_Data(node.value, node.lineno, True))
            return ScalarShape(type(node.value)) if isinstance(node.value, str) else ANY
        if isinstance(node, nodes.Filter | nodes.Test):
            return self.filter_or_test(node, scope)
        if isinstance(node, nodes.List):
            shapes = [self.expr(item, scope) for item in node.items]
            same = all(s == shapes[0] for s in shapes)
            return ListShape(shapes[0] if shapes and same else ANY)
        if isinstance(node, nodes.CondExpr):
            self.expr(node.test, scope)
            first = self.expr(node.expr1, scope)
            second = self.expr(node.expr2, scope) if node.expr2 is not None else first
            return first if first == second else ANY
        for child in node.iter_child_nodes():
            self.expr(child, scope)
        return ANY

    def unknown_name(self, node: nodes.Name, scope: dict[str, Shape]) -> None:
        name = node.name
        if not self._check_names or name in self.env.globals or name in self._reported:
            return
        self._reported.add(name)
        if name in self._maybe:
            what = f"{name} is set only in some branches of an {{% if %}} above, so it may be undefined here"
            self.found.append(_Found(node.lineno, "variable", what, "set it before the {% if %} or in every branch"))
        else:
            self.found.append(
                _Found(
                    node.lineno,
                    "variable",
                    f"unknown variable {name}{_nearest(name, scope)}",
                    "see docs/authoring-clauses.md",
                )
            )

    def attribute(self, base: Shape, name: str, *, line: int, path: str) -> Shape:
        """The shape of ``base.name``; a name the answers do not have is a problem at ``line``."""
        problem = ""
        if isinstance(base, RecordShape):
            if name in base.fields:
                return base.fields[name]
            if name in _DICT_METHODS:
                return ANY
            problem = f"{path}: {base.name} has no field {name}{_nearest(name, base.fields)}"
            if name in base.computed:
                problem = (
                    f"{path}: {name} is a property of {base.name} in Python, not an answer: templates see fields only"
                )
        elif isinstance(base, MappingShape):
            return ANY if name in _DICT_METHODS else base.value
        elif isinstance(base, ListShape | ScalarShape):
            python = list if isinstance(base, ListShape) else base.python
            if hasattr(python, name) and not name.startswith("_"):
                return ANY
            problem = f"{path}: {_describe(base)} has no attribute {name}"
        if problem:
            self.found.append(_Found(line, "variable", problem, "see assembler/model.py for the answers' fields"))
        return ANY

    def filter_or_test(self, node: nodes.Filter | nodes.Test, scope: dict[str, Shape]) -> Shape:
        base = self.expr(node.node, scope) if node.node is not None else ANY
        for arg in [*node.args, *(k.value for k in node.kwargs)]:
            self.expr(arg, scope)
        for dyn in (node.dyn_args, node.dyn_kwargs):
            if dyn is not None:
                self.expr(dyn, scope)
        if isinstance(node, nodes.Test):
            if node.name not in self.env.tests:
                self.found.append(
                    _Found(node.lineno, "jinja", f"unknown test {node.name}{_nearest(node.name, self.env.tests)}")
                )
            return ANY
        if node.name not in self.env.filters:
            self.found.append(
                _Found(node.lineno, "jinja", f"unknown filter {node.name}{_nearest(node.name, self.env.filters)}")
            )
            return ANY
        return self.filtered(node, base)

    def filtered(self, node: nodes.Filter, base: Shape) -> Shape:
        """The shape a filter returns, checking attribute names the filter is given."""
        item = _item_of(base)
        attribute = next((k.value for k in node.kwargs if k.key == "attribute"), None)
        if node.name in ("selectattr", "rejectattr") and node.args:
            attribute = node.args[0]
        attr_shape: Shape = ANY
        if isinstance(attribute, nodes.Const) and isinstance(attribute.value, str):
            attr_shape = item
            for part in attribute.value.split("."):
                attr_shape = self.attribute(
                    attr_shape, part, line=node.lineno, path=f"{node.name}({attribute.value!r})"
                )
        if node.name in ("first", "last", "random"):
            return item
        if node.name in ("list", "sort", "unique", "reverse", "select", "reject", "selectattr", "rejectattr"):
            return base if isinstance(base, ListShape) else ANY
        if node.name in ("default", "d"):
            return base
        if node.name == "map" and attribute is not None:
            return ListShape(attr_shape)
        return ANY


def _path(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_path(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        key = node.arg.value if isinstance(node.arg, nodes.Const) else "…"
        return f"{_path(node.node)}[{key!r}]"
    return "(…)"


def parse_expression(env: ImmutableSandboxedEnvironment, source: str) -> nodes.Template:
    """A condition or ``for_each`` expression as a one-output template (the parse ``compile_expression`` does)."""
    parser = Parser(env, source, state="variable")
    expression = parser.parse_expression()
    if not parser.stream.eos:
        raise TemplateSyntaxError("unexpected text after the expression", parser.stream.current.lineno, None, None)
    tree = nodes.Template([nodes.Output([expression], lineno=1)], lineno=1)
    tree.set_environment(env)
    return tree


# -------------------------------------------------------------------------------------------- the lint


@dataclass
class LintReport:
    problems: list[Problem]
    clauses: int
    seconds: float

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Source:
    """One file whose text lint reads: its display name and where its keys are."""

    name: str
    keys: dict[str, int] = field(default_factory=dict)

    def line(self, key: str, default: int | None = 1) -> int | None:
        return self.keys.get(key, default)


def _display(path: Path, root: Path) -> str:
    """A path as load_library names it: relative to the library's parent folder."""
    try:
        return str(Path(root.name) / path.relative_to(root))
    except ValueError:
        return str(path)


def _key_lines(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if line == "---":
            break
        if line and not line[0].isspace() and not line.startswith("#") and ":" in line:
            lines.setdefault(line.split(":", 1)[0].strip(), number)
    return lines


def _read_yaml(path: Path) -> Any:
    try:
        return YAML(typ="safe", pure=True).load(io.StringIO(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, YAMLError):
        return None


def _partial_library(root: Path) -> Library:
    """Whatever loads of a broken library, so the other checks still run (load_library reports the rest)."""
    library = Library(root=root, info=LibraryInfo(name="(partial)", version="0.0"))
    ignored: list[Problem] = []
    for path in sorted(root.rglob("*.clause")):
        clause = parse_clause_file(path, ignored)
        if clause is not None:
            library.clauses.setdefault(clause.id, clause)
    for path in sorted((root / "documents").glob("*.yaml")):
        try:
            doc = DocumentDef.model_validate(_read_yaml(path))
        except ValidationError:
            continue
        library.documents.setdefault(DocumentKind(doc.kind), doc)
    for path in sorted((root / "terms").glob("*.yaml")):
        data = _read_yaml(path)
        for term, value in (data if isinstance(data, dict) else {}).items():
            try:
                library.terms.setdefault(str(term), TermDef.model_validate(value))
            except ValidationError:
                continue
            library.term_files.setdefault(str(term), _display(path, root))
    return library


class _Lint:
    def __init__(self, library: Library, templates: Path, lock: Path) -> None:
        self.library = library
        self.root = library.root
        self.templates = templates
        self.lock = lock
        self.env = make_environment(library.root / "macros")
        self.problems: list[Problem] = []
        self.sources: dict[str, _Source] = {}
        self.anchors: dict[str, set[str]] = {}
        self.refs: list[tuple[str, str, int, bool]] = []  # (file, target, line, guarded)
        self.clause_refs: dict[str, list[tuple[str, int, bool]]] = {}
        self.terms_used: dict[str, tuple[str, int]] = {}
        self.uses: dict[str, list[tuple[str, int]]] = {}
        self.placements = {cid: {p.document for p in ps} for cid, ps in placements(library).items()}

    def add(self, file: str, line: int | None, category: str, what: str, fix: str = "") -> None:
        self.problems.append(Problem(file, category, what, fix, line))

    def source(self, path: Path) -> _Source:
        name = _display(path, self.root)
        if name not in self.sources:
            text = path.read_text(encoding="utf-8") if path.is_file() else ""
            self.sources[name] = _Source(name, _key_lines(text))
        return self.sources[name]

    # -- templates of every kind
    def template(
        self, source: str, *, file: str, offset: int, scope: dict[str, Shape] | None, expression: bool = False
    ) -> TemplateCheck | None:
        """Parse and check one piece of jinja; ``offset`` is the file line of its first line (``scope`` None: macro file)."""
        try:
            tree = parse_expression(self.env, source) if expression else self.env.parse(source)
        except TemplateSyntaxError as exc:
            line = offset + (0 if expression else (exc.lineno or 1) - 1)
            self.add(file, line, "jinja", f"syntax: {exc.message}", "fix the jinja")
            return None
        check = TemplateCheck(self.env, self.root / "macros")
        check.run(tree, scope or {}, check_names=scope is not None)
        for found in check.found:
            line = offset + (0 if expression else found.line - 1)
            self.add(file, line, found.category, found.message, found.fix)
        return check

    def markup(self, check: TemplateCheck, *, file: str, offset: int, owner: str | None) -> None:
        """Defined terms, cross-references and anchors in the literal text of a template."""
        for data in check.data:
            for match in _INLINE.finditer(data.text):
                inner = match.group("inner").strip()
                line = offset + data.line - 1 + data.text.count("\n", 0, match.start())
                if inner.startswith("ref:"):
                    self.refs.append((file, inner[4:].strip(), line, data.guarded))
                    if owner is not None:
                        self.clause_refs.setdefault(owner, []).append((inner[4:].strip(), line, data.guarded))
                else:
                    term = inner.partition("|")[0].strip()
                    self.uses.setdefault(term, []).append((file, line))

    # -- the checks
    def run(self) -> None:
        shapes = self.shapes()
        for clause in self.library.clauses.values():
            self.clause(clause, shapes.get(clause.id, shapes[""]))
        macros = self.root / "macros"
        for path in sorted(macros.glob("*.j2")) if macros.is_dir() else []:
            name = _display(path, self.root)
            check = self.template(path.read_text(encoding="utf-8"), file=name, offset=1, scope=None)
            if check is not None:
                self.markup(check, file=name, offset=1, owner=None)
        self.definitions(shapes[""])
        self.documents(shapes[""])
        self.references()
        self.terms()
        self.inclusion()
        self.house_templates()
        self.versions()

    def shapes(self) -> dict[str, dict[str, Shape]]:
        """The names each clause can use: the context, plus the item of each repeated part it is in."""
        kind = next(iter(self.library.documents), DocumentKind.CJV)
        doc = self.library.documents.get(kind) or DocumentDef(
            kind=kind, title="x", self_name="x", body=["x.x"], file_name="x"
        )
        base = context_shapes(doc)
        out: dict[str, dict[str, Shape]] = {"": base}
        for definition in self.library.documents.values():
            for schedule in definition.schedules:
                if not schedule.for_each:
                    continue
                item = self.schedule_item(schedule.for_each, base)
                for clause_id in schedule.clauses:
                    scope = out.setdefault(clause_id, dict(base))
                    known = scope.get(schedule.item)
                    scope[schedule.item] = item if known in (None, base.get(schedule.item), item) else ANY
        return out

    def clause(self, clause: Clause, scope: dict[str, Shape]) -> None:
        source = self.source(clause.path)
        cond_line = source.line("condition", source.line("id"))
        self.template(clause.meta.condition, file=source.name, offset=cond_line or 1, scope=scope, expression=True)
        check = self.template(clause.body, file=source.name, offset=clause.body_line, scope=scope)
        # a heading line may hold jinja before its [#name], so anchors are read from the raw lines
        self.anchors[clause.id] = {m.group("name") for m in _ANCHOR.finditer(clause.body)}
        if check is not None:
            self.markup(check, file=source.name, offset=clause.body_line, owner=clause.id)

    def definitions(self, scope: dict[str, Shape]) -> None:
        for term, definition in self.library.terms.items():
            path = self.root.parent / self.library.term_files.get(term, "")
            source = self.source(path) if path.is_file() else _Source(self.library.term_files.get(term, "terms"))
            line = source.line(term)
            for text in [definition.definition, *definition.by_document.values()]:
                check = self.template(text, file=source.name, offset=line or 1, scope=scope)
                if check is not None:
                    for data in check.data:
                        data.line = 1  # a definition is one YAML value: report its term's line
                    self.markup(check, file=source.name, offset=line or 1, owner=None)

    def documents(self, scope: dict[str, Shape]) -> None:
        for kind, doc in self.library.documents.items():
            path = self.root / "documents" / f"{kind.value}.yaml"
            source = self.source(path)
            text = path.read_text(encoding="utf-8") if path.is_file() else ""
            for schedule in doc.schedules:
                line = _line_containing(text, schedule.title) or source.line("schedules")
                self.template(schedule.condition, file=source.name, offset=line or 1, scope=scope, expression=True)
                inner = dict(scope)
                if schedule.for_each:
                    each = _line_containing(text, schedule.for_each) or line
                    check = self.template(
                        schedule.for_each, file=source.name, offset=each or 1, scope=scope, expression=True
                    )
                    if check is None:
                        continue
                    inner[schedule.item] = self.schedule_item(schedule.for_each, scope)
                self.template(schedule.title, file=source.name, offset=line or 1, scope=inner)

    def schedule_item(self, for_each: str, scope: dict[str, Shape]) -> Shape:
        """The shape of the item a repeated schedule binds (``for_each: bodies`` → a Body)."""
        try:
            tree = parse_expression(self.env, for_each)
        except TemplateSyntaxError:
            return ANY
        output = tree.body[0]
        assert isinstance(output, nodes.Output)
        return _item_of(TemplateCheck(self.env, None).expr(output.nodes[0], dict(scope)))

    def references(self) -> None:
        schedule_anchors = {
            f"{kind.value}.{s.label.lower()}" for kind, doc in self.library.documents.items() for s in doc.schedules
        }
        for file, target, line, _guarded in self.refs:
            if target in self.library.clauses:
                continue
            clause_id, _, anchor = target.rpartition(".")
            if clause_id in self.library.clauses and anchor in self.anchors.get(clause_id, set()):
                continue
            schedule = _SCHEDULE_ANCHOR.match(target)
            if schedule and f"{schedule.group('kind')}.{schedule.group('label')}" in schedule_anchors:
                continue
            if clause_id in self.library.clauses:
                declared = sorted(self.anchors.get(clause_id, set()))
                hint = f"it declares: {', '.join(declared)}" if declared else "add [#" + anchor + "] to a heading in it"
                self.add(file, line, "reference", f"[[ref:{target}]]: {clause_id} has no anchor [#{anchor}]", hint)
            else:
                self.add(
                    file, line, "reference", f"[[ref:{target}]]: no such clause{_nearest(target, self.library.clauses)}"
                )
        # a reference that is always printed must point into every document the clause is in
        for clause_id, refs in self.clause_refs.items():
            clause = self.library.clauses[clause_id]
            for target, line, guarded in refs:
                owner = target if target in self.library.clauses else target.rpartition(".")[0]
                if guarded or owner not in self.library.clauses:
                    continue
                for kind in sorted(self.placements.get(clause_id, set())):
                    if owner not in self.placements or kind not in self.placements[owner]:
                        self.add(
                            _display(clause.path, self.root),
                            line,
                            "reference",
                            f"[[ref:{target}]]: document {kind} includes {clause_id} but not {owner}",
                            "point at a clause in that document, or put the reference inside an {% if %}",
                        )

    def terms(self) -> None:
        for term, uses in sorted(self.uses.items()):
            if term not in self.library.terms:
                for file, line in uses:
                    defined = self.library.terms
                    self.add(
                        file,
                        line,
                        "term",
                        f"[[{term}]] is used but not defined{_nearest(term, defined)}",
                        "define it in a file in clause_library/terms/",
                    )
        for term in sorted(set(self.library.terms) - set(self.uses)):
            name = self.library.term_files.get(term, "terms")
            path = self.root.parent / name
            key_line = self.source(path).line(term) if path.is_file() else None
            self.add(
                name, key_line, "term", f"{term} is defined but no clause or definition uses it", "use it or delete it"
            )

    def inclusion(self) -> None:
        for clause_id, clause in self.library.clauses.items():
            source = self.source(clause.path)
            placed = set(self.placements.get(clause_id, {}))
            claimed = {DocumentKind(d) for d in clause.meta.documents}
            if not placed:
                self.add(
                    source.name,
                    source.line("id"),
                    "documents",
                    f"{clause_id} is not included in any document",
                    "add it to a clause_library/documents/*.yaml or delete it",
                )
                continue
            for kind in sorted(placed - claimed):
                self.add(
                    source.name,
                    source.line("documents"),
                    "documents",
                    f"documents/{kind.value}.yaml uses {clause_id} but its `documents` does not list {kind.value}",
                    "add it to `documents`",
                )
            for kind in sorted(claimed - placed):
                self.add(
                    source.name,
                    source.line("documents"),
                    "documents",
                    f"`documents` lists {kind.value} but documents/{kind.value}.yaml does not include {clause_id}",
                    "remove it from `documents` or add the clause to that document",
                )

    def house_templates(self) -> None:
        checked: dict[Path, set[str] | None] = {}
        for kind, doc in sorted(self.library.documents.items()):
            path = self.templates / doc.template
            source = self.source(self.root / "documents" / f"{kind.value}.yaml")
            if not path.is_file():
                self.add(
                    source.name,
                    source.line("template", source.line("kind")),
                    "template",
                    f"template {doc.template} not found in {self.templates.name}/",
                    "run templates/make_templates.py or fix the name",
                )
                continue
            if path in checked:
                continue
            checked[path] = tags = _template_tags(path)
            display = _display(path, self.templates)
            if tags is None:
                self.add(display, None, "template", f"{doc.template} cannot be read as a Word template")
                continue
            for tag in HOUSE_TAGS:
                if tag not in tags:
                    self.add(
                        display,
                        None,
                        "template",
                        f"house template lacks the tag {{{{ {tag} }}}}",
                        "add it (see make_templates.py)",
                    )

    def versions(self) -> None:
        lock_name = _display(self.lock, self.root)
        locked = read_lock(self.lock)
        for clause_id, clause in sorted(self.library.clauses.items()):
            source = self.source(clause.path)
            line = source.line("version")
            problem = _version_problem(clause, locked.get(clause_id))
            if problem is not None:
                self.add(source.name, line, "version", *problem)
        for clause_id in sorted(set(locked) - set(self.library.clauses)):
            what = f"records {clause_id}, which no longer exists"
            self.add(lock_name, None, "version", what, "run `assembler clauses lint --update-lock`")


def _line_containing(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle.strip() and needle.strip() in line:
            return number
    return None


_DOCX_TAG = re.compile(r"\{\{[pr]?\s*(?P<var>[A-Za-z_]\w*)|\{%[pr]?\s*for\s+\w+\s+in\s+(?P<loop>[A-Za-z_]\w*)")


def _template_tags(path: Path) -> set[str] | None:
    """The variables a house template's docxtpl tags use (a tag may be split across Word runs, so the text of
    each part is read with the XML markup removed)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as package:
            parts = [n for n in package.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)]
            texts = [re.sub(r"<[^>]+>", "", package.read(n).decode("utf-8")) for n in parts]
    except (OSError, zipfile.BadZipFile, UnicodeDecodeError):
        return None
    if not parts:
        return None
    return {m.group("var") or m.group("loop") for text in texts for m in _DOCX_TAG.finditer(text)}


# ------------------------------------------------------------------------------------------ versions


def read_lock(path: Path) -> dict[str, dict[str, str]]:
    """The recorded versions: clause id → {version, hash} (empty when there is no lock yet)."""
    if not path.is_file():
        return {}
    data = _read_yaml(path)
    if not isinstance(data, dict):
        return {}
    return {
        str(k): {"version": str(v.get("version", "")), "hash": str(v.get("hash", ""))}
        for k, v in data.items()
        if isinstance(v, dict)
    }


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".") if p.isdigit())


def _version_problem(clause: Clause, recorded: dict[str, str] | None) -> tuple[str, str] | None:
    """What is wrong with a clause's version against the lock, and what to do; None when all is well."""
    version = clause.meta.version
    update = "run `assembler clauses lint --update-lock`"
    if recorded is None:
        return f"{clause.id} v{version} is not recorded in {LOCK_NAME}", update
    if recorded["hash"] == clause.text_hash:
        if recorded["version"] == version:
            return None
        return f"version changed to {version} but the text did not ({LOCK_NAME} records {recorded['version']})", update
    if recorded["version"] == version:
        what = f"text or condition changed since version {version} was recorded, but the version was not bumped"
        return what, f"bump `version`, then {update}"
    if _version_key(version) <= _version_key(recorded["version"]):
        return f"version {version} is not later than the recorded {recorded['version']}", "bump `version`"
    return f"version bumped to {version}; {LOCK_NAME} still records {recorded['version']}", update


def update_lock(root: Path | None = None, *, lock: Path | None = None) -> list[Problem]:
    """Record every clause's version and hash; refuse (returning why) when a changed clause kept its version."""
    root = root or default_root()
    lock = lock or root / LOCK_NAME
    library = _load(root)[0]
    locked = read_lock(lock)
    refused: list[Problem] = []
    for clause_id, clause in sorted(library.clauses.items()):
        recorded = locked.get(clause_id)
        if recorded is None or recorded["hash"] == clause.text_hash:
            continue
        if _version_key(clause.meta.version) <= _version_key(recorded["version"]):
            line = _key_lines(clause.path.read_text(encoding="utf-8")).get("version")
            what = f"{clause_id} changed but keeps version {clause.meta.version} (recorded {recorded['version']})"
            refused.append(Problem(_display(clause.path, root), "version", what, "bump `version` first", line))
    if refused:
        return refused
    lines = [
        "# Recorded clause versions: clause id -> version and hash of its text and condition.",
        "# Written by `assembler clauses lint --update-lock`; lint fails when a clause changes without a version bump.",
    ]
    for clause_id, clause in sorted(library.clauses.items()):
        lines.append(f'{clause_id}: {{version: "{clause.meta.version}", hash: "{clause.text_hash}"}}')
    text = "\n".join(lines) + "\n"
    if not lock.is_file() or lock.read_text(encoding="utf-8") != text:
        lock.write_text(text, encoding="utf-8")
    return []


# ------------------------------------------------------------------------------------------- entry


def _load(root: Path) -> tuple[Library, list[Problem]]:
    try:
        return load_library(root), []
    except LibraryError as exc:
        if not root.is_dir():
            raise
        return _partial_library(root), list(exc.problems)


def lint_library(root: Path | None = None, *, templates: Path | None = None, lock: Path | None = None) -> LintReport:
    """Every problem in the library at once, sorted by file and line."""
    from .assembly import templates_root

    started = time.perf_counter()
    root = root or default_root()
    library, problems = _load(root)
    lint = _Lint(library, templates or templates_root(), lock or root / LOCK_NAME)
    lint.problems.extend(problems)
    lint.run()
    unique = list(dict.fromkeys(lint.problems))
    unique.sort(key=lambda p: (p.file, p.line or 0, p.where, p.what))
    return LintReport(unique, len(library.clauses), time.perf_counter() - started)
