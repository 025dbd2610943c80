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


@pytest.fixture(autouse=True, scope="session")
def _private_state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Interrupted builds are noted in a state folder of the test session's own, not the user's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ASSEMBLER_STATE", str(tmp_path_factory.mktemp("state")))
        yield
