"""Governance rules R1–R19 and the consistency checks C1–C8, in one registry; each finding names its source."""

from __future__ import annotations

from . import consistency, statutory  # noqa: F401  # registers the rules
from .registry import RULES, WARNING_DOCUMENTS, Finding, Rule, Severity, check, concerns, errors_in

__all__ = ["RULES", "WARNING_DOCUMENTS", "Finding", "Rule", "Severity", "check", "concerns", "errors_in"]
