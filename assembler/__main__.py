"""``python -m assembler``."""

from .cli import main

main()
