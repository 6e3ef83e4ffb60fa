"""The enricher registry: every provenance source, listed explicitly, in the order they run."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from sbom.model import Component
from scanner.enrich import git_history, local_metadata
from scanner.enrich.context import Context
from scanner.enrich.model import Fact, SourceResult
from scanner.enrich.run import Enricher, LaterEnricher


class Deferred:
    """A network source named here and imported on its first lookup.

    A repeat scan whose every answer is kept (scanner/enrich/memo.py) never imports it.
    ``NAME`` and ``ECOSYSTEMS`` repeat the module's own; tests/enrich/test_sources.py checks
    that they agree.
    """

    __slots__ = ("ECOSYSTEMS", "NAME", "_loaded", "_path")
    LOCAL = False  # network sources only: what they derive is kept between scans

    def __init__(self, path: str, name: str, ecosystems: tuple[str, ...]) -> None:
        self._path = path
        self._loaded: ModuleType | None = None
        self.NAME = name
        self.ECOSYSTEMS = ecosystems

    def module(self) -> ModuleType:
        if self._loaded is None:
            self._loaded = importlib.import_module(self._path)
        return self._loaded

    def enrich(self, component: Component, ctx: Context) -> SourceResult:
        result: SourceResult = self.module().enrich(component, ctx)
        return result

    def enrich_with(
        self, component: Component, ctx: Context, prior: Sequence[Fact]
    ) -> SourceResult:
        result: SourceResult = self.module().enrich_with(component, ctx, prior)
        return result

    def __getattr__(self, attr: str) -> Any:
        # Optional members (``prefetch``, ``PHASE``) are the module's.
        if attr.startswith("_"):
            raise AttributeError(attr)
        return getattr(self.module(), attr)

    def __repr__(self) -> str:
        return f"<source {self.NAME} from {self._path}>"


_ALL = ("npm", "pypi", "maven", "cargo", "golang", "nuget", "gem")
# Phase 1: registries and local sources, per component.
ENRICHERS: tuple[Enricher, ...] = (
    # Local files first: cheaper than the network and available offline; never kept, so
    # always run (and imported).
    local_metadata,
    git_history,
    Deferred("scanner.enrich.npm", "npm", ("npm",)),
    Deferred("scanner.enrich.npm_provenance", "npm-provenance", ("npm",)),
    Deferred("scanner.enrich.pypi", "pypi", ("pypi",)),
    Deferred("scanner.enrich.pypi_provenance", "pypi-provenance", ("pypi",)),
    Deferred("scanner.enrich.crates", "crates", ("cargo",)),
    Deferred("scanner.enrich.rubygems", "rubygems", ("gem",)),
    Deferred("scanner.enrich.nuget", "nuget", ("nuget",)),
    Deferred("scanner.enrich.packagist", "packagist", ("composer",)),
    Deferred("scanner.enrich.maven", "maven", ("maven",)),
    Deferred("scanner.enrich.golang", "golang", ("golang",)),
    Deferred("scanner.enrich.actions", "github-actions", ("github", "generic")),
    Deferred("scanner.enrich.depsdev", "depsdev", _ALL),
)
# Phase 2: sources that follow what phase 1 found (code hosts of declared repositories).
LATER: tuple[LaterEnricher, ...] = (Deferred("scanner.enrich.codehost", "codehost", ("*",)),)
