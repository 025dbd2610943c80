"""Command line: parse arguments, call the library, print, and map errors to exit codes (0 ok, 1 findings, 2 bad input)."""

from __future__ import annotations

import atexit
import gc
import json
import os
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from .errors import AssemblerError

F = TypeVar("F", bound=Callable[..., Any])

_ONE_COMMAND = False
"""Set when the process runs one command and exits (the ``assembler`` command), not when a caller (a test, a
program) runs commands in its own process."""


def run() -> None:
    """The ``assembler`` command: one command, then the process exits."""
    global _ONE_COMMAND
    _ONE_COMMAND = True
    # At exit, Python's final pass of the cycle collector walks every object left (about 20-40 ms after a build,
    # whether or not the collector is on): they are frozen out of its reach once the exit handlers have run, and
    # the operating system frees the memory as the process ends. Commands close their own files; Python flushes
    # the standard streams whatever the collector does.
    atexit.register(gc.freeze)  # registered first, so it runs after every handler registered later
    # The answers and library models use no pydantic plugin; looking for them reads the metadata of every
    # installed distribution at the first validation (8 ms of a cold build). A user's own setting stands.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    main()


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    console = Console(stderr=stderr, highlight=False, soft_wrap=True)
    if not console.is_terminal:  # piped or captured: wide enough that a finding's message is not folded
        console = Console(stderr=stderr, highlight=False, soft_wrap=True, width=160)
    return console


def handle_errors(fn: F) -> F:
    """The one place that turns errors into messages and exit codes."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = bool(click.get_current_context().find_root().params.get("debug"))
        try:
            return fn(*args, **kwargs)
        except AssemblerError as exc:
            if debug:
                traceback.print_exc()
            for line in exc.lines():
                click.echo(line, err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # The reader of our output went away (e.g. `| head`): say nothing more (see the Python docs on SIGPIPE).
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(1)
        except OSError as exc:  # a full disk, a name too long...: one line whose advice fits the errno, exit 1
            if debug:
                traceback.print_exc()
            from .pack import os_error

            error = os_error(exc.filename or "assembler", exc, doing="failed")
            click.echo(error.message, err=True)
            sys.exit(error.exit_code)
        except Exception as exc:
            if debug:
                raise
            click.echo(f"internal error: {type(exc).__name__}: {exc} — rerun with --debug and report it", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show a traceback when something fails.")
@click.version_option(package_name="nhs-collab-assembler")
def main(debug: bool) -> None:
    """Draft the governance documents of an NHS provider collaborative from an answers file."""
    from .pack import recover_pending

    # Before anything else: a build that was stopped half-way through writing its pack is finished (or undone).
    for line in recover_pending():
        click.echo(line, err=True)


# ------------------------------------------------------------------------------------------------- check


@main.command()
@click.argument("answers", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@handle_errors
def check(answers: Path, fmt: str) -> None:
    """Check an answers file against the governance rules (exit 1 if any error)."""
    from .answers_file import load_answers
    from .rules import check as run_rules
    from .rules import errors_in

    loaded = load_answers(answers)
    if loaded.notice:
        click.echo(loaded.notice, err=True)
    findings = run_rules(loaded.answers)
    if fmt == "json":
        click.echo(json.dumps({"file": str(answers), "findings": [f.as_dict() for f in findings]}, indent=2))
    else:
        print_findings(findings, title=str(answers))
    if errors_in(findings):
        sys.exit(1)


# ------------------------------------------------------------------------------------------------- build


@main.command()
@click.argument("answers", type=click.Path(path_type=Path), nargs=-1, required=True)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    help="Output folder (default: out/<answers name>); with several answers files, the folder of their pack folders.",
)
@click.option(
    "--only",
    help="Comma-separated documents to build: mou,cjv,tor,sod,dra and papers (the board papers); default: all.",
)
@click.option("--clean", is_flag=True, help="Clean copies: no drafting notes, in papers too (files end in -clean).")
@click.option("--final", is_flag=True, help="Final copies: no draft marking in the page headers.")
@click.option("--pdf", is_flag=True, help="Also convert to PDF with LibreOffice, where installed.")
@click.option("--library", "library_dir", type=click.Path(path_type=Path), help="Another clause library folder.")
@click.option(
    "--compare",
    "previous",
    type=click.Path(path_type=Path),
    help="Folder of an earlier build: write redline/<name>.docx for each changed document, and say what changed.",
)
@click.option("--no-diagram", is_flag=True, help="Leave out the governance diagram (no Graphviz run).")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="With several answers files: how many packs to build at once (default: one per core).",
)
@click.option(
    "--watch",
    is_flag=True,
    help="Stay up and build again each time the answers file or the clause library changes (Ctrl-C stops).",
)
@handle_errors
def build(
    answers: tuple[Path, ...],
    out_dir: Path | None,
    only: str | None,
    clean: bool,
    final: bool,
    pdf: bool,
    library_dir: Path | None,
    previous: Path | None,
    no_diagram: bool,
    jobs: int | None,
    watch: bool,
) -> None:
    """Build the Word documents for an answers file, or for several (files or folders of them, built in parallel,
    each into a pack folder of its own); exit 1 if the governance rules find errors or any pack fails."""
    from .assembly import parse_selection

    kinds, papers = parse_selection(only)
    options = {"only": kinds, "clean": clean, "final": final, "pdf": pdf, "papers": papers, "diagram": not no_diagram}
    if watch:
        if len(answers) > 1 or answers[0].is_dir() or previous is not None:
            from .errors import InputError

            raise InputError.single(
                path="--watch", what="watches one answers file, without --compare", fix="name one answers file"
            )
        watch_pack(answers[0], out_dir=out_dir, options=options, library_dir=library_dir)
        return
    if len(answers) > 1 or answers[0].is_dir():
        if previous is not None:
            from .errors import InputError

            raise InputError.single(path="--compare", what="compares one pack only", fix="build one answers file")
        build_packs(list(answers), out_dir=out_dir, options=options, library_dir=library_dir, jobs=jobs)
        return
    build_pack(answers[0], out_dir=out_dir, options=options, library_dir=library_dir, previous=previous)


def build_packs(
    paths: list[Path], *, out_dir: Path | None, options: dict[str, Any], library_dir: Path | None, jobs: int | None
) -> None:
    """Several packs in parallel: a progress bar (on a terminal), one line per pack as it is done, exit 1 if any
    failed."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .batch import PackOutcome, answers_files, build_many, pack_jobs

    work = pack_jobs(answers_files(paths), out_dir=out_dir, options=options, library_dir=library_dir)
    console = _console()  # the bar only on a terminal, where each pack's line is printed above it
    progress = Progress(
        TextColumn("building packs"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )

    def done(outcome: PackOutcome) -> None:
        for line in [outcome.summary(), *(f"  {more}" for more in outcome.error[1:])]:
            if console.is_terminal:
                progress.console.print(line, markup=False, highlight=False, soft_wrap=True)
            else:
                click.echo(line)
        progress.advance(task)

    with progress:
        task = progress.add_task("packs", total=len(work))
        outcomes = build_many(work, workers=jobs, on_done=done)
    failed = [o for o in outcomes if not o.ok]
    click.echo(
        f"{len(outcomes) - len(failed)} of {len(outcomes)} pack(s) built"
        + (f", {len(failed)} failed" if failed else "")
    )
    if failed:
        sys.exit(1)


def watch_pack(answers: Path, *, out_dir: Path | None, options: dict[str, Any], library_dir: Path | None) -> None:
    """Build, then build again at each change of the answers or the library, one line per build, until Ctrl-C."""
    from .assembly import FindingsError
    from .pack import os_error
    from .watch import Rebuild, watch

    def report(rebuild: Rebuild) -> None:
        when = f"{rebuild.reason}, {rebuild.seconds:.2f} s"
        if rebuild.result is not None:
            result = rebuild.result
            holes = sum(len(doc.placeholders) for doc in result.documents)
            warnings = sum(1 for f in result.findings if f.severity.value == "warning")
            click.echo(
                f"built {result.out_dir} ({when}): {len(result.written)} document(s), {len(result.papers)} paper(s), "
                f"{holes} [●] to complete, {warnings} warning(s)"
            )
            return
        error = rebuild.error
        assert error is not None  # a rebuild without a result stopped at an error
        if isinstance(error, FindingsError):
            print_findings(error.findings, title=str(answers))
        lines = (
            error.lines()
            if isinstance(error, AssemblerError)
            else os_error(error.filename or answers, error, doing="failed").lines()
        )
        click.echo(f"not built ({when}):", err=True)
        for line in lines:
            click.echo(f"  {line}", err=True)

    click.echo(f"watching {answers} and the clause library: each change builds again (Ctrl-C stops)")
    try:
        watch(answers, options=options, out_dir=out_dir, library_dir=library_dir, on_rebuild=report)
    except KeyboardInterrupt:
        click.echo("stopped watching")


def build_pack(
    answers: Path, *, out_dir: Path | None, options: dict[str, Any], library_dir: Path | None, previous: Path | None
) -> None:
    """One pack, with everything it wrote and its summary printed."""
    from .answers_file import load_answers
    from .assembly import FindingsError
    from .assembly import build as run_build
    from .library import load_library
    from .report import summary_lines

    if _ONE_COMMAND:
        # The process ends after this one pack: the cycle collector's passes over the objects the build keeps
        # alive (templates, the document model) would cost a tenth of the build and free almost nothing (what
        # the build drops, reference counting frees at once). A process building many packs keeps it on.
        gc.disable()
    library = load_library(library_dir, cached=True) if library_dir is not None else None
    loaded = load_answers(answers)
    if loaded.notice:
        click.echo(loaded.notice, err=True)
    try:
        result = run_build(
            answers,
            loaded=loaded,
            out_dir=out_dir,
            library=library,
            compare=previous,
            **options,
        )
    except FindingsError as exc:
        print_findings(exc.findings, title=str(answers))
        click.echo(exc.message, err=True)
        sys.exit(1)
    for path in [*result.written, *result.pdfs]:
        click.echo(f"wrote {path}")
    for path in [*result.diagrams, *result.papers]:
        click.echo(f"wrote {path}")
    if not result.diagrams and result.diagram_message:
        click.echo(result.diagram_message)  # one line: what was skipped and how to install it
    for line in result.skipped:
        click.echo(line)
    if result.report_path is not None:
        click.echo(f"wrote {result.report_path}")
        report = json.loads(result.report_path.read_text(encoding="utf-8"))
        for line in summary_lines(report):
            click.echo(f"  {line}")
    if result.pdf_message:
        click.echo(result.pdf_message)
    if result.manifest_path is not None:
        click.echo(f"wrote {result.manifest_path}")
    if result.comparison is not None:
        for path in result.redlines:
            click.echo(f"wrote {path}")
        print_changes(result.comparison.report(), title=f"Changes since {result.comparison.previous}")


@main.command("migrate")
@click.argument("answers", type=click.Path(path_type=Path))
@handle_errors
def migrate_command(answers: Path) -> None:
    """Rewrite an answers file in the current answers format, keeping its comments (exit 2 if it cannot)."""
    from .answers_file import migrate_file

    message = migrate_file(answers)
    click.echo(message)


def print_changes(changes: dict[str, Any], *, title: str) -> None:
    """The report's ``changes`` section as a short table: document, clause, change, why (plain text: no rich
    import on the build's path)."""
    from .changes import summary_rows

    rows = [("Document", "Clause", "Change", "Why"), *summary_rows(changes)]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    click.echo(title)
    for row in rows:
        click.echo(
            "  " + "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)) + "  " + row[3]
        )


def print_findings(findings: list[Any], *, title: str) -> None:
    """A table of findings (or one line when there are none)."""
    console = _console()
    # Answers reach these cells (names, paths): Text objects, never rich markup, so "[/]" in a name prints as typed.
    if not findings:
        console.print(_text(f"{title}: no findings"))
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title=_text(f"{title}: {len(findings)} finding(s)"), show_lines=True, expand=False)
    for column in ("Rule", "Severity", "Problem", "Answers concerned", "What to change", "Source"):
        table.add_column(column, overflow="fold")
    for f in findings:
        style = "bold red" if f.severity == "error" else "yellow"
        cells = (f.text(), "\n".join(f"{w} ({p})" for w, p in zip(f.where, f.fields, strict=True)), f.fix, f.source)
        table.add_row(_text(f.rule), Text(str(f.severity), style=style), *(_text(c) for c in cells))
    console.print(table)


# --------------------------------------------------------------------------------------------- interview


@main.command()
@click.argument("answers", required=False, type=click.Path(dir_okay=False, path_type=Path))
@handle_errors
def interview(answers: Path | None) -> None:
    """Answer questions to write (or resume) an answers file; every answer is saved at once."""
    from .interview import run_interview  # questionary loads only here, so other commands start fast

    run_interview(answers, echo=click.echo)


@main.command()
@click.argument("answers", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--data", type=click.Path(file_okay=False, path_type=Path), help="Folder of per-session answers files.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@handle_errors
def serve(answers: Path | None, data: Path | None, port: int, host: str) -> None:
    """The interview in a web browser, over ANSWERS (one person) or --data DIR (a session per browser)."""
    if (answers is None) == (data is None):
        from .errors import InputError

        raise InputError.single(
            path="assembler serve", what="needs an answers FILE or --data DIR, not both", fix="give one of them"
        )
    from .web import Settings  # starlette and uvicorn load only here
    from .web import serve as run

    run(Settings(file=answers, data=data, host=host, port=port), echo=click.echo)


# ----------------------------------------------------------------------------------------------- clauses


def _library_option(fn: F) -> F:
    option = click.option(
        "--library",
        "library_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Clause library folder (default: the clause_library shipped with the tool).",
    )
    return option(fn)


def _document_kind(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    from .model import DocumentKind

    if value is None:
        return None
    try:
        return DocumentKind(value.lower())
    except ValueError:
        raise click.BadParameter(f"use one of: {', '.join(k.value for k in DocumentKind)}") from None


def _text(value: str) -> Any:
    from rich.text import Text

    return Text(value)  # clause text and conditions hold [brackets]: never read them as rich markup


@main.group()
def clauses() -> None:
    """Tools for the people who maintain the clause library: list, show, preview, lint, matrix, coverage, and the
    review round trip in Word (review-pack, import-review)."""


@clauses.command("list")
@click.option(
    "--document", callback=_document_kind, help="Only this document's clauses, in its order: mou, cjv, tor, sod or dra."
)
@_library_option
@handle_errors
def clauses_list(document: Any, library_dir: Path | None) -> None:
    """List the clauses: id, title, documents, condition and version."""
    from rich.table import Table

    from .clause_tools import list_clauses, marked_clauses
    from .library import load_library

    rows = list_clauses(load_library(library_dir), document=document)
    marked = marked_clauses(rows)
    table = Table(title=f"{len(rows)} clause(s)", expand=False)
    for column in ("Id", "Title", "Documents", "Condition", "Version", "Law"):
        table.add_column(column, overflow="fold", no_wrap=column == "Id")
    for clause in rows:
        meta = clause.meta
        documents = ", ".join(str(d) for d in meta.documents)
        law = "unverified" if meta.marked else ""
        row = (meta.id, meta.title, documents, meta.condition, meta.version, law)
        table.add_row(*(_text(cell) for cell in row))
    _console().print(table)
    click.echo(
        f"{len(marked)} of {len(rows)} clause(s) marked unverified (a point of law not yet confirmed; "
        "`assembler clauses show ID` says which and why)"
    )


@clauses.command("show")
@click.argument("clause_id")
@_library_option
@handle_errors
def clauses_show(clause_id: str, library_dir: Path | None) -> None:
    """Show one clause: metadata, where it is used, guidance, sources and its text as written."""
    from .clause_tools import clause_details
    from .library import load_library

    for line in clause_details(load_library(library_dir), clause_id):
        click.echo(line)


@clauses.command("preview")
@click.argument("clause_id")
@click.option(
    "--answers", "answers_path", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Answers file."
)
@click.option(
    "--document", callback=_document_kind, help="Render it as in this document (default: the first using it)."
)
@click.option(
    "--item",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="For a clause in a part repeated per item, such as a terms-of-reference clause repeated for each body: "
    "which item to render, counting from 1 in the order of the answers (for bodies, the order of `bodies`).",
)
@click.option(
    "--docx", "docx_out", type=click.Path(dir_okay=False, path_type=Path), help="Also write it as a Word file."
)
@_library_option
@handle_errors
def clauses_preview(
    clause_id: str, answers_path: Path, document: Any, item: int, docx_out: Path | None, library_dir: Path | None
) -> None:
    """Render one clause for an answers file, numbered as in a document; [●] marks an unknown answer."""
    from .answers_file import load_answers, write_atomic
    from .assembly import templates_root
    from .clause_tools import preview_clause, preview_docx
    from .library import load_library

    library = load_library(library_dir)
    preview = preview_clause(library, clause_id, load_answers(answers_path).answers, document=document, item=item)
    meta = preview.clause.meta
    click.echo(f"{meta.id} v{meta.version} as in {preview.document.value}, for {answers_path}")
    if preview.item:
        click.echo(f"for {preview.item}")
    if not preview.included:
        click.echo(f"condition `{meta.condition}` is false for these answers: the document leaves this clause out")
    click.echo("")
    for line in preview.lines():
        click.echo(line)
    if docx_out is not None:
        write_atomic(docx_out, preview_docx(preview, templates_root()))
        click.echo(f"\nwrote {docx_out}")


@clauses.command("lint")
@_library_option
@click.option(
    "--templates", "templates_dir", type=click.Path(file_okay=False, path_type=Path), help="House templates folder."
)
@click.option("--update-lock", is_flag=True, help="First record every clause's version and text hash in versions.lock.")
@handle_errors
def clauses_lint(library_dir: Path | None, templates_dir: Path | None, update_lock: bool) -> None:
    """Check the whole library; print every problem as file:line (exit 1 if there are any)."""
    from .lint import lint_library
    from .lint import update_lock as record

    if update_lock:
        refused = record(library_dir)
        for problem in refused:
            click.echo(str(problem))
        if refused:
            click.echo("versions.lock not updated: bump the version of each changed clause first", err=True)
            sys.exit(1)
        click.echo("versions.lock updated")
    report = lint_library(library_dir, templates=templates_dir)
    for problem in report.problems:
        click.echo(str(problem))
    click.echo(f"{len(report.problems)} problem(s) in {report.clauses} clause(s), {report.seconds:.2f}s", err=True)
    if report.problems:
        sys.exit(1)


@clauses.command("review-pack")
@click.option("--document", callback=_document_kind, help="Only this document's clauses: mou, cjv, tor, sod or dra.")
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The .docx.")
@_library_option
@handle_errors
def clauses_review_pack(document: Any, out_file: Path, library_dir: Path | None) -> None:
    """Write the library (or one document's clauses) as a Word file for lawyers to review with tracked changes."""
    from .answers_file import write_atomic
    from .assembly import templates_root
    from .library import load_library
    from .review import write_review_pack

    library = load_library(library_dir)
    write_atomic(out_file, write_review_pack(library, templates_root() / "house.docx", document=document))
    click.echo(f"wrote {out_file}")


@clauses.command("import-review")
@click.argument("pack", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@_library_option
@handle_errors
def clauses_import_review(pack: Path, dry_run: bool, library_dir: Path | None) -> None:
    """Apply a reviewed pack's prose changes to the clause files (version bumped, versions.lock updated); list the
    changes kept back for a maintainer and the reviewer's comments (exit 1 if any change was kept back)."""
    from .assembly import templates_root
    from .library import default_root
    from .review import import_review

    result = import_review(pack, library_dir or default_root(), templates_root() / "house.docx", dry_run=dry_run)
    for change in result.changes:
        for line in change.diff:
            click.echo(line)
    verb = "would change" if dry_run else "changed"
    click.echo(
        f"{verb} {len(result.changes)} clause(s)"
        + "".join(f"; {c.clause_id} {c.old_version} → {c.new_version}" for c in result.changes)
    )
    if result.held:
        click.echo("Kept back for a maintainer (not applied):")
    for held in result.held:
        where = held.clause or "(outside the clauses)"
        click.echo(f"  {where}: a change touching a {held.what}: {held.before!r} → {held.after!r}")
    for clause_id in result.missing:
        click.echo(f"  {clause_id}: not in the returned pack: nothing imported for it")
    if result.comments:
        click.echo("Open points (the reviewer's comments):")
    for comment in result.comments:
        where = comment.clause or f"after {comment.after or 'the start'}"
        click.echo(f"  {where}: {comment.author}: {comment.text}")
    for problem in result.lock_problems:
        click.echo(str(problem), err=True)
    if result.held or result.missing or result.lock_problems:
        sys.exit(1)


@clauses.command("matrix")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True)
@_library_option
@handle_errors
def clauses_matrix(fmt: str, library_dir: Path | None) -> None:
    """Which clause goes into which document (and schedule or part), under which condition."""
    from rich.table import Table

    from .clause_tools import matrix, matrix_csv
    from .library import load_library
    from .model import DocumentKind

    rows = matrix(load_library(library_dir))
    if fmt == "csv":
        click.echo(matrix_csv(rows), nl=False)
        return
    table = Table(title="Clauses by document", show_lines=True, expand=False)
    for column in ("Clause", "Condition", *(k.value for k in DocumentKind)):
        table.add_column(column, overflow="fold", no_wrap=column == "Clause")
    for row in rows:
        cells = [_text(row.cells.get(k, "")) for k in DocumentKind]
        table.add_row(_text(row.clause_id), _text(row.condition), *cells)
    _console().print(table)


@clauses.command("coverage")
@click.argument("answers", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@_library_option
@handle_errors
def clauses_coverage(answers: tuple[Path, ...], library_dir: Path | None) -> None:
    """Which clauses and conditions the answers sets exercise (default: answers/*.yaml and test fixtures).

    Exit 1 if a clause is never included, or a condition is never seen both true and false.
    """
    from .clause_tools import coverage, default_answers_files
    from .library import load_library

    library = load_library(library_dir)
    project = library.root.parent
    files = list(answers) or default_answers_files(project)
    report = coverage(library, files, base=project)
    gaps = report.gaps()
    for gap in gaps:
        click.echo(gap)
    click.echo(f"{len(files)} answers set(s), {len(library.clauses)} clause(s): {len(gaps)} gap(s)", err=True)
    if gaps:
        sys.exit(1)


# ------------------------------------------------------------------------------------------------ impact


@main.command()
@click.argument("packs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_library_option
@handle_errors
def impact(packs: tuple[Path, ...], fmt: str, library_dir: Path | None) -> None:
    """Which clauses of earlier packs changed in the library since, and whether rebuilding each pack from its
    answers would change its documents (exit 1 if any would change)."""
    from .impact import pack_impact
    from .library import load_library

    library = load_library(library_dir)
    results = [pack_impact(folder, library) for folder in packs]
    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in results], indent=2, ensure_ascii=False))
    else:
        for result in results:
            built = f"library {result.built_with}" if result.built_with else "an earlier library"
            click.echo(f"{result.folder}: built with {built}; the library is now {result.library_version}")
            if result.problem:
                click.echo(f"  {result.problem}")
            for doc in result.documents:
                clauses = ", ".join(f"{c['id']} {c['old']} → {c['new'] or 'removed'}" for c in doc.library_changes)
                line = f"  {doc.kind.value}: {doc.rebuild}"
                if doc.changed_clauses:
                    line += f" ({', '.join(doc.changed_clauses)})"
                if clauses:
                    line += f"; clauses changed in the library: {clauses}"
                click.echo(line)
    if any(r.changes for r in results):
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
