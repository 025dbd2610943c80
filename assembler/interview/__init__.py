"""The guided interview: questions read from the answers model, asked by section, saved after every answer.

Modules: ``questions`` (a question per model field; the only place that builds questionary prompts),
``session`` (the partial draft and its atomic autosave), ``flow`` (sections, repeating groups, review and
edit), ``guidance`` (governance rules and legal options shown as the user answers), ``runner`` (start to
finish, interrupts, the final check and build). questionary is imported only when a prompt is built.
"""

from __future__ import annotations

from .flow import SECTIONS, Interview, Section
from .questions import Prompter, Question, question, questions
from .runner import InterviewInterrupted, InterviewResult, NoTerminalError, run_interview
from .session import Session

__all__ = [
    "SECTIONS",
    "Interview",
    "InterviewInterrupted",
    "InterviewResult",
    "NoTerminalError",
    "Prompter",
    "Question",
    "Section",
    "Session",
    "question",
    "questions",
    "run_interview",
]
