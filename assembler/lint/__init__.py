"""Clause library lint: every problem in the library at once, each as a ``file:line: problem`` line.

The checks, in the order a maintainer meets them:

* metadata that does not load (the messages of ``load_library``, collected rather than raised);
* jinja syntax, unknown filters and tests, macro files that do not exist;
* variables and fields the answers do not have (``collaborative.nmae``, ``body.quorm``): the template is
  walked as a tree and each attribute chain is checked against the pydantic answers model (``shapes``,
  ``templates``);
* cross-references to clauses or anchors that do not exist, or that a document using the clause leaves out;
* clauses no document includes, and ``documents`` metadata that disagrees with the document definitions;
* defined terms used but not defined, or defined but never used;
* house templates missing or lacking the tags the Word writer fills;
* clauses whose text or condition changed without a version bump (``versions``: ``versions.lock``).

Modules: ``files`` (reading the library leniently), ``shapes`` (the answers model as template data),
``templates`` (walking a template), ``versions`` (the lock), ``checks`` (the lint).
"""

from __future__ import annotations

from .checks import HOUSE_TAGS, LintReport, lint_library
from .versions import LOCK_NAME, read_lock, update_lock

__all__ = ["HOUSE_TAGS", "LOCK_NAME", "LintReport", "lint_library", "read_lock", "update_lock"]
