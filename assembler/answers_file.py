"""Answers files: YAML in, YAML out, comments kept, every problem reported at once as ``file:line: field: ...``."""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import io
import os
import re
import stat
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor, SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from .errors import InputError, Problem
from .migrate import migrate, notice
from .model import FORMAT_VERSION, Answers
from .reading import read_at_most

__all__ = [
    "LoadedAnswers",
    "answers_data",
    "dump_answers",
    "load_answers",
    "migrate_file",
    "parse_answers",
    "parse_document",
    "plain_data",
    "read_text",
    "round_trip_yaml",
    "save_answers",
    "screen_yaml",
    "validation_problems",
    "write_atomic",
]


class _Constructor(RoundTripConstructor):
    """Round-trip constructor that leaves an impossible date as text, so validation can name its field and line."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError:
            return self.construct_scalar(node)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


class _SafeConstructor(SafeConstructor):
    """The fast loader's constructor, leaving an impossible date as text too."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError:
            return self.construct_scalar(node)


_SafeConstructor.add_constructor("tag:yaml.org,2002:timestamp", _SafeConstructor.construct_yaml_timestamp)


def round_trip_yaml() -> YAML:
    """The comment-keeping YAML reader and writer, set up as the tool writes answers files."""
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.preserve_quotes = True
    yaml.representer.add_representer(type(None), _represent_null)
    return yaml


def _represent_null(representer: Any, _data: None) -> Any:
    """Unknown answers are written as an explicit ``null``, never as an empty value."""
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


@dataclass
class LoadedAnswers:
    """A validated model and the text it came from; ``document`` is its comment-keeping YAML tree, parsed on
    first use (only saving needs it, so checking and building stay fast)."""

    answers: Answers
    text: str
    path: Path
    name: str = "<answers>"
    notice: str | None = None  # one line when the file was in an older answers format (read migrated)
    _document: CommentedMap | None = field(default=None, repr=False)

    @property
    def document(self) -> CommentedMap:
        if self._document is None:
            self._document = parse_document(self.text, self.name)
        return self._document


MAX_BYTES = 5 * 1024 * 1024
"""An answers file is a few kilobytes; anything over this is refused before it is parsed."""
MAX_DEPTH = 50
"""Answers nest a few levels; deeper nesting is refused before the C parser, which crashes on thousands of levels."""
MAX_DIGITS = 100
"""No answer is a number this long (Python refuses to convert integers of over 4,300 digits)."""


def load_answers(path: Path | str) -> LoadedAnswers:
    """Read and validate an answers file; raise ``InputError`` listing every problem found."""
    path = Path(path)
    text = read_text(path)
    return parse_answers(text, name=str(path), path=path)


def parse_answers(text: str, *, name: str = "<answers>", path: Path | None = None) -> LoadedAnswers:
    """Validate answers given as YAML text (``name`` is used in messages).

    The text is screened first (size, tabs, nesting, aliases, tags: ``screen_yaml``), then parsed once by the
    C parser into nodes, which know their lines, so every problem is reported with its line without a second,
    pure-Python parse. The comment-keeping tree is only made when the answers are saved.
    """
    node = _compose(text, name)
    data = plain_data(_construct(node, name))
    version, changes = migrate(data, name)
    try:
        answers = Answers.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems=list(validation_problems(exc, node, name))) from None
    return LoadedAnswers(
        answers=answers, text=text, path=path or Path(name), name=name, notice=notice(name, version, changes)
    )


def _fast_yaml() -> YAML:
    """The C-accelerated safe loader (YAML 1.2, like the round-trip one; duplicate keys are errors)."""
    yaml = YAML(typ="safe")
    yaml.Constructor = _SafeConstructor
    return yaml


def read_text(path: Path) -> str:
    """A user's file as text, or an ``InputError`` saying why it cannot be read (missing, folder, device, FIFO,
    too large, binary...). Only a regular file of at most ``MAX_BYTES`` is read, and never more than that."""
    if not path.exists():
        raise InputError.single(
            path=path, what="file not found", fix="check the path, or create it with `assembler interview`"
        )
    if path.is_dir():
        raise InputError.single(path=path, what="is a directory", fix="give the path of an answers .yaml file")
    try:
        raw = _read_regular_file(path)
    except OSError as exc:
        raise InputError.single(
            path=path, what=f"cannot be read ({exc.strerror})", fix="check its permissions"
        ) from None
    if b"\x00" in raw:
        raise InputError.single(path=path, what="is a binary file, not YAML", fix="give a YAML answers file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError.single(
            path=path, what=f"is not UTF-8 text (byte {exc.start})", fix="save the file as UTF-8"
        ) from None
    return text


# Opening a FIFO for reading would wait for a writer: O_NONBLOCK returns at once (flags a platform lacks are 0).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _read_regular_file(path: Path) -> bytes:
    fd = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError.single(
                path=path,
                what="is not a regular file (a device, FIFO or socket)",
                fix="give the path of an answers .yaml file",
            )
        if info.st_size > MAX_BYTES:
            raise _too_large(path, info.st_size)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        raw = read_at_most(fd, MAX_BYTES)
        if len(raw) > MAX_BYTES:
            raise _too_large(path, len(raw))
        return raw
    finally:
        os.close(fd)


def _too_large(path: Path, size: int) -> InputError:
    return InputError.single(
        path=path,
        what=f"is {size / 1024 / 1024:.1f} MB; an answers file may be at most {MAX_BYTES // 1024 // 1024} MB",
        fix="give an answers file (they are a few kilobytes)",
    )


def _empty(text: str) -> bool:
    return re.search(r"^[ \t]*[^\s#]", text, re.MULTILINE) is None


def screen_yaml(text: str, name: str) -> None:
    """Refuse, before anything is built from the text, what an answers file never needs and a hostile one could
    abuse, each with its line: tabs in indentation, nesting deeper than ``MAX_DEPTH`` (the C parser crashes on
    thousands of levels), anchors and aliases (``&x``/``*x`` can multiply a small file into a huge one), merge
    keys (``<<``), explicit tags other than YAML's plain ones (``!!python/object``, ``!!binary``...) and numbers of
    more than ``MAX_DIGITS`` digits. The C parser's events are read one by one (no tree is made), so a 5 MB file is
    screened in a fraction of a second and a hostile one is refused at its first offending event."""
    if len(text) > MAX_BYTES:
        raise InputError.single(
            path=name, what=f"is longer than {MAX_BYTES // 1024 // 1024} MB", fix="give an answers file"
        )
    if _empty(text):
        raise InputError.single(
            path=name,
            what="the file is empty",
            fix="start from an example in answers/ or run `assembler interview`",
        )
    tab = re.search(r"^ *\t", text, re.MULTILINE)
    if tab is not None:
        line = text.count("\n", 0, tab.start()) + 1
        raise InputError(
            problems=[Problem(name, "", "a tab is used for indentation", "indent with spaces only", line=line)]
        )
    depth = 0
    try:
        for event in _fast_yaml().parse(text):
            refusal = _refusal(event, depth)
            if refusal is not None:
                what, fix = refusal
                raise InputError(problems=[Problem(name, "", what, fix, line=event.start_mark.line + 1)])
            if isinstance(event, CollectionStartEvent):
                depth += 1
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except MarkedYAMLError as exc:
        raise _yaml_error(exc, name) from None
    except YAMLError as exc:
        raise InputError.single(path=name, what=f"YAML error: {exc}", fix="fix the YAML syntax") from None


def _refusal(event: Any, depth: int) -> tuple[str, str] | None:
    """Why this parser event is not allowed in an answers file (what, fix), or None."""
    if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
        return "YAML anchors and aliases (&name, *name) are not allowed", "write each answer out"
    tag = getattr(event, "tag", None)
    if tag is not None and tag not in _PLAIN_TAGS:
        return f"the YAML tag {tag} is not allowed", "remove it"
    if isinstance(event, CollectionStartEvent) and depth >= MAX_DEPTH:
        return f"the answers nest more than {MAX_DEPTH} levels deep", "answers nest a few levels: check the file"
    if isinstance(event, ScalarEvent) and event.implicit[0]:  # plain (unquoted) scalars
        value = event.value
        if value == "<<":
            return "YAML merge keys (<<) are not allowed", "write each answer out"
        if len(value) > MAX_DIGITS and _NUMBER.fullmatch(value):
            digits = sum(character.isdigit() for character in value)
            if digits > MAX_DIGITS:
                return f"a number of {digits} digits", f"no answer has more than {MAX_DIGITS} digits"
    return None


# YAML 1.2 numbers (and the 1.1 forms with underscores): what the resolver would turn into an int or a float.
_NUMBER = re.compile(
    r"[-+]?(0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|\.[0-9_]+([eE][-+]?[0-9]+)?)"
)


def _yaml_error(exc: MarkedYAMLError, name: str) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    at: int | None = mark.line + 1 if mark else None
    column = f", column {mark.column + 1}" if mark else ""
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    fix = "give each key only once" if "duplicate key" in problem else "fix the YAML syntax at that place"
    problem = problem.split(" with value ")[0]
    return InputError(problems=[Problem(name, "", f"YAML error{column}: {problem}", fix, line=at)])


def _compose(text: str, name: str) -> Node:
    """The screened text as a tree of YAML nodes (each knows its line), made by the C parser."""
    screen_yaml(text, name)
    try:
        node = _fast_yaml().compose(text)
    except MarkedYAMLError as exc:
        raise _yaml_error(exc, name) from None
    except YAMLError as exc:
        raise InputError.single(path=name, what=f"YAML error: {exc}", fix="fix the YAML syntax") from None
    if not isinstance(node, MappingNode):
        raise _not_a_mapping(name)
    return node


def _construct(node: Node, name: str) -> dict[str, Any]:
    constructor = _fast_yaml().constructor
    try:
        data = constructor.construct_document(node)
    except MarkedYAMLError as exc:
        raise _yaml_error(exc, name) from None
    except (YAMLError, ValueError, TypeError) as exc:
        raise InputError.single(path=name, what=f"YAML error: {exc}", fix="fix the YAML syntax") from None
    if not isinstance(data, dict):
        raise _not_a_mapping(name)
    return data


def _not_a_mapping(name: str) -> InputError:
    return InputError.single(
        path=name,
        what="the top level is not a mapping of keys to answers",
        fix=f"start the file with `format_version: {FORMAT_VERSION}`",
    )


def parse_document(text: str, name: str) -> CommentedMap:
    """The comment-keeping YAML tree of an answers file (complete or not); YAML errors name line and column."""
    screen_yaml(text, name)
    try:
        document = round_trip_yaml().load(io.StringIO(text))
    except MarkedYAMLError as exc:
        raise _yaml_error(exc, name) from None
    except YAMLError as exc:
        raise InputError.single(path=name, what=f"YAML error: {exc}", fix="fix the YAML syntax") from None
    if not isinstance(document, CommentedMap):
        raise _not_a_mapping(name)
    return document


_PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")}


def plain_data(value: Any) -> Any:
    """The YAML tree as plain Python values, so validation sees no ruamel types."""
    if isinstance(value, Mapping):
        return {str(k): plain_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_data(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, dt.datetime | dt.date):
        return value
    return str(value)


# ------------------------------------------------------------------------------------------- error messages


def validation_problems(exc: ValidationError, document: CommentedMap | Node, name: str) -> Iterator[Problem]:
    """One ``file:line: field: problem — fix`` for each validation error, lines taken from the YAML tree."""
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        kind = error["type"]
        where = _dotted(loc)
        line = _line_of(document, loc)
        message = str(error["msg"])
        if kind == "extra_forbidden":
            key = str(loc[-1]) if loc else ""
            valid = _field_names(loc[:-1])
            near = difflib.get_close_matches(key, valid, n=1, cutoff=0.5)
            fix = f"did you mean `{near[0]}`?" if near else "remove it; valid keys here: " + ", ".join(valid)
            yield Problem(name, where, "unknown key", fix, line=line)
        elif kind == "missing":
            yield Problem(name, where, "required answer is missing", "add it (see answers/ for examples)", line=line)
        elif kind == "enum":
            expected = error.get("ctx", {}).get("expected", "")
            yield Problem(
                name,
                where,
                f"{error.get('input')!r} is not an allowed value",
                f"use one of {expected}",
                line=line,
            )
        elif kind.startswith("date") or kind.startswith("datetime"):
            yield Problem(
                name,
                where,
                f"{error.get('input')!r} is not a valid date",
                "write it as YYYY-MM-DD",
                line=line,
            )
        elif kind == "string_too_long":
            limit = error.get("ctx", {}).get("max_length")
            yield Problem(
                name,
                where,
                f"too long ({len(str(error.get('input', '')))} characters)",
                f"shorten it to at most {limit} characters",
                line=line,
            )
        elif kind == "string_too_short":
            yield Problem(name, where, "empty text", "write the answer, or null if it is not known yet", line=line)
        elif kind.endswith("_type") or kind.endswith("_parsing"):
            yield Problem(name, where, message.lower(), f"got {error.get('input')!r}; correct the value", line=line)
        else:
            text = message.removeprefix("Value error, ")
            yield Problem(name, where, text, "correct the value", line=line)


def _dotted(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _line_of(document: Any, loc: Sequence[int | str]) -> int | None:
    """The 1-based line of the deepest part of ``loc`` present in the YAML document (a comment-keeping tree or the
    C parser's nodes)."""
    if isinstance(document, Node):
        return _node_line(document, loc)
    node = document
    line: int | None = None
    for part in loc:
        if isinstance(node, CommentedMap) and isinstance(part, str) and part in node:
            with contextlib.suppress(KeyError, TypeError, AttributeError):
                line = node.lc.key(part)[0] + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            with contextlib.suppress(KeyError, TypeError, AttributeError):
                line = node.lc.item(part)[0] + 1
            node = node[part]
        else:
            break
    return line


def _node_line(node: Node, loc: Sequence[int | str]) -> int | None:
    line: int | None = None
    for part in loc:
        if isinstance(node, MappingNode):
            found = next((pair for pair in node.value if str(pair[0].value) == str(part)), None)
            if found is None:
                break
            line = found[0].start_mark.line + 1
            node = found[1]
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _field_names(loc: Sequence[int | str]) -> list[str]:
    """Valid keys of the model found at ``loc`` (for 'did you mean')."""
    model: type[BaseModel] = Answers
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return []
        inner = _model_in(field.annotation)
        if inner is None:
            return []
        model = inner
    return list(model.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


# ------------------------------------------------------------------------------------------------- saving


def _yaml_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _yaml_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_yaml_value(v) for v in value]
    return value


def answers_data(answers: Answers) -> dict[str, Any]:
    """The answers as YAML-ready data: what the user set (explicit unknowns included), format version first."""
    data = _yaml_value(answers.model_dump(mode="python", exclude_unset=True))
    assert isinstance(data, dict)
    data.pop("format_version", None)
    return {"format_version": FORMAT_VERSION, **data}


def _merge(target: CommentedMap | CommentedSeq, new: Any) -> Any:
    """Update a YAML node in place from plain data, so comments on unchanged keys survive."""
    if isinstance(target, CommentedMap) and isinstance(new, dict):
        for key in [k for k in target if k not in new]:
            del target[key]
        for index, (key, value) in enumerate(new.items()):
            old = target.get(key)
            if isinstance(old, CommentedMap | CommentedSeq) and isinstance(value, dict | list):
                _merge(old, value)
            elif key in target:
                if not _same(old, value):
                    target[key] = value
            else:
                target.insert(min(index, len(target)), key, value)
        return target
    if isinstance(target, CommentedSeq) and isinstance(new, list):
        while len(target) > len(new):
            del target[-1]
        for index, value in enumerate(new):
            if index < len(target):
                old = target[index]
                if isinstance(old, CommentedMap | CommentedSeq) and isinstance(value, dict | list):
                    _merge(old, value)
                elif not _same(old, value):
                    target[index] = value
            else:
                target.append(value)
        return target
    return new


def _same(old: Any, new: Any) -> bool:
    """Equal values of the same sort (a folded string equals its text; True does not equal 1)."""
    return bool(old == new) and isinstance(old, bool) == isinstance(new, bool)


def dump_answers(answers: Answers, document: CommentedMap | None = None) -> str:
    """The YAML text for ``answers``; with the document it was loaded from, its comments and order are kept."""
    data = answers_data(answers)
    tree = _merge(document, data) if document is not None else data
    stream = io.StringIO()
    round_trip_yaml().dump(tree, stream)
    return stream.getvalue()


def save_answers(answers: Answers, path: Path | str, document: CommentedMap | None = None) -> None:
    """Write answers atomically: a crash leaves either the old file or the new one, never half of one."""
    write_atomic(Path(path), dump_answers(answers, document).encode("utf-8"))


def migrate_file(path: Path | str) -> str:
    """Rewrite an answers file in the current format, comments and order kept, after checking that the migrated
    answers load (a file that would not is left as it was). Returns what was done, in one line."""
    path = Path(path)
    text = read_text(path)
    document = parse_document(text, str(path))
    version, changes = migrate(document, str(path))
    if version == FORMAT_VERSION:
        return f"{path} is already in answers format {FORMAT_VERSION}; nothing to do"
    stream = io.StringIO()
    round_trip_yaml().dump(document, stream)
    parse_answers(stream.getvalue(), name=str(path), path=path)  # refuse to write what would not load
    write_atomic(path, stream.getvalue().encode("utf-8"))
    done = f" ({'; '.join(changes)})" if changes else ""
    return f"{path}: migrated from answers format {version} to {FORMAT_VERSION}{done}"


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk, then rename it over ``path``.

    ``durable=False`` leaves out the flush to disk (a few milliseconds): readers still only ever see the old file or
    the new one, but after a power cut the file may be empty. Only for files whose loss costs nothing but
    convenience (the interview's position record, which is read leniently)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
