"""The guided interview: one question engine, and the terminal as one front end over it.

Modules: ``questions`` (a question per model field, read from its metadata), ``plan`` (the sections and the steps
they ask, worked out from the draft), ``lenient`` (fractions, dates, money and durations as people type them),
``feedback`` (governance findings in the screen's words), ``engine`` (the state machine any front end drives:
page, submit, back, cancel, review, jump), ``session`` (the draft and its atomic autosave), ``guidance`` (legal
options shown as the user answers), ``glossary``, ``terminal`` (questionary pages and keys) and ``runner`` (start to
finish, the end screen and the build). questionary is imported only when a prompt is built.
"""

from __future__ import annotations

from .engine import Choice, Engine, Outcome, Page, Position, ReviewItem
from .plan import SECTIONS, Section
from .questions import Question, question, questions
from .runner import InterviewInterrupted, InterviewResult, NoTerminalError, run_interview
from .session import Session
from .terminal import Prompter

__all__ = [
    "SECTIONS",
    "Choice",
    "Engine",
    "InterviewInterrupted",
    "InterviewResult",
    "NoTerminalError",
    "Outcome",
    "Page",
    "Position",
    "Prompter",
    "Question",
    "ReviewItem",
    "Section",
    "Session",
    "question",
    "questions",
    "run_interview",
]
