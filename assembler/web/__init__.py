"""The interview in a web browser: server-rendered pages over the same question engine as the terminal.

Modules: ``workspace`` (one answers file and its engine, kept in step with the file; the single-file and the
data-folder modes), ``forms`` (an engine page as form fields, and a posted form as the answer the engine takes),
``builds`` (the build in a pool of worker processes, never on the request loop) and ``app`` (the Starlette routes,
the CSRF token and the pages). Nothing here decides what to ask or what an answer means: that is the engine's.
"""

from __future__ import annotations

from .app import Settings, create_app, serve

__all__ = ["Settings", "create_app", "serve"]
