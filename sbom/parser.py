"""The parser protocol every format module follows, and pattern matching of file paths."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Protocol

from sbom.model import ParseResult


class Parser(Protocol):
    """A format module: ``NAME``, ``TITLE``, ``PATTERNS`` and ``parse``.

    ``PATTERNS`` are globs; one without a slash matches the file name, one with a
    slash matches the end of the repository-relative path. ``SUPERSEDED_BY`` (manifests
    only) names lockfiles that, when present in the same or a parent folder, make the
    manifest redundant.
    """

    # Read-only properties so that a module's ``tuple[str]`` satisfies ``tuple[str, ...]``.
    @property
    def NAME(self) -> str: ...
    @property
    def TITLE(self) -> str: ...
    @property
    def PATTERNS(self) -> tuple[str, ...]: ...
    @property
    def SUPERSEDED_BY(self) -> tuple[str, ...]: ...

    def parse(self, text: str, path: str) -> ParseResult:
        """Parse decoded file text; raise ParseError for unreadable input."""
        ...


class Matcher:
    """Finds the parsers for a path: exact names by dict, globs by fnmatch."""

    def __init__(self, parsers: tuple[Parser, ...]) -> None:
        self._exact: dict[str, list[Parser]] = {}
        self._name_globs: list[tuple[str, Parser]] = []
        self._path_globs: list[tuple[str, int, Parser]] = []
        for parser in parsers:
            for pattern in parser.PATTERNS:
                if "/" in pattern:
                    self._path_globs.append((pattern, pattern.count("/") + 1, parser))
                elif any(ch in pattern for ch in "*?["):
                    self._name_globs.append((pattern, parser))
                else:
                    self._exact.setdefault(pattern, []).append(parser)

    def match(self, path: str) -> list[Parser]:
        """Parsers whose patterns match ``path`` (a /-separated relative path)."""
        name = path.rsplit("/", 1)[-1]
        found = list(self._exact.get(name, ()))
        found.extend(p for pat, p in self._name_globs if fnmatchcase(name, pat) and p not in found)
        if self._path_globs:
            parts = path.split("/")
            for pattern, depth, parser in self._path_globs:
                if len(parts) >= depth and parser not in found:
                    tail = "/".join(parts[-depth:])
                    if fnmatchcase(tail, pattern):
                        found.append(parser)
        return found
