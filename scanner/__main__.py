"""Allows ``python -m scanner``."""

from scanner.cli import console

console()
