"""Every error class lives in errors.py, derives from the one base, and the module docstring draws each of them."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import assembler
from assembler import errors


def _package_errors() -> set[type[BaseException]]:
    found: set[type[BaseException]] = set()
    for info in pkgutil.walk_packages(assembler.__path__, "assembler."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__.startswith("assembler"):
                found.add(value)
    return found


def test_every_error_class_is_defined_in_errors() -> None:
    stray = sorted(f"{c.__module__}.{c.__name__}" for c in _package_errors() if c.__module__ != "assembler.errors")
    assert not stray, f"define these in assembler/errors.py: {stray}"


def test_every_error_derives_from_the_base() -> None:
    for cls in _package_errors():
        assert issubclass(cls, errors.AssemblerError), cls


def test_the_docstring_draws_the_real_hierarchy() -> None:
    doc = errors.__doc__ or ""
    drawn = re.findall(r"^\s*(?:[│ ]*[├└]── )?(\w+) \((\d+)\)", doc, re.M)
    classes = {c for c in _package_errors()}
    assert {name for name, _ in drawn} == {c.__name__ for c in classes}
    for name, code in drawn:
        assert getattr(errors, name).exit_code == int(code), name
    # each child is drawn under its real parent: indentation follows inheritance
    lines = [line for line in doc.splitlines() if re.search(r"\w+Error \(|\w+Interrupted \(", line)]
    stack: list[tuple[int, str]] = []
    for line in lines:
        name = re.search(r"(\w+) \(\d+\)", line).group(1)  # type: ignore[union-attr]
        depth = len(line) - len(line.lstrip(" │├└─"))
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if stack:
            assert getattr(errors, stack[-1][1]) in getattr(errors, name).__bases__, (name, stack[-1][1])
        stack.append((depth, name))
