"""One answers file being answered in a browser, and the two ways of finding it (one file, or a session folder)."""

from __future__ import annotations

import re
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..interview.engine import Engine, Position
from ..interview.session import Session
from .builds import BuildSummary

__all__ = ["SESSION_ID", "Workspace", "Workspaces"]

SESSION_ID = re.compile(r"[A-Za-z0-9_-]{43}")
"""A session id as ``secrets.token_urlsafe(32)`` makes it: nothing else is ever joined to a folder."""

Stamp = tuple[tuple[int, int, int] | None, ...]


@dataclass
class Workspace:
    """An answers file, its build folder, the engine over it and the last build.

    The engine is kept between requests (it remembers a follow-up question and an answer refused once), and opened
    again whenever the answers file or its position record changed on disk since this workspace last wrote them:
    a terminal interview on the same file is picked up on the next page."""

    path: Path
    out_dir: Path
    name: str = ""  # the answers file as messages name it ("" for its path; a session's folder is never shown)
    build: BuildSummary | None = None
    notes: list[str] = field(default_factory=list)  # shown once on the next page (what an answer was saved as)
    lock: threading.Lock = field(default_factory=threading.Lock)  # one request at a time works on this file
    _engine: Engine | None = None
    _stamp: Stamp = ()

    def engine(self) -> Engine:
        """The engine over the file as it is on disk: kept while only this workspace writes the file, opened again
        (the file read and checked once) when something else changed it. An older answers format is said once,
        on the next page."""
        stamp = self._current()
        if self._engine is None or stamp != self._stamp:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            session = Session.open(self.path, name=self.name or None)
            if session.notice and session.notice not in self.notes:
                self.notes.append(session.notice)
            self._engine = Engine(session)
            self._stamp = self._current()
        return self._engine

    def settle(self) -> None:
        """Call after the engine wrote: its own writes are not news."""
        self._stamp = self._current()

    def reset(self) -> None:
        """Forget the engine (after the answers file was replaced by an upload)."""
        self._engine = None
        self.build = None

    def _current(self) -> Stamp:
        stamps: list[tuple[int, int, int] | None] = []
        for f in (self.path, Position.file_for(self.path)):
            try:
                st = f.stat()
                stamps.append((st.st_mtime_ns, st.st_size, st.st_ino))
            except OSError:
                stamps.append(None)
        return tuple(stamps)


class Workspaces:
    """Where each browser's answers live: the one FILE, or ``DIR/<session id>/answers.yaml`` with ``--data DIR``."""

    def __init__(self, *, file: Path | None = None, data: Path | None = None, out: Path | None = None) -> None:
        if (file is None) == (data is None):
            raise ValueError("give exactly one of file or data")
        self.file = file.resolve() if file is not None else None
        self.data = data.resolve() if data is not None else None
        self._out = out
        self._open: dict[str, Workspace] = {}

    @property
    def shared(self) -> bool:
        """One file for every browser (the single-user mode)."""
        return self.file is not None

    def new_id(self) -> str:
        return secrets.token_urlsafe(32)

    def get(self, session_id: str) -> Workspace:
        """The workspace of a session (ignored in the single-file mode); ``KeyError`` for an id that is not one."""
        if self.file is not None:
            key = ""
            path = self.file
            out = (self._out or Path("out") / path.stem).resolve()
        else:
            assert self.data is not None
            if not SESSION_ID.fullmatch(session_id):
                raise KeyError(session_id)
            key = session_id
            folder = self.data / session_id
            path = folder / "answers.yaml"
            out = folder / "out"
        ws = self._open.get(key)
        if ws is None:
            name = "" if self.file is not None else "Your answers file"
            ws = self._open[key] = Workspace(path=path, out_dir=out, name=name)
        return ws
