"""Answers files: YAML in, YAML out, comments kept, every problem reported at once as ``file:line: field: ...``."""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import io
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .errors import InputError, Problem
from .model import FORMAT_VERSION, Answers

__all__ = [
    "LoadedAnswers",
    "answers_data",
    "dump_answers",
    "load_answers",
    "parse_answers",
    "parse_document",
    "plain_data",
    "read_text",
    "round_trip_yaml",
    "save_answers",
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
    _document: CommentedMap | None = field(default=None, repr=False)

    @property
    def document(self) -> CommentedMap:
        if self._document is None:
            self._document = parse_document(self.text, self.name)
        return self._document


def load_answers(path: Path | str) -> LoadedAnswers:
    """Read and validate an answers file; raise ``InputError`` listing every problem found."""
    path = Path(path)
    text = read_text(path)
    return parse_answers(text, name=str(path), path=path)


def parse_answers(text: str, *, name: str = "<answers>", path: Path | None = None) -> LoadedAnswers:
    """Validate answers given as YAML text (``name`` is used in messages).

    A fast C parser reads a good file; anything it or the model rejects is parsed again by the round-trip
    parser, which knows the line of every key, so each problem is reported with its line.
    """
    try:
        data = _fast_yaml().load(text)
        if isinstance(data, dict) and "\t" not in _indentation(text):
            _check_tree(data, name)
            answers = Answers.model_validate(plain_data(data))
            return LoadedAnswers(answers=answers, text=text, path=path or Path(name), name=name)
    except (YAMLError, ValueError, TypeError):
        pass
    document = parse_document(text, name)
    try:
        answers = Answers.model_validate(plain_data(document))
    except ValidationError as exc:
        raise InputError(problems=list(validation_problems(exc, document, name))) from None
    return LoadedAnswers(answers=answers, text=text, path=path or Path(name), name=name, _document=document)


def _indentation(text: str) -> str:
    return "".join(line[: len(line) - len(line.lstrip(" \t"))] for line in text.splitlines())


def _fast_yaml() -> YAML:
    """The C-accelerated safe loader (YAML 1.2, like the round-trip one; duplicate keys are errors)."""
    return YAML(typ="safe")


def read_text(path: Path) -> str:
    """A user's file as text, or an ``InputError`` saying why it cannot be read (missing, folder, binary...)."""
    if not path.exists():
        raise InputError.single(
            path=path, what="file not found", fix="check the path, or create it with `assembler interview`"
        )
    if path.is_dir():
        raise InputError.single(path=path, what="is a directory", fix="give the path of an answers .yaml file")
    try:
        raw = path.read_bytes()
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


def parse_document(text: str, name: str) -> CommentedMap:
    """The comment-keeping YAML tree of an answers file (complete or not); YAML errors name line and column."""
    if not text.strip() or all(line.lstrip().startswith("#") or not line.strip() for line in text.splitlines()):
        raise InputError.single(
            path=name,
            what="the file is empty",
            fix="start from an example in answers/ or run `assembler interview`",
        )
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            raise InputError(
                problems=[Problem(name, "", "a tab is used for indentation", "indent with spaces only", line=number)]
            )
    try:
        document = round_trip_yaml().load(io.StringIO(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at: int | None = mark.line + 1 if mark else None
        column = f", column {mark.column + 1}" if mark else ""
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        fix = "give each key only once" if "duplicate key" in problem else "fix the YAML syntax at that place"
        problem = problem.split(" with value ")[0]
        raise InputError(problems=[Problem(name, "", f"YAML error{column}: {problem}", fix, line=at)]) from None
    except YAMLError as exc:
        raise InputError.single(path=name, what=f"YAML error: {exc}", fix="fix the YAML syntax") from None
    if not isinstance(document, CommentedMap):
        raise InputError.single(
            path=name,
            what="the top level is not a mapping of keys to answers",
            fix="start the file with `format_version: 1`",
        )
    _check_tree(document, name)
    return document


_PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")}


def _check_tree(node: Any, name: str) -> None:
    """Refuse what an answers file never needs and a hostile one could abuse: aliases (``*x``, which can
    multiply a small file into a huge one) and explicit tags (``!!python/object``...)."""
    seen: set[int] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        tag = getattr(getattr(item, "tag", None), "value", None)
        if isinstance(item, TaggedScalar) or (isinstance(tag, str) and tag not in _PLAIN_TAGS):
            raise InputError.single(
                path=name, what=f"the YAML tag {tag or getattr(item.tag, 'value', '?')} is not allowed", fix="remove it"
            )
        if isinstance(item, dict | list):
            if id(item) in seen:
                raise InputError.single(
                    path=name,
                    what="YAML anchors and aliases (&name, *name) are not allowed",
                    fix="write each answer out",
                )
            seen.add(id(item))
            stack.extend(item.values() if isinstance(item, dict) else item)


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


def validation_problems(exc: ValidationError, document: CommentedMap, name: str) -> Iterator[Problem]:
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
    """The 1-based line of the deepest part of ``loc`` present in the YAML document."""
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


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
