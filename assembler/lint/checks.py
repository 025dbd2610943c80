"""The lint itself: every check over a loaded (or partly loaded) library, problems as ``file:line`` lines."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from jinja2 import TemplateSyntaxError, nodes

from ..clause_tools import placements
from ..errors import Problem
from ..library import Clause, DocumentDef, Library, default_root
from ..model import DocumentKind
from ..rendering import make_environment
from .files import Source, display, key_lines, load_leniently
from .shapes import ANY, Shape, context_shapes, item_of, nearest
from .templates import TemplateCheck, parse_expression
from .versions import LOCK_NAME, read_lock, version_problem

__all__ = ["HOUSE_TAGS", "LintReport", "house_template_problems", "lint_library"]

HOUSE_TAGS = ("title", "collaborative", "parties", "date", "version", "status", "marking", "reference", "form", "body")
"""The docxtpl tags ``docx_writer.write_docx`` fills: every house template must have each of them."""

_SCHEDULE_ANCHOR = re.compile(r"^(?P<kind>[a-z]+)\.(?P<label>[a-z]+)\d+$")
_INLINE = re.compile(r"\[\[(?P<inner>[^\[\]]+?)\]\]")
_ANCHOR = re.compile(r"^[ \t]*#{1,5}\s.*\[#(?P<name>[a-z0-9_]+)\]\s*$", re.MULTILINE)  # on the raw line


@dataclass
class LintReport:
    problems: list[Problem]
    clauses: int
    seconds: float

    @property
    def ok(self) -> bool:
        return not self.problems


class _Lint:
    def __init__(self, library: Library, templates: Path, lock: Path) -> None:
        self.library = library
        self.root = library.root
        self.templates = templates
        self.lock = lock
        self.env = make_environment(library.root / "macros")
        self.problems: list[Problem] = []
        self.sources: dict[str, Source] = {}
        self.anchors: dict[str, set[str]] = {}
        self.refs: list[tuple[str, str, int, bool]] = []  # (file, target, line, guarded)
        self.clause_refs: dict[str, list[tuple[str, int, bool]]] = {}
        self.terms_used: dict[str, tuple[str, int]] = {}
        self.uses: dict[str, list[tuple[str, int]]] = {}
        self.placements = {cid: {p.document for p in ps} for cid, ps in placements(library).items()}

    def add(self, file: str, line: int | None, category: str, what: str, fix: str = "") -> None:
        self.problems.append(Problem(file, category, what, fix, line))

    def source(self, path: Path) -> Source:
        name = display(path, self.root)
        if name not in self.sources:
            text = path.read_text(encoding="utf-8") if path.is_file() else ""
            self.sources[name] = Source(name, key_lines(text))
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
            name = display(path, self.root)
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
            source = self.source(path) if path.is_file() else Source(self.library.term_files.get(term, "terms"))
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
        return item_of(TemplateCheck(self.env, None).expr(output.nodes[0], dict(scope)))

    def references(self) -> None:
        schedule_anchors = {
            f"{kind.value}.{s.label.lower()}" for kind, doc in self.library.documents.items() for s in doc.schedules
        }
        named = {s.anchor for doc in self.library.documents.values() for s in doc.schedules if s.anchor}
        for file, target, line, _guarded in self.refs:
            if target in self.library.clauses or target in named:
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
                    file, line, "reference", f"[[ref:{target}]]: no such clause{nearest(target, self.library.clauses)}"
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
                            display(clause.path, self.root),
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
                        f"[[{term}]] is used but not defined{nearest(term, defined)}",
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
        checked: set[Path] = set()
        for kind, doc in sorted(self.library.documents.items()):
            path = self.templates / doc.template
            source = self.source(self.root / "documents" / f"{kind.value}.yaml")
            if not path.is_file():
                self.add(
                    source.name,
                    source.line("template", source.line("kind")),
                    "template",
                    f"template {doc.template} not found in {self.templates.name}/",
                    "fix the name, or put the Word file in the templates folder",
                )
                continue
            if path in checked:
                continue
            checked.add(path)
            shown = display(path, self.templates)
            for what, fix in house_template_problems(path):
                self.add(shown, None, "template", what, fix)

    def versions(self) -> None:
        lock_name = display(self.lock, self.root)
        locked = read_lock(self.lock)
        for clause_id, clause in sorted(self.library.clauses.items()):
            source = self.source(clause.path)
            line = source.line("version")
            problem = version_problem(clause, locked.get(clause_id))
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


def house_template_problems(path: Path) -> list[tuple[str, str]]:
    """What a house template lacks that the writer needs: its docxtpl tags (read with docxtpl's own
    ``get_undeclared_template_variables``), the styles the writer names, and the lists it numbers with."""
    import zipfile

    from docxtpl import DocxTemplate
    from lxml import etree

    from ..docx_writer import WRITER_LISTS, WRITER_STYLES
    from ..ooxml import qn

    try:
        tags = set(DocxTemplate(str(path)).get_undeclared_template_variables())
        with zipfile.ZipFile(path) as package:
            styles = etree.fromstring(package.read("word/styles.xml"))
            numbering = etree.fromstring(package.read("word/numbering.xml"))
    except Exception as exc:  # a damaged zip, missing part or broken jinja: one line, whatever docxtpl raises
        return [(f"{path.name} cannot be read as a Word template ({type(exc).__name__}: {exc})", "")]
    problems = [
        (f"house template lacks the tag {{{{ {tag} }}}}", "type it where it belongs in Word")
        for tag in HOUSE_TAGS
        if tag not in tags
    ]
    defined = {s.get(qn("w:styleId")) for s in styles.iter(qn("w:style"))}
    problems += [
        (f"house template lacks the style {style}", "add a style with that name in Word (Styles pane)")
        for style in WRITER_STYLES
        if style not in defined
    ]
    abstract_of = {
        n.get(qn("w:numId")): n.find(qn("w:abstractNumId")).get(qn("w:val"))  # type: ignore[union-attr]
        for n in numbering.iter(qn("w:num"))
        if n.find(qn("w:abstractNumId")) is not None
    }
    levels = {a.get(qn("w:abstractNumId")): len(a.findall(qn("w:lvl"))) for a in numbering.iter(qn("w:abstractNum"))}
    for num_id, needed in WRITER_LISTS.items():
        if levels.get(abstract_of.get(str(num_id), ""), 0) < needed:
            what = f"house template lacks list {num_id} with {needed} level(s) (numbering.xml)"
            problems.append((what, "restore the numbered list from an earlier house.docx"))
    return problems


def lint_library(root: Path | None = None, *, templates: Path | None = None, lock: Path | None = None) -> LintReport:
    """Every problem in the library at once, sorted by file and line."""
    from ..assembly import templates_root

    started = time.perf_counter()
    root = root or default_root()
    library, problems = load_leniently(root)
    lint = _Lint(library, templates or templates_root(), lock or root / LOCK_NAME)
    lint.problems.extend(problems)
    lint.run()
    unique = list(dict.fromkeys(lint.problems))
    unique.sort(key=lambda p: (p.file, p.line or 0, p.where, p.what))
    return LintReport(unique, len(library.clauses), time.perf_counter() - started)
