"""``python -m assembler``."""

from .cli import run

run()
