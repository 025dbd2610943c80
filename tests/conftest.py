"""Test session settings shared by every test file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Compiled templates and parsed libraries go to a cache of the test session's own, not the user's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ASSEMBLER_CACHE", str(tmp_path_factory.mktemp("cache")))
        yield
