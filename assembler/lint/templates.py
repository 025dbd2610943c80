"""Template analysis: walk a parsed clause and check names, attribute chains, filters and tests statically."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from jinja2 import TemplateSyntaxError, nodes
from jinja2.parser import Parser
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .shapes import ANY, ListShape, MappingShape, RecordShape, ScalarShape, Shape, describe, item_of, nearest

__all__ = ["TemplateCheck", "parse_expression"]

_DICT_METHODS = frozenset({"items", "keys", "values", "get"})
_PIPELINES = frozenset({"selectattr", "rejectattr", "select", "reject", "map"})
"""Filters that select or transform lists: a clause doing that is computing a fact."""


def _is_dotted_path(node: nodes.Node) -> bool:
    """``a`` or ``a.b.c``: the only value a clause may name with ``{% set %}`` (an alias, not a computation)."""
    while isinstance(node, nodes.Getattr):
        node = node.node
    return isinstance(node, nodes.Name)


def _target(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.NSRef):
        return f"{node.name}.{node.attr}"
    return "…"


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
            self.bind(node.target, item_of(items), inner)
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
            if not (isinstance(node.target, nodes.Name) and _is_dotted_path(node.node)):
                self.computed(node.lineno, f"{{% set {_target(node.target)} = … %}}", _target(node.target))
            self.bind(node.target, self.expr(node.node, scope), scope)
        elif isinstance(node, nodes.AssignBlock):
            self.computed(node.lineno, f"{{% set {_target(node.target)} %}}…{{% endset %}}", _target(node.target))
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

    def computed(self, line: int, what: str, fact: str = "") -> None:
        """A fact worked out in the template: it belongs in the facts layer, where rules and clauses share it."""
        name = f" ({fact})" if fact else ""
        self.found.append(
            _Found(
                line,
                "facts",
                f"{what} computes a fact in the clause; a clause may only alias one with {{% set name = dotted.path %}}",
                f"add the fact{name} to assembler/facts.py with a unit test, pass it to the clauses in "
                "rendering.answers_context and read it here (docs/authoring-clauses.md, 'Facts')",
            )
        )

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
        if isinstance(node, nodes.Filter) and node.name in _PIPELINES:
            self.computed(node.lineno, f"a | {node.name}(…) pipeline")
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name == "namespace":
            self.computed(node.lineno, "namespace()")
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
                    f"unknown variable {name}{nearest(name, scope)}",
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
            problem = f"{path}: {base.name} has no field {name}{nearest(name, base.fields)}"
            if name in base.computed:
                problem = (
                    f"{path}: {name} is a property of {base.name} in Python, not an answer: templates see fields only"
                )
        elif isinstance(base, MappingShape):
            return ANY if name in _DICT_METHODS else base.value
        elif isinstance(base, ListShape) and base.names and name in ("short_names", "names"):
            return ListShape(ScalarShape(str))
        elif isinstance(base, ListShape | ScalarShape):
            python = list if isinstance(base, ListShape) else base.python
            if hasattr(python, name) and not name.startswith("_"):
                return ANY
            problem = f"{path}: {describe(base)} has no attribute {name}"
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
                    _Found(node.lineno, "jinja", f"unknown test {node.name}{nearest(node.name, self.env.tests)}")
                )
            return ANY
        if node.name not in self.env.filters:
            self.found.append(
                _Found(node.lineno, "jinja", f"unknown filter {node.name}{nearest(node.name, self.env.filters)}")
            )
            return ANY
        return self.filtered(node, base)

    def filtered(self, node: nodes.Filter, base: Shape) -> Shape:
        """The shape a filter returns, checking attribute names the filter is given."""
        item = item_of(base)
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
