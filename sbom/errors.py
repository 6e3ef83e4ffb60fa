"""The one exception a parser raises for input it cannot read."""

from __future__ import annotations


class ParseError(Exception):
    """Bad input: becomes a ParseIssue with this message and line; never escapes a scan."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
