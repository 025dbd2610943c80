"""Reading an open file without trusting the size it claimed: at most a limit, noticing one that grew."""

from __future__ import annotations

import os

__all__ = ["read_at_most"]


def read_at_most(fd: int, limit: int) -> bytes:
    """Up to ``limit + 1`` bytes from ``fd``: a result longer than ``limit`` means the file is too big (or grew
    after it was measured), which the caller refuses."""
    chunks = []
    remaining = limit + 1
    while remaining > 0:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
