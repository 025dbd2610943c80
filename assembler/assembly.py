"""The build pipeline: answers → rules → clauses → rendering → Word files → assembly report."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .answers_file import LoadedAnswers, load_answers, write_atomic
from .compose import ComposedDocument, compose_pack
from .docx_writer import write_docx
from .errors import BuildError, FindingsError, InputError, Problem
from .library import Library, load_library
from .model import DocumentKind
from .rendering import answers_context, make_environment
from .report import build_report, report_json
from .rules import Finding, check, errors_in

__all__ = ["BuildResult", "FindingsError", "build", "parse_only", "templates_root"]


@dataclass
class BuildResult:
    answers_path: Path
    out_dir: Path
    documents: list[ComposedDocument] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    report_path: Path | None = None
    findings: list[Finding] = field(default_factory=list)
    pdf_message: str = ""
    skipped: list[str] = field(default_factory=list)  # documents asked for but switched off in the answers


def templates_root() -> Path:
    return Path(__file__).resolve().parent.parent / "templates"


def parse_only(value: str | None) -> list[DocumentKind]:
    """``--only mou,cjv`` as document kinds (all five when not given)."""
    if not value:
        return list(DocumentKind)
    kinds = []
    for part in value.split(","):
        name = part.strip().lower()
        try:
            kinds.append(DocumentKind(name))
        except ValueError:
            allowed = ", ".join(k.value for k in DocumentKind)
            raise InputError(
                problems=[Problem("--only", name, "unknown document", f"use some of: {allowed}")]
            ) from None
    return kinds


def answers_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(
    answers_path: Path | str,
    *,
    out_dir: Path | str | None = None,
    only: Iterable[DocumentKind] | None = None,
    clean: bool = False,
    pdf: bool = False,
    library: Library | None = None,
    templates: Path | None = None,
    loaded: LoadedAnswers | None = None,
) -> BuildResult:
    """Build the documents for one answers file; raises ``FindingsError`` when the rules find errors."""
    answers_path = Path(answers_path)
    loaded = loaded or load_answers(answers_path)
    answers = loaded.answers
    findings = check(answers)
    if errors_in(findings):
        raise FindingsError(path=answers_path, findings=findings)
    library = library or load_library()
    templates = templates or templates_root()
    out = Path(out_dir) if out_dir is not None else Path("out") / answers_path.stem
    _check_writable(out)
    wanted = list(only) if only is not None else list(DocumentKind)
    env = library.derived.get("environment")
    if env is None:  # compiled clause templates are kept for the next build with the same library
        env = library.derived["environment"] = make_environment(library=library)
    digest = answers_hash(answers_path) if answers_path.is_file() else ""

    result = BuildResult(answers_path=answers_path, out_dir=out, findings=findings)
    base = answers_context(answers)
    outputs: list[tuple[Path, bytes]] = []
    with _collection_paused():
        pack = compose_pack(library, answers, findings, env=env, kinds=wanted, clean=clean, base_context=base)
        for kind in DocumentKind:
            if kind not in wanted:
                continue
            if kind not in pack:
                why = (
                    f"documents.{kind.value}.produce is false"
                    if not answers.documents.get(kind).produce
                    else f"documents.{kind.value}.placement puts it in the agreement's schedules only"
                )
                result.skipped.append(f"{kind.value}: not built, because {why}")
                continue
            doc = library.documents[kind]
            composed = pack[kind]
            properties = {
                "assembler.answers_sha256": digest,
                "assembler.answers_file": answers_path.name,
                "assembler.library_version": library.version,
                "assembler.document": kind.value,
                "assembler.clauses": ";".join(f"{c.id}@{c.version}" for c in composed.included),
                "assembler.placeholders": str(len(composed.placeholders)),
                "assembler.clean": "yes" if clean else "no",
            }
            data = write_docx(composed, templates / doc.template, properties=properties, clean=clean)
            slug = _slug(answers.collaborative.short_name or answers.collaborative.name)
            suffix = "-clean" if clean else ""
            outputs.append((out / f"{slug}-{doc.file_name}{suffix}.docx", data))
            result.documents.append(composed)

    # Everything is rendered before anything is written: a failed build leaves earlier outputs intact.
    for path, data in outputs:
        try:
            write_atomic(path, data)
        except OSError as exc:
            raise BuildError(
                f"{path}: cannot be written ({exc.strerror}) — close it if it is open, or use --out"
            ) from None
        result.written.append(path)
    report = build_report(
        answers_path=answers_path,
        digest=digest,
        library=library,
        documents=result.documents,
        files=result.written,
        findings=findings,
        clean=clean,
    )
    report_path = out / ("assembly-report-clean.json" if clean else "assembly-report.json")
    write_atomic(report_path, report_json(report).encode("utf-8"))
    result.report_path = report_path
    if pdf:
        result.pdf_message = convert_to_pdf(result.written, out)
    return result


@contextlib.contextmanager
def _collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while documents are rendered.

    Rendering allocates hundreds of thousands of short-lived objects (lxml proxies, blocks, template frames)
    that reference counting frees; the cycle collector's repeated passes over them cost about a tenth of the
    build. It is switched back on (if it was on) however rendering ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
    """Convert with LibreOffice where installed; say clearly when it is not."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        return "PDF not made: LibreOffice is not installed (apt-get install libreoffice-writer-nogui)"
    with tempfile.TemporaryDirectory(prefix="assembler-lo-") as profile:
        command = [
            office,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *[str(f) for f in files],
        ]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    missing = [f for f in files if not (out / (f.stem + ".pdf")).is_file()]
    if completed.returncode != 0 or missing:
        raise BuildError(
            f"PDF conversion failed for {', '.join(f.name for f in missing) or 'the documents'}: {completed.stderr.strip()[:200]}"
        )
    return f"PDF written for {len(files)} document(s)"
