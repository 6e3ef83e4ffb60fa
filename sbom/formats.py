"""Parsers that import their module on first use, so a scan loads only the formats it meets."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from sbom.formats_index import FORMATS
from sbom.model import ParseResult


class LazyParser:
    """A Parser whose metadata comes from the generated index and whose code loads late."""

    __slots__ = ("NAME", "PATTERNS", "SUPERSEDED_BY", "TITLE", "_parse", "module")

    def __init__(
        self,
        name: str,
        title: str,
        patterns: tuple[str, ...],
        superseded_by: tuple[str, ...],
        module: str,
    ) -> None:
        self.NAME = name
        self.TITLE = title
        self.PATTERNS = patterns
        self.SUPERSEDED_BY = superseded_by
        self.module = module
        self._parse: Callable[[str, str], ParseResult] | None = None

    def parse(self, text: str, path: str) -> ParseResult:
        """Import the format's module once, then parse."""
        if self._parse is None:
            self._parse = importlib.import_module(self.module).parse
        return self._parse(text, path)

    def __repr__(self) -> str:
        return f"<LazyParser {self.NAME} from {self.module}>"


LAZY_PARSERS: tuple[LazyParser, ...] = tuple(LazyParser(*entry) for entry in FORMATS)
