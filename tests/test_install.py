"""Installing: the wheel's package list and data, and the installed library being read-only (the wheel itself is
built, installed and run on every example by `.ci/wheel-check`)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

import assembler
from assembler.cli import main
from assembler.lint import versions
from assembler.resources import clause_library_root, is_package_data, templates_root

ROOT = Path(__file__).resolve().parent.parent


def _setuptools() -> dict[str, object]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    table = config["tool"]["setuptools"]
    assert isinstance(table, dict)
    return table


def test_every_code_package_is_in_the_wheel() -> None:
    found = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "assembler").rglob("__init__.py")}
    listed = set(_setuptools()["packages"])  # type: ignore[arg-type]
    assert found <= listed, f"add {sorted(found - listed)} to [tool.setuptools] packages in pyproject.toml"


def test_the_library_and_templates_ship_as_package_data() -> None:
    mapping = _setuptools()["package-dir"]
    assert mapping == {"assembler.clause_library": "clause_library", "assembler.templates": "templates"}
    # A source checkout (and an editable install) reads the top-level folders: one copy in git.
    assert clause_library_root() == ROOT / "clause_library"
    assert templates_root() == ROOT / "templates"
    assert (templates_root() / "house.docx").is_file()


def test_package_data_is_recognised(tmp_path: Path) -> None:
    assert is_package_data(Path(assembler.__file__).parent / "clause_library")
    assert not is_package_data(tmp_path)
    assert not is_package_data(ROOT / "clause_library")


def test_update_lock_refuses_the_installed_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(versions, "is_package_data", lambda _path: True)
    result = CliRunner().invoke(main, ["clauses", "lint", "--update-lock"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, lines
    assert "read-only package data" in lines[0] and "--library DIR" in lines[0]


def _imported_top_level(folder: Path) -> set[str]:
    import ast

    names: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def test_every_imported_package_is_declared() -> None:
    import sys
    from importlib.metadata import packages_distributions

    from packaging.requirements import Requirement

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {Requirement(r).name.lower().replace("_", "-") for r in config["project"]["dependencies"]}
    third_party = _imported_top_level(ROOT / "assembler") - set(sys.stdlib_module_names) - {"assembler"}
    by_module = packages_distributions()
    missing = {}
    for module in sorted(third_party):
        dists = {d.lower().replace("_", "-") for d in by_module.get(module, [module])}
        if not dists & declared:
            missing[module] = sorted(dists)
    assert not missing, f"imported but not declared in pyproject.toml dependencies: {missing}"
    unbounded = [r for r in config["project"]["dependencies"] if "<" not in r]
    assert not unbounded, f"give each runtime dependency an upper bound: {unbounded}"


def test_the_c_yaml_parser_is_installed() -> None:
    """ruamel.yaml 0.19 made its C parser optional: it is declared, because answers load ten times faster with it
    (and the screen in answers_file reads its events)."""
    import platform

    from ruamel.yaml import YAML

    if platform.python_implementation() != "CPython":
        pytest.skip("the C parser is built for CPython only")
    assert YAML(typ="safe").Parser.__name__ == "CParser"
