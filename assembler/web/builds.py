"""The build in a pool of worker processes: a page never waits behind another person's build."""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["BuildSummary", "Builder", "DocumentSummary", "build_pack"]


@dataclass(frozen=True)
class DocumentSummary:
    kind: str
    file: str  # the name of the .docx within the pack folder
    placeholders: tuple[str, ...] = ()


@dataclass(frozen=True)
class BuildSummary:
    """What a build left, in plain data a worker process can send back."""

    ok: bool
    lines: tuple[str, ...] = ()  # why it failed, or what it skipped (PDF, diagram)
    files: dict[str, str] = field(default_factory=dict)  # download name -> absolute path
    documents: tuple[DocumentSummary, ...] = ()


def build_pack(answers: str, out_dir: str) -> BuildSummary:
    """Build the pack of ``answers`` into ``out_dir`` (runs in a worker process)."""
    from ..assembly import build
    from ..errors import AssemblerError

    try:
        result = build(Path(answers), out_dir=Path(out_dir), pdf=_soffice())
    except AssemblerError as exc:
        return BuildSummary(False, tuple(exc.lines()))
    except OSError as exc:
        return BuildSummary(False, (f"The build could not write its files: {exc.strerror or exc}.",))
    files = {p.name: str(p) for p in [*result.written, *result.pdfs] if p.suffix in (".docx", ".pdf") and p.is_file()}
    documents = []
    for doc in result.documents:
        stem = f"-{doc.definition.file_name}"
        name = next((n for n in sorted(files) if n.endswith(".docx") and stem in n), "")
        documents.append(DocumentSummary(doc.kind.value, name, tuple(doc.placeholders)))
    lines = tuple(line for line in (result.pdf_message, result.diagram_message) if line)
    return BuildSummary(True, lines, files, tuple(documents))


def _soffice() -> bool:
    import shutil

    return shutil.which("soffice") is not None or shutil.which("libreoffice") is not None


class Builder:
    """A small pool of worker processes, started on the first build and stopped with the app."""

    def __init__(self, workers: int = 2) -> None:
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None

    async def build(self, answers: Path, out_dir: Path) -> BuildSummary:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self._workers, mp_context=multiprocessing.get_context("spawn"))
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, build_pack, str(answers), str(out_dir))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
