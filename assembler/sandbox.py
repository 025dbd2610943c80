"""The bounded jinja sandbox: rendering one clause takes at most ``MAX_SECONDS`` and writes at most ``MAX_OUTPUT``
characters, enforced without signals (so it works in any thread or worker process).

The deadline is a context variable set around each render and checked wherever a template does work: every
attribute or item lookup, call, intercepted operator, step of a ``range`` and chunk of output. Repetition
(``"x" * n``) and powers are checked before they are computed, so they cannot allocate or run away first.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from jinja2 import Template
from jinja2.runtime import Context
from jinja2.sandbox import MAX_RANGE, ImmutableSandboxedEnvironment

from .errors import RenderLimitError

__all__ = ["MAX_OUTPUT", "MAX_SECONDS", "BoundedSandbox", "Prepared", "RenderLimitError", "prepared", "render_bounded"]

MAX_SECONDS = 5.0
MAX_OUTPUT = 1_000_000  # characters of one clause's text (a long clause is a few thousand)
_MAX_EXPONENT = 256

_DEADLINE: ContextVar[float | None] = ContextVar("assembler_render_deadline", default=None)


def _tick() -> None:
    deadline = _DEADLINE.get()
    if deadline is not None and time.monotonic() > deadline:
        raise RenderLimitError(f"rendering took longer than {MAX_SECONDS:g} s")


class _BoundedRange:
    """``range`` for templates: the sandbox's size limit, and the deadline checked as a loop runs over it."""

    __slots__ = ("_range",)

    def __init__(self, *args: int) -> None:
        self._range = range(*args)
        if len(self._range) > MAX_RANGE:
            raise RenderLimitError(f"range of {len(self._range)} items (at most {MAX_RANGE})")

    def __iter__(self) -> Iterator[int]:
        return self._ticking(iter(self._range))

    @staticmethod
    def _ticking(values: Iterator[int]) -> Iterator[int]:
        for index, value in enumerate(values):
            if not index % 256:
                _tick()
            yield value

    def __len__(self) -> int:
        return len(self._range)

    def __getitem__(self, index: Any) -> Any:
        return self._range[index]

    def __contains__(self, value: object) -> bool:
        return value in self._range

    def __reversed__(self) -> Iterator[int]:
        return self._ticking(reversed(self._range))


def _sized(value: Any) -> bool:
    return isinstance(value, str | bytes | list | tuple)


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox with the deadline checked on every lookup, call and intercepted operator."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals["range"] = _BoundedRange

    def getattr(self, obj: Any, attribute: str) -> Any:
        _tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _tick()
        return super().getitem(obj, argument)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _tick()
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _tick()
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if _sized(sequence) and isinstance(count, int) and len(sequence) * count > MAX_OUTPUT:
                    raise RenderLimitError(f"repeating {len(sequence)} items {count} times is too much")
        big_power = isinstance(right, int) and abs(right) > _MAX_EXPONENT and isinstance(left, int) and abs(left) > 1
        if operator == "**" and big_power:
            raise RenderLimitError(f"a power with exponent {right} is too large")
        return super().call_binop(context, operator, left, right)


class Prepared(dict[str, Any]):
    """A context already holding the environment's globals: every template rendered with it shares it as it is.

    Jinja otherwise copies the whole context (twice) for each render; a document renders hundreds of clauses and
    conditions with the same context. Templates never change it: what a template sets goes into its own context."""

    __slots__ = ("globals_of",)

    globals_of: dict[str, Any]


def prepared(env: Any, context: dict[str, Any]) -> Prepared:
    """``context`` with ``env``'s globals under it, as jinja would build it for each render (its names win)."""
    out = Prepared(env.globals, **context)
    out.globals_of = env.globals
    return out


def _generate(template: Template, context: dict[str, Any]) -> Iterator[str]:
    layers = getattr(template.globals, "maps", None)  # a template's globals: its own over its environment's
    if (
        not isinstance(context, Prepared)
        or layers is None
        or len(layers) != 2
        or layers[0]  # globals of its own: they go into its own copy, as jinja does it
        or layers[1] is not context.globals_of
        or layers[1] is not template.environment.globals
    ):
        return template.generate(context)
    return _shared(template, context)


def _shared(template: Template, context: Prepared) -> Iterator[str]:
    """``Template.generate`` without the copies: the prepared context is the template context's parent."""
    ctx = template.new_context(context, shared=True)
    try:
        yield from template.root_render_func(ctx)
    except Exception:
        yield template.environment.handle_exception()


def render_bounded(template: Template, context: dict[str, Any]) -> str:
    """Render within the limits; raise ``RenderLimitError`` (through the template, so its line is known).

    A ``Prepared`` context is shared by the renders instead of copied for each."""
    token = _DEADLINE.set(time.monotonic() + MAX_SECONDS)
    try:
        parts: list[str] = []
        size = 0
        for chunk in _generate(template, context):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise RenderLimitError(f"the text is over {MAX_OUTPUT:,} characters")
            parts.append(chunk)
            if not len(parts) & 31:  # the clock every 32 pieces: lookups, calls and loops check it too
                _tick()
        return "".join(parts)
    finally:
        _DEADLINE.reset(token)
