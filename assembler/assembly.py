"""The build pipeline: answers → rules → clauses → rendering → Word files → assembly report."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .answers_file import LoadedAnswers, load_answers
from .compose import ComposedDocument, compose_pack
from .diagram import DOT_MISSING, Diagram, draw
from .docx_writer import write_docx
from .errors import BuildError, FindingsError, InputError, LibraryError, Problem
from .facts import Facts
from .library import Library, load_library
from .marking import Marking, draft_date
from .model import DocumentKind
from .pack import TOOL_DIR, PackWriter, check_targets, manifest_name, os_error
from .rendering import answers_context, make_environment
from .report import build_report, model_json, report_json
from .resources import templates_root
from .rules import Finding, check, errors_in

if TYPE_CHECKING:  # what only some builds need is imported by them (a build without --compare, papers...)
    from concurrent.futures import Future

    from .changes import Comparison

__all__ = ["PAPERS", "BuildResult", "FindingsError", "build", "parse_only", "parse_selection", "templates_root"]

PAPERS = "papers"
"""The name ``--only`` gives the board papers, beside the document kinds."""


@dataclass
class BuildResult:
    answers_path: Path
    out_dir: Path
    documents: list[ComposedDocument] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    report_path: Path | None = None
    manifest_path: Path | None = None
    pdfs: list[Path] = field(default_factory=list)
    redlines: list[Path] = field(default_factory=list)
    comparison: Comparison | None = None  # with --compare: redlines and what changed since the earlier pack
    findings: list[Finding] = field(default_factory=list)
    pdf_message: str = ""
    diagram_message: str = ""  # drawn, or why not (Graphviz missing): one line for the user
    diagrams: list[Path] = field(default_factory=list)  # the governance diagram beside the pack (SVG, PNG)
    skipped: list[str] = field(default_factory=list)  # documents asked for but switched off in the answers
    papers: list[Path] = field(default_factory=list)  # the board papers (papers/*.docx)


def parse_selection(value: str | None) -> tuple[list[DocumentKind], bool]:
    """``--only mou,cjv,papers`` as the document kinds and whether the board papers are wanted (everything when
    not given)."""
    if not value:
        return list(DocumentKind), True
    kinds = []
    papers = False
    for part in value.split(","):
        name = part.strip().lower()
        if name == PAPERS:
            papers = True
            continue
        try:
            kinds.append(DocumentKind(name))
        except ValueError:
            allowed = ", ".join([*(k.value for k in DocumentKind), PAPERS])
            raise InputError(
                problems=[Problem("--only", name, "unknown document", f"use some of: {allowed}")]
            ) from None
    return kinds, papers


def parse_only(value: str | None) -> list[DocumentKind]:
    """``--only mou,cjv`` as document kinds (all five when not given)."""
    return parse_selection(value)[0]


@contextlib.contextmanager
def _collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a pack is built.

    A build allocates hundreds of thousands of short-lived objects (YAML nodes, blocks, runs, template frames)
    that reference counting frees; the cycle collector's repeated passes over them (and over the library and
    the compiled clauses, at each older-generation pass) cost 8-10 ms of a 60-80 ms build, and a build leaves
    only a few hundred objects in cycles. It is switched back on (if it was on) however the build ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@_collection_paused()
def build(
    answers_path: Path | str,
    *,
    out_dir: Path | str | None = None,
    only: Iterable[DocumentKind] | None = None,
    clean: bool = False,
    final: bool = False,
    pdf: bool = False,
    library: Library | None = None,
    templates: Path | None = None,
    loaded: LoadedAnswers | None = None,
    compare: Path | str | None = None,
    papers: bool | None = None,
    diagram: bool = True,
) -> BuildResult:
    """Build the documents for one answers file; raises ``FindingsError`` when the rules find errors.

    ``papers``: also write a board paper for each party that must approve (or note) the pack (by default when
    ``only`` is not given); the whole pack is then composed, for the clause numbers the papers cite.

    ``final`` leaves out the draft marking ("Draft (0.2) — date — subject to contract") from every page.
    ``compare``: the folder of an earlier pack of the same collaborative; each changed document then gets a
    redline (``redline/<name>.docx``) and the report a ``changes`` section.
    ``diagram=False`` leaves the governance diagram out (no Graphviz run, no figure in the documents)."""
    answers_path = Path(answers_path)
    previous = None
    if compare is not None:
        from .changes import REDLINE_DIR, compare_documents
        from .previous import load_previous

        previous = load_previous(compare, clean=clean)  # read before anything is written
    loaded = loaded or load_answers(answers_path)
    answers = loaded.answers
    findings = check(answers)
    if errors_in(findings):
        raise FindingsError(path=answers_path, findings=findings)
    library = library or load_library(cached=True)
    templates = templates or templates_root()
    out = Path(out_dir) if out_dir is not None else Path("out") / answers_path.stem
    _check_writable(out)
    wanted = list(only) if only is not None else list(DocumentKind)
    papers = only is None if papers is None else papers
    if papers:
        from .papers import PAPER_FIGURE_MAX, PAPER_TEMPLATE, compose_papers, paper_files
    env = library.derived.get("environment")
    if env is None:  # compiled clause templates are kept for the next build with the same library
        env = library.derived["environment"] = make_environment(library=library)
    source = answers_path.read_bytes() if answers_path.is_file() else loaded.text.encode("utf-8")
    digest = hashlib.sha256(source).hexdigest() if answers_path.is_file() else ""

    result = BuildResult(answers_path=answers_path, out_dir=out, findings=findings)
    base = answers_context(answers)
    suffix = "-clean" if clean else ""
    slug = _slug(answers.collaborative.short_name or answers.collaborative.name)
    facts: Facts = base["facts"]
    marking = Marking(final=final, date=draft_date(answers, os.environ))
    # Graphviz runs in its own processes while the documents are composed (the figure is needed only to write them)
    drawing = _drawing(facts) if diagram and shutil.which("dot") else None
    plan = []
    for kind in DocumentKind:
        if kind not in wanted:
            continue
        if kind not in facts.documents:
            why = (
                f"documents.{kind.value}.produce is false"
                if not answers.documents.get(kind).produce
                else f"documents.{kind.value}.placement puts it in the agreement's schedules only"
            )
            result.skipped.append(f"{kind.value}: not built, because {why}")
            continue
        doc = library.documents.get(kind)
        if doc is None:
            raise LibraryError(
                problems=[Problem(str(library.root), f"documents/{kind.value}.yaml", "missing", "add it")]
            )
        plan.append((kind, doc, f"{slug}-{doc.file_name}{suffix}.docx"))
    report_name = f"assembly-report{suffix}.json"
    paper_names = [name for name, _ in paper_files(facts, slug=slug, suffix=suffix)] if papers else []
    picture_names = [f"{slug}-governance{suffix}{ext}" for ext in (".svg", ".png")] if drawing else []
    names = [name for _, _, name in plan] + picture_names + [report_name, manifest_name(suffix)]
    names += paper_names
    names += [name.removesuffix(".docx") + ".pdf" for _, _, name in plan] if pdf else []
    names += [name.removesuffix(".docx") + ".pdf" for name in paper_names] if pdf else []
    names += [f"{REDLINE_DIR}/{name}" for _, _, name in plan] if previous is not None else []
    check_targets(out, names)  # a name too long, or a folder in the way: stop before the work, not after

    outputs: list[tuple[str, bytes]] = []
    properties_by_kind: dict[DocumentKind, dict[str, str]] = {}
    composed_docs = compose_pack(
        library,
        answers,
        findings,
        env=env,
        kinds=list(DocumentKind) if papers else wanted,
        clean=clean,
        base_context=base,
        marking=marking,
    )
    figure_drawn, result.diagram_message = (
        drawing.result() if drawing is not None else (None, DOT_MISSING if diagram else "")
    )
    # the diagram beside the documents, named like them (a clean pack has its own copy: packs never share a file)
    pictures = [(f"{slug}-governance{suffix}{ext}", data) for ext, data in figure_drawn.files()] if figure_drawn else []
    for kind, doc, name in plan:
        composed = composed_docs[kind]
        properties = {
            "assembler.answers_sha256": digest,
            "assembler.answers_file": answers_path.name,
            "assembler.library_version": library.version,
            "assembler.document": kind.value,
            "assembler.clauses": ";".join(f"{c.id}@{c.version}" for c in composed.included),
            "assembler.placeholders": str(len(composed.placeholders)),
            "assembler.clean": "yes" if clean else "no",
        }
        data = write_docx(composed, templates / doc.template, properties=properties, clean=clean, figure=figure_drawn)
        outputs.append((name, data))
        result.documents.append(composed)
        properties_by_kind[kind] = properties
    paper_outputs: list[tuple[str, bytes]] = []
    papers_report: list[dict[str, object]] = []
    if papers:
        figure = figure_drawn.caption if figure_drawn is not None else None
        for name, paper in compose_papers(
            facts, findings, composed_docs, slug=slug, suffix=suffix, marking=marking, figure=figure, clean=clean
        ):
            properties = {
                "assembler.answers_sha256": digest,
                "assembler.answers_file": answers_path.name,
                "assembler.library_version": library.version,
                "assembler.paper": f"{paper.approval.party.short_name}:{paper.approval.kind.value}",
                "assembler.placeholders": str(len(paper.placeholders)),
                "assembler.clean": "yes" if clean else "no",
            }
            data = write_docx(
                paper,
                templates / PAPER_TEMPLATE,
                properties=properties,
                clean=clean,
                figure=figure_drawn,
                figure_max=PAPER_FIGURE_MAX,
            )
            paper_outputs.append((name, data))
            papers_report.append({"file": name, **paper.report()})
    if previous is not None:
        result.comparison = compare_documents(
            previous=previous.folder,
            old_answers=previous.answers.answers,
            new_answers=answers,
            old_documents={k: d for k, d in previous.documents(library).items() if k in wanted},
            old_files=previous.file_names(),
            built=[(c, name, data) for c, (name, data) in zip(result.documents, outputs, strict=True)],
            templates=templates,
            clean=clean,
            properties=properties_by_kind,
        )

    # Everything is rendered before anything is written, then written as one pack (see pack/__init__.py): the folder
    # holds either the whole new pack or, if the build fails or is stopped, the whole old one.
    result.written = [out / name for name, _ in outputs]
    with PackWriter(out, manifest=manifest_name(suffix)) as pack:
        for name, data in outputs + pictures + paper_outputs:  # the documents, the diagram beside them, the papers
            pack.stage(name, data)
        result.papers = [out / name for name, _ in paper_outputs]
        for name, data in result.comparison.redlines() if result.comparison is not None else []:
            pack.stage(name, data)
            result.redlines.append(out / name)
        result.diagrams = [out / name for name, _ in pictures]
        pdf_note: str | None = None
        if pdf:
            pdf_note = convert_to_pdf([pack.staging / name for name, _ in outputs], pack.staging)
            if outputs and pdf_note.startswith("PDF written"):
                result.pdfs = [path.with_suffix(".pdf") for path in result.written]
                for path in result.pdfs:
                    pack.adopt(path.name)
            folders = sorted({str(Path(name).parent) for name, _ in paper_outputs})
            for folder in folders if pdf_note.startswith("PDF written") else []:  # the papers, in their own folder
                in_folder = [name for name, _ in paper_outputs if str(Path(name).parent) == folder]
                convert_to_pdf([pack.staging / name for name in in_folder], pack.staging / folder)
                for name in in_folder:
                    pdf_name = name.removesuffix(".docx") + ".pdf"
                    pack.adopt(pdf_name)
                    result.pdfs.append(out / pdf_name)
            result.pdf_message = pdf_note
        report = build_report(
            answers_path=answers_path,
            digest=digest,
            library=library,
            documents=result.documents,
            files=result.written,
            findings=findings,
            clean=clean,
            pdf=pdf_note,
            diagram={"files": [p.name for p in result.diagrams], "message": result.diagram_message},
        )
        if papers:
            report["papers"] = papers_report
        if result.comparison is not None:
            report["changes"] = result.comparison.report()
        pack.stage(report_name, report_json(report).encode("utf-8"))
        pack.stage(f"{TOOL_DIR}/answers{suffix}.yaml", source)
        pack.stage(f"{TOOL_DIR}/model{suffix}.json", model_json(result.documents, result.written))
        pack.commit(
            {
                "answers_file": answers_path.name,
                "answers_sha256": digest,
                "library_version": library.version,
                "clean": clean,
                "report": report_name,
                "papers": paper_names,
            }
        )
    result.report_path = out / report_name
    result.manifest_path = out / manifest_name(suffix)
    return result


def _drawing(facts: Facts) -> Future[tuple[Diagram | None, str]]:
    """The governance diagram, drawn in a thread (Graphviz is a child process: the build goes on meanwhile)."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(draw, facts)
    finally:
        pool.shutdown(wait=False)  # the pool's one thread ends with the drawing


def _check_writable(out: Path) -> None:
    """Refuse, before any work, an output folder that could not be created or written (nothing is made yet:
    a build that fails leaves no empty folder behind)."""
    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        problem = "a file is in the way" if existing.exists() else "no such place"
        raise InputError.single(
            path=out,
            what=f"cannot create the output folder ({problem}: {existing})",
            fix="choose another folder with --out",
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError.single(path=out, what=f"{existing} is not writable", fix="choose another folder with --out")


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "collaborative"


def convert_to_pdf(files: list[Path], out: Path) -> str:
    """Convert Word files to PDF with LibreOffice where installed (say clearly when it is not).

    LibreOffice writes into a fresh folder of its own inside ``out``; each PDF must be there, non-empty and start
    with ``%PDF`` (``soffice`` exits 0 even when it cannot load a file), and is then moved into ``out``, replacing
    — never writing through — whatever is at its name."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        return "PDF not made: LibreOffice is not installed (apt-get install libreoffice-writer-nogui)"
    try:
        converted = Path(tempfile.mkdtemp(prefix=".pdf-", dir=out))
    except OSError as exc:
        raise os_error(out, exc) from None
    try:
        with tempfile.TemporaryDirectory(prefix="assembler-lo-") as profile:
            command = [
                office,
                f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(converted),
                *[str(f) for f in files],
            ]
            try:
                completed = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
            except subprocess.TimeoutExpired:
                raise BuildError(
                    "PDF conversion: LibreOffice did not finish in 300 seconds — try again without --pdf"
                ) from None
            except OSError as exc:
                raise os_error(office, exc, doing="cannot be run") from None
        failed = [f for f in files if not _is_pdf(converted / (f.stem + ".pdf"))]
        if completed.returncode != 0 or failed:
            detail = (
                " ".join((completed.stderr or completed.stdout).split())[:200] or f"exit code {completed.returncode}"
            )
            names = ", ".join(f.name for f in failed) or "the documents"
            raise BuildError(f"PDF conversion failed for {names}: {detail}")
        for f in files:
            target = out / (f.stem + ".pdf")
            try:
                os.replace(converted / target.name, target)
            except OSError as exc:
                raise os_error(target, exc) from None
    finally:
        shutil.rmtree(converted, ignore_errors=True)
    return f"PDF written for {len(files)} document(s)"


def _is_pdf(path: Path) -> bool:
    """A regular file (not a link) made by this conversion that starts like a PDF."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
        with path.open("rb") as handle:
            return handle.read(5) == b"%PDF-"
    except OSError:
        return False
