"""Where the clause library and the house templates are: package data in a wheel, the top-level folders in git."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import InputError

__all__ = ["clause_library_root", "is_package_data", "read_only_library_error", "templates_root"]

_SOURCE = Path(__file__).resolve().parent.parent  # a source checkout (or an editable install of one)


def _data_dir(name: str) -> Path:
    """``assembler/<name>`` where a wheel installed it, else the top-level ``<name>`` of a source checkout.

    The wheel maps the top-level folders into the package (see pyproject.toml), so git keeps one copy."""
    packaged = resources.files("assembler") / name
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return _SOURCE / name


def clause_library_root() -> Path:
    """The clause library shipped with the tool."""
    return _data_dir("clause_library")


def templates_root() -> Path:
    """The house templates shipped with the tool."""
    return _data_dir("templates")


def is_package_data(path: Path) -> bool:
    """True for a folder inside the installed package (read-only: pip owns it and would overwrite edits)."""
    package = Path(str(resources.files("assembler"))).resolve()
    return path.resolve().is_relative_to(package)


def read_only_library_error(path: Path, command: str) -> InputError:
    """The one-line refusal of a maintainer command that would write into the installed library."""
    return InputError.single(
        path=path,
        what=f"`{command}` writes the clause library, but this one is read-only package data installed with the tool",
        fix="pass --library DIR with a copy of the library, or run it from a source checkout",
    )
