"""Tests that need an optional tool (LibreOffice, pdftotext, Graphviz): skipped where it is missing, except on CI
(``CI=1``), where a missing tool is a failure — CI installs all of them (.ci/run)."""

from __future__ import annotations

import os
import shutil

import pytest


def need(*tools: str, install: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if not missing:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must install {install} ({', '.join(missing)} missing)")
    pytest.skip(f"{', '.join(missing)} not installed")


def need_dot() -> None:
    need("dot", install="graphviz")


def need_office() -> None:
    need("soffice", "pdftotext", install="libreoffice-writer-nogui and poppler-utils")
