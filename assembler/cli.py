"""Command line: parse arguments, call the library, print, and map errors to exit codes (0 ok, 1 findings, 2 bad input)."""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from .errors import AssemblerError

F = TypeVar("F", bound=Callable[..., Any])


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


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
    findings = run_rules(loaded.answers)
    if fmt == "json":
        click.echo(json.dumps({"file": str(answers), "findings": [f.as_dict() for f in findings]}, indent=2))
    else:
        print_findings(findings, title=str(answers))
    if errors_in(findings):
        sys.exit(1)


# ------------------------------------------------------------------------------------------------- build


@main.command()
@click.argument("answers", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), help="Output folder (default: out/<answers name>).")
@click.option("--only", help="Comma-separated documents to build: mou,cjv,tor,sod,dra (default: all).")
@click.option("--clean", is_flag=True, help="Clean copies: no drafting notes (files end in -clean).")
@click.option("--pdf", is_flag=True, help="Also convert to PDF with LibreOffice, where installed.")
@click.option("--library", "library_dir", type=click.Path(path_type=Path), help="Another clause library folder.")
@handle_errors
def build(
    answers: Path, out_dir: Path | None, only: str | None, clean: bool, pdf: bool, library_dir: Path | None
) -> None:
    """Build the Word documents for an answers file (exit 1 if the governance rules find errors)."""
    from .assembly import FindingsError, parse_only
    from .assembly import build as run_build
    from .library import load_library
    from .report import summary_lines

    kinds = parse_only(only)
    library = load_library(library_dir) if library_dir is not None else None
    try:
        result = run_build(answers, out_dir=out_dir, only=kinds, clean=clean, pdf=pdf, library=library)
    except FindingsError as exc:
        print_findings(exc.findings, title=str(answers))
        click.echo(exc.message, err=True)
        sys.exit(1)
    for path in result.written:
        click.echo(f"wrote {path}")
    if result.report_path is not None:
        click.echo(f"wrote {result.report_path}")
        report = json.loads(result.report_path.read_text(encoding="utf-8"))
        for line in summary_lines(report):
            click.echo(f"  {line}")
    if result.pdf_message:
        click.echo(result.pdf_message)


def print_findings(findings: list[Any], *, title: str) -> None:
    """A table of findings (or one line when there are none)."""
    console = _console()
    if not findings:
        console.print(f"{title}: no findings")
        return
    from rich.table import Table

    table = Table(title=f"{title}: {len(findings)} finding(s)", show_lines=True, expand=False)
    for column in ("Rule", "Severity", "Problem", "Fields", "What to change", "Source"):
        table.add_column(column, overflow="fold")
    for f in findings:
        style = "bold red" if f.severity == "error" else "yellow"
        table.add_row(f.rule, f"[{style}]{f.severity}[/]", f.text(), "\n".join(f.fields), f.fix, f.source)
    console.print(table)


# --------------------------------------------------------------------------------------------- interview


@main.command()
@click.argument("answers", required=False, type=click.Path(dir_okay=False, path_type=Path))
@handle_errors
def interview(answers: Path | None) -> None:
    """Answer questions to write (or resume) an answers file; every answer is saved at once."""
    from .interview import run_interview  # questionary loads only here, so other commands start fast

    run_interview(answers, echo=click.echo)


if __name__ == "__main__":  # pragma: no cover
    main()
