"""The routes: start, one question per page, back, check your answers, change, glossary, build and download.

Every form carries a CSRF token bound to the browser's session cookie; in the data-folder mode that cookie is also
the session's unguessable id, the only thing that picks its answers file, so no path from the browser reaches the
file system (downloads are looked up by name in the last build's list, never joined to a folder)."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import secrets
import zipfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from ..answers_file import parse_document, write_atomic
from ..errors import AssemblerError, InputError
from ..interview.engine import Engine, Position
from ..interview.feedback import plain
from ..interview.glossary import GLOSSARY
from ..interview.plan import SECTIONS, get
from ..interview.session import MISSING
from ..model import DocumentKind, label
from ..rules import check, errors_in
from .builds import Builder
from .forms import answer_from_form, fingerprint, options, parse_key, path_key, typed_back
from .workspace import Workspace, Workspaces

__all__ = ["Settings", "create_app", "serve"]

P = ParamSpec("P")
T = TypeVar("T")
LOOPBACK = ("127.0.0.1", "localhost", "::1")

HERE = Path(__file__).parent
COOKIE = "assembler_session"
MAX_UPLOAD = 5 * 1024 * 1024  # the answers file's own limit
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class Settings:
    """How ``assembler serve`` runs: one FILE, or a data folder of sessions."""

    file: Path | None = None
    data: Path | None = None
    out: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2

    def allowed_hosts(self) -> frozenset[str] | None:
        """The Host headers a request may carry, or None for any.

        With FILE on a loopback address (the default) only this machine's own names for the port are accepted, so
        a web page elsewhere cannot reach the file through a name it points at 127.0.0.1 (DNS rebinding). With
        ``--host`` set to another address the person running it chose who may connect, and with ``--data`` each
        browser only ever reaches its own session."""
        if self.file is None or self.host not in LOOPBACK:
            return None
        return frozenset(f"{name}:{self.port}" for name in ("127.0.0.1", "localhost", "[::1]"))


def pages() -> Environment:
    """The page templates: autoescaped, so every answer is shown as text."""
    return Environment(
        loader=FileSystemLoader(HERE / "pages"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


class _App:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.spaces = Workspaces(file=settings.file, data=settings.data, out=settings.out)
        self.builder = Builder(settings.workers)
        self.env = pages()
        self.secret = secrets.token_bytes(32)

    # ------------------------------------------------------------------------------------------ plumbing

    def token(self, sid: str) -> str:
        return hmac.new(self.secret, sid.encode("utf-8"), hashlib.sha256).hexdigest()

    def sid(self, request: Request) -> tuple[str, bool]:
        """The browser's session id, and whether it is new (then the response sets the cookie)."""
        fresh = getattr(request.state, "new_sid", None)
        if fresh is not None:
            return fresh, True
        sid = request.cookies.get(COOKIE, "")
        if sid and self._valid_sid(sid):
            return sid, False
        request.state.new_sid = self.spaces.new_id()
        return request.state.new_sid, True

    def _valid_sid(self, sid: str) -> bool:
        try:
            self.spaces.get(sid) if not self.spaces.shared else None
        except KeyError:
            return False
        return len(sid) == 43

    def space(self, request: Request) -> Workspace:
        return self.spaces.get(self.sid(request)[0])

    def _finish(self, request: Request, response: Response) -> Response:
        """Security headers, and the session cookie for a browser that came without one.

        The cookie is SameSite=Lax: a link followed from elsewhere (an e-mail, the intranet) still finds the
        session, while a form posted from another site comes without it and is refused by its missing token. A
        refusal never sets a cookie, so such a form cannot replace the browser's session with a new one."""
        sid, new = self.sid(request)
        if new and not getattr(request.state, "refused", False):
            response.set_cookie(COOKIE, sid, httponly=True, samesite="lax", path="/")
        response.headers.update(HEADERS)
        return response

    def render(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        sid, _ = self.sid(request)
        base = {"csrf": self.token(sid), "shared": self.spaces.shared, "sections": SECTIONS}
        html = self.env.get_template(name).render(**base, **context)
        return self._finish(request, HTMLResponse(html, status_code=status))

    def go(self, request: Request, url: str) -> Response:
        return self._finish(request, RedirectResponse(url, status_code=303))

    async def form(self, request: Request) -> FormData | None:
        """The posted form if its CSRF token fits the session cookie, else None."""
        form = await request.form(max_files=1, max_fields=500)
        sid = request.cookies.get(COOKIE, "")
        sent = form.get("csrf")
        if not sid or not isinstance(sent, str) or not hmac.compare_digest(sent, self.token(sid)):
            await form.close()
            return None
        if request.url.path != "/upload":
            await form.close()  # only an upload reads a file; any other is dropped at once
        return form

    def refused(self, request: Request) -> Response:
        request.state.refused = True
        return self.render(request, "refused.html", status=403)

    async def locked(self, ws: Workspace, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn`` in a worker thread holding the workspace's lock: the engine reads and writes the answers
        file (each save is flushed to disk), which must not hold up other people's pages on the event loop, and
        two requests of one browser (or two tabs on the one FILE) must not interleave in one engine."""

        def call() -> T:
            with ws.lock:
                return fn(*args, **kwargs)

        return await run_in_threadpool(call)

    # ------------------------------------------------------------------------------------------- pages

    async def start(self, request: Request) -> Response:
        minutes = sum(s.minutes for s in SECTIONS)
        ws = self.space(request)
        begun = ws.path.is_file()
        name = ws.path.name if self.spaces.shared else ""
        onward = "/question"
        if begun and await self.locked(ws, _opened_complete, ws):
            onward = "/check-your-answers"
        return self.render(request, "start.html", minutes=minutes, begun=begun, file_name=name, onward=onward)

    async def question(self, request: Request) -> Response:
        ws = self.space(request)
        return await self.locked(ws, self._show_question, request, ws)

    def _show_question(self, request: Request, ws: Workspace) -> Response:
        try:
            engine = ws.engine()
        except AssemblerError as exc:
            return self.render(request, "problem.html", status=400, lines=exc.lines())
        page = engine.page()
        ws.settle()
        if page.kind in ("review", "done"):
            return self.go(request, "/check-your-answers")
        notes, ws.notes = ws.notes, []
        return self._question(request, engine, page, notes=notes)

    def _question(
        self, request: Request, engine: Engine, page: Any, *, notes: list[str], errors: tuple[str, ...] = (),
        posted: FormData | None = None,
    ) -> Response:  # fmt: skip
        values = {}
        if page.input == "mapping":
            current = page.default or {}
            values = {
                key: str(posted.get(f"key-{i}", "")) if posted is not None else _text(current.get(key, ""))
                for i, key in enumerate(page.keys)
            }
        section_number = page.section + 1
        return self.render(
            request, "question.html", status=422 if errors else 200, page=page, notes=[*notes, *page.notes],
            errors=errors, options=options(page, _posted(posted)), typed=typed_back(page, _posted(posted)),
            values=values, fingerprint=fingerprint(page), section_number=section_number,
            section_count=len(SECTIONS), in_item=any(isinstance(p, int) for p in page.path),
        )  # fmt: skip

    async def answer(self, request: Request) -> Response:
        form = await self.form(request)
        if form is None:
            return self.refused(request)
        ws = self.space(request)
        return await self.locked(ws, self._answer, request, ws, form)

    def _answer(self, request: Request, ws: Workspace, form: FormData) -> Response:
        engine = ws.engine()
        page = engine.page()
        if page.kind in ("review", "done") or form.get("page") != fingerprint(page):
            ws.settle()
            return self.go(request, "/question")  # the form was for a page the interview has left
        try:
            value = answer_from_form(page, form)
        except ValueError as exc:
            return self._question(request, engine, page, notes=[], errors=(str(exc),), posted=form)
        outcome = engine.submit(value)
        ws.settle()
        if not outcome.accepted and outcome.problems and not outcome.actions:
            return self._question(
                request, engine, page, notes=list(outcome.notes), errors=outcome.problems, posted=form
            )
        ws.notes = [*outcome.problems, *outcome.notes]  # with a fix offered, the next page asks whether to make it
        if outcome.accepted and page.input == "text" and outcome.echo and outcome.echo != str(value).strip():
            ws.notes.append(f"Saved as: {outcome.echo}")
        elif outcome.accepted and outcome.echo and page.kind == "fix" and value not in (False, None):
            ws.notes.append(f"Changed: {outcome.echo}")
        return self.go(request, "/question")

    async def back(self, request: Request) -> Response:
        if await self.form(request) is None:
            return self.refused(request)
        ws = self.space(request)
        return await self.locked(ws, self._back, request, ws)

    def _back(self, request: Request, ws: Workspace) -> Response:
        engine = ws.engine()
        if engine.position.reviewing:
            engine.close_review()
        elif not engine.back():
            ws.notes = ["This is the first question."]
        ws.settle()
        return self.go(request, "/question")

    async def cancel(self, request: Request) -> Response:
        if await self.form(request) is None:
            return self.refused(request)
        ws = self.space(request)
        return await self.locked(ws, self._cancel, request, ws)

    def _cancel(self, request: Request, ws: Workspace) -> Response:
        if not ws.engine().cancel():
            ws.notes = ["There is nothing to cancel here: cancelling drops an item you are adding."]
        ws.settle()
        return self.go(request, "/question")

    async def review(self, request: Request) -> Response:
        ws = self.space(request)
        return await self.locked(ws, self._show_review, request, ws)

    def _show_review(self, request: Request, ws: Workspace) -> Response:
        try:
            engine = ws.engine()
        except AssemblerError as exc:
            return self.render(request, "problem.html", status=400, lines=exc.lines())
        return self._review(request, ws, engine)

    def _review(
        self, request: Request, ws: Workspace, engine: Engine, *, errors: list[str] | None = None, status: int = 200
    ) -> Response:
        if engine.page().kind not in ("review", "done"):
            engine.review()
        complete = engine.current() is None
        ready = complete or _buildable_as_is(engine)
        ws.settle()
        data = engine.session.data()
        groups: list[tuple[str, list[dict[str, Any]]]] = []
        items = engine.review_items()
        movable = {item.target for item in items if item.item and item.movable}
        for item in items:
            if item.item:
                continue  # the line naming a party or a tier: its answers follow
            target = item.target
            row: dict[str, Any] = {
                "label": item.label,
                "answer": item.answer,
                "to": path_key(target),
                "add": False,
                "items": [],
            }
            if isinstance(target[-1], int) and get(data, target) is MISSING:
                listed = get(data, target[:-1])
                row["add"] = True
                entries = listed if isinstance(listed, list) else []
                row["items"] = [
                    {
                        "to": path_key((*target[:-1], i)),
                        "name": _name(entry) or f"Item {i + 1}",
                        "up": (*target[:-1], i) in movable and i > 0,
                        "down": (*target[:-1], i) in movable and i < len(entries) - 1,
                    }
                    for i, entry in enumerate(entries)
                ]
            title = SECTIONS[item.section].title
            if not groups or groups[-1][0] != title:
                groups.append((title, []))
            groups[-1][1].append(row)
        problems = _problems(engine)
        notes, ws.notes = ws.notes, []
        return self.render(
            request, "review.html", status=status, groups=groups, complete=complete, ready=ready,
            problems=problems, errors=errors or [], notes=notes, built=ws.build is not None and ws.build.ok,
        )  # fmt: skip

    async def change(self, request: Request) -> Response:
        ws = self.space(request)
        return await self.locked(ws, self._change, request, ws, request.query_params.get("to", ""))

    def _change(self, request: Request, ws: Workspace, wanted: str) -> Response:
        engine = ws.engine()
        target = parse_key(wanted)
        if path_key(target) == wanted and engine.changeable(target):
            engine.jump(target)
            ws.settle()
            return self.go(request, "/question")
        return self.go(request, "/check-your-answers")

    async def posted(self, request: Request, handler: Callable[..., Response], *fields: str) -> Response:
        """A form's POST (refused without its CSRF token): ``handler(request, workspace, *values of fields)``, under
        the workspace's lock."""
        form = await self.form(request)
        if form is None:
            return self.refused(request)
        ws = self.space(request)
        return await self.locked(ws, handler, request, ws, *(str(form.get(name, "")) for name in fields))

    async def remove(self, request: Request) -> Response:
        return await self.posted(request, self._remove, "to")

    def _remove(self, request: Request, ws: Workspace, wanted: str) -> Response:
        engine = ws.engine()
        data = engine.session.data()
        for item in engine.review_items():
            group = item.target[:-1]
            listed = get(data, group)
            if isinstance(item.target[-1], int) and isinstance(listed, list):
                for i, entry in enumerate(listed):
                    if path_key((*group, i)) == wanted:
                        engine.remove((*group, i))
                        ws.notes = [f"Removed {_name(entry) or 'the item'}."]
                        ws.settle()
                        return self.go(request, "/check-your-answers")
        return self.go(request, "/check-your-answers")

    async def fix(self, request: Request) -> Response:
        return await self.posted(request, self._fix, "fix")

    def _fix(self, request: Request, ws: Workspace, wanted: str) -> Response:
        """Offer the fix the review listed (the engine shows it as the next page, then the review again), as the
        terminal's review does; a fix the answers no longer need is said on the review."""
        engine = ws.engine()
        action = next((a for a in engine.fixes() if a.key == wanted), None)
        if action is None:
            ws.notes = ["That fix is no longer needed: your answers have changed since the page was shown."]
            ws.settle()
            return self.go(request, "/check-your-answers")
        engine.offer(action)
        ws.settle()
        return self.go(request, "/question")

    async def move(self, request: Request) -> Response:
        return await self.posted(request, self._move, "to", "by")

    def _move(self, request: Request, ws: Workspace, wanted: str, by: str) -> Response:
        """Move a party, a tier or another list item up or down its list (only one the review lists as movable)."""
        step = {"up": -1, "down": 1}.get(by)
        engine = ws.engine()
        if step is not None:
            for item in engine.review_items():
                if item.item and item.movable and path_key(item.target) == wanted:
                    entry = engine.session.get(item.target)
                    if engine.move(item.target, step):
                        ws.notes = [f"Moved {_name(entry) or 'the item'} {by}."]
                    ws.settle()
                    break
        return self.go(request, "/check-your-answers")

    async def resume(self, request: Request) -> Response:
        return await self.posted(request, self._resume)

    def _resume(self, request: Request, ws: Workspace) -> Response:
        ws.engine().close_review()
        ws.settle()
        return self.go(request, "/question")

    async def glossary(self, request: Request) -> Response:
        return self.render(request, "glossary.html", glossary=sorted(GLOSSARY.items()))

    async def build(self, request: Request) -> Response:
        if await self.form(request) is None:
            return self.refused(request)
        ws = self.space(request)
        refused = await self.locked(ws, self._buildable, request, ws)
        if refused is not None:
            return refused
        ws.build = await self.builder.build(ws.path, ws.out_dir)
        return self.go(request, "/documents")

    def _buildable(self, request: Request, ws: Workspace) -> Response | None:
        """None if the answers are complete and pass the rules, else the review page saying what to change."""
        engine = ws.engine()
        try:
            answers = engine.finish()
        except InputError as exc:
            ws.settle()
            engine.review()
            lines = ["Some answers are still missing or do not fit together:", *exc.lines()]
            return self._review(request, ws, engine, errors=lines, status=422)
        ws.settle()
        findings = check(answers)
        errors = errors_in(findings)
        if errors:
            engine.review()
            ws.settle()
            lines = ["These must be changed before the documents can be built:", *(plain(f) for f in errors)]
            return self._review(request, ws, engine, errors=lines, status=422)
        return None

    async def documents(self, request: Request) -> Response:
        ws = self.space(request)
        return await self.locked(ws, self._documents, request, ws)

    def _documents(self, request: Request, ws: Workspace) -> Response:
        summary = ws.build
        if summary is None:
            return self.go(request, "/check-your-answers")
        engine = ws.engine()
        from ..interview.runner import _what

        docs = []
        for doc in summary.documents:
            kinds = {k.value for k in DocumentKind}
            name = label(DocumentKind(doc.kind)) if doc.kind in kinds else doc.kind
            gaps = list(dict.fromkeys(_what(engine, p) for p in doc.placeholders))
            docs.append({"name": name, "file": doc.file, "count": len(doc.placeholders), "gaps": gaps})
        others = sorted(n for n in summary.files if not any(n == d.file for d in summary.documents))
        return self.render(request, "documents.html", summary=summary, docs=docs, others=others)

    async def download(self, request: Request) -> Response:
        ws = self.space(request)
        name = request.path_params["name"]
        files = ws.build.files if ws.build is not None else {}
        if name not in files or not Path(files[name]).is_file():
            return self.render(request, "problem.html", status=404, lines=["That file is not in your last build."])
        response = FileResponse(files[name], filename=name)
        return self._finish(request, response)

    async def download_all(self, request: Request) -> Response:
        ws = self.space(request)
        files = ws.build.files if ws.build is not None else {}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(files):
                if Path(files[name]).is_file():
                    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                    archive.writestr(info, Path(files[name]).read_bytes(), zipfile.ZIP_DEFLATED)
        headers = {"Content-Disposition": 'attachment; filename="documents.zip"'}
        return self._finish(request, Response(buffer.getvalue(), media_type="application/zip", headers=headers))

    async def answers_yaml(self, request: Request) -> Response:
        ws = self.space(request)
        text = ws.path.read_text(encoding="utf-8") if ws.path.is_file() else ""
        headers = {"Content-Disposition": 'attachment; filename="answers.yaml"'}
        return self._finish(request, Response(text, media_type="application/yaml", headers=headers))

    async def upload(self, request: Request) -> Response:
        form = await self.form(request)
        if form is None:
            return self.refused(request)
        if self.spaces.shared:
            return self.go(request, "/")
        upload = form.get("answers")
        if not isinstance(upload, UploadFile):
            await form.close()
            return self.render(request, "problem.html", status=400, lines=["Choose an answers file to upload."])
        try:
            raw = await upload.read(MAX_UPLOAD + 1)
        finally:
            await form.close()
        try:
            if len(raw) > MAX_UPLOAD:
                raise InputError.single(path="the uploaded file", what="is larger than 5 MB")
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise InputError.single(path="the uploaded file", what="is not UTF-8 text") from None
            parse_document(text, "the uploaded file")
        except InputError as exc:
            return self.render(request, "problem.html", status=400, lines=exc.lines())
        ws = self.space(request)
        complete = await self.locked(ws, _replace_answers, ws, raw)
        return self.go(request, "/check-your-answers" if complete else "/question")


def _replace_answers(ws: Workspace, raw: bytes) -> bool:
    """Put an uploaded answers file in place of the session's; True if it is complete enough to build (then the
    review opens, rather than the first page of standard choices)."""
    ws.path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(ws.path, raw)
    with contextlib.suppress(OSError):
        Position.file_for(ws.path).unlink()
    ws.reset()
    try:
        engine = ws.engine()
    except AssemblerError:
        return False  # the question page says what is wrong with it
    complete = _buildable_as_is(engine)
    if complete:
        engine.review()
    ws.settle()
    return complete


def _opened_complete(ws: Workspace) -> bool:
    """Whether the answers file is complete enough to build and no interview has gone through it yet (a file
    written elsewhere, opened with ``assembler serve FILE``): then carrying on opens the review."""
    if Position.file_for(ws.path).exists():
        return False  # the interview has a place to carry on from
    try:
        engine = ws.engine()
    except AssemblerError:
        return False  # the question page says what is wrong with it
    ws.settle()
    return _buildable_as_is(engine)


def _buildable_as_is(engine: Engine) -> bool:
    """Whether the answers as they stand are complete enough to build (questions may be left that have a usual
    answer or can wait)."""
    try:
        engine.session.answers()
    except InputError:
        return False
    return True


def _problems(engine: Engine) -> list[dict[str, Any]]:
    """The check's problems that have a fix, each with its fixes (one fix is listed once, under its first
    problem)."""
    seen: set[str] = set()
    found: list[dict[str, Any]] = []
    for problem, actions in engine.problems():
        fixes = [{"key": a.key, "question": a.question} for a in actions if a.key not in seen]
        seen.update(f["key"] for f in fixes)
        if fixes:
            found.append({"text": problem, "fixes": fixes})
    return found


def _posted(form: FormData | None) -> dict[str, Any] | None:
    if form is None:
        return None
    return {"answer": form.get("answer"), "answers": form.getlist("answers")}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _name(item: Any) -> str:
    if isinstance(item, dict):
        for key in ("short_name", "name", "party", "title", "from_party"):
            if isinstance(item.get(key), str):
                return str(item[key])
    return ""


class _HostCheck:
    """Refuses a request whose Host header is not one of ``allowed`` (see ``Settings.allowed_hosts``)."""

    def __init__(self, app: ASGIApp, allowed: frozenset[str]) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
            if host.lower() not in self.allowed:
                response = Response(
                    "This address is not the interview's: open it as http://127.0.0.1 or http://localhost with "
                    "its port.\n",
                    status_code=421,
                    media_type="text/plain",
                    headers=HEADERS,
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(settings: Settings) -> Starlette:
    """The web app over ``settings.file`` or ``settings.data`` (no server: ``serve`` runs it under uvicorn)."""
    app = _App(settings)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            app.builder.close()

    get_: Callable[..., Route] = lambda path, fn: Route(path, fn, methods=["GET"])  # noqa: E731
    post: Callable[..., Route] = lambda path, fn: Route(path, fn, methods=["POST"])  # noqa: E731
    routes = [
        get_("/", app.start),
        get_("/question", app.question),
        post("/question", app.answer),
        post("/back", app.back),
        post("/cancel", app.cancel),
        get_("/check-your-answers", app.review),
        get_("/change", app.change),
        post("/remove", app.remove),
        post("/move", app.move),
        post("/fix", app.fix),
        post("/continue", app.resume),
        get_("/glossary", app.glossary),
        post("/build", app.build),
        get_("/documents", app.documents),
        get_("/download/{name}", app.download),
        get_("/documents.zip", app.download_all),
        get_("/answers.yaml", app.answers_yaml),
        post("/upload", app.upload),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        Mount("/assets", StaticFiles(directory=HERE / "static" / "assets"), name="assets"),
    ]
    web = Starlette(routes=routes, lifespan=lifespan)
    allowed = settings.allowed_hosts()
    if allowed is not None:
        web.add_middleware(_HostCheck, allowed=allowed)
    web.state.app = app
    return web


def serve(settings: Settings, *, echo: Callable[[str], None] = print) -> None:
    """Run the app under uvicorn until Ctrl-C, after printing its address."""
    import uvicorn

    web = create_app(settings)
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    echo(f"The interview is at http://{host}:{settings.port}/ (Ctrl-C to stop)")
    if settings.file is not None:
        echo(f"Answers file: {settings.file}")
    else:
        echo(f"Sessions are kept in: {settings.data}")
    uvicorn.run(web, host=settings.host, port=settings.port, log_level="warning")
