"""Offset-to-line lookups, so parsers of JSON/TOML/YAML can report where a package is pinned."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

# Where str.splitlines() breaks a line.
_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def iter_lines(text: str, newline_only: bool = False) -> Iterator[str]:
    """``text.splitlines()`` (or ``split("\\n")``) one line at a time.

    A list of every line costs several times the file; a parser that stops early (at the
    component limit) never builds it.
    """
    pos = 0
    for m in re.finditer("\n", text) if newline_only else _BREAK.finditer(text):
        yield text[pos : m.start()]
        pos = m.end()
    if pos < len(text) or newline_only:
        yield text[pos:]


class LineIndex:
    """Maps character offsets of a text to 1-based line numbers."""

    __slots__ = ("_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self._starts = starts

    def line_of(self, offset: int) -> int:
        """1-based line that contains ``offset``."""
        return bisect_right(self._starts, offset)

    def find_line(self, needle: str, start: int = 0) -> int | None:
        """Line of the first occurrence of ``needle`` at or after ``start``, or None."""
        pos = self.text.find(needle, start)
        return None if pos < 0 else self.line_of(pos)

    def key_lines(self, pattern: str) -> dict[str, int]:
        """Lines of every match of ``pattern`` (a regex with one group), keyed by the group.

        The first occurrence wins, which is where a lockfile pins the entry.
        """
        out: dict[str, int] = {}
        for m in re.finditer(pattern, self.text, re.MULTILINE):
            out.setdefault(m.group(1), self.line_of(m.start()))
        return out
