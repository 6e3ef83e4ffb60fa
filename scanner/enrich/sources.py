"""The enricher registry: every provenance source, listed explicitly, in the order they run."""

from __future__ import annotations

from scanner.enrich import (
    actions,
    codehost,
    crates,
    depsdev,
    git_history,
    golang,
    local_metadata,
    maven,
    npm,
    npm_provenance,
    nuget,
    packagist,
    pypi,
    pypi_provenance,
    rubygems,
)
from scanner.enrich.run import Enricher, LaterEnricher

# Phase 1: registries and local sources, per component.
ENRICHERS: tuple[Enricher, ...] = (
    # Local files first: cheaper than the network and available offline.
    local_metadata,
    git_history,
    npm,
    npm_provenance,
    pypi,
    pypi_provenance,
    crates,
    rubygems,
    nuget,
    packagist,
    maven,
    golang,
    actions,
    depsdev,
)
# Phase 2: sources that follow what phase 1 found (code hosts of declared repositories).
LATER: tuple[LaterEnricher, ...] = (codehost,)
