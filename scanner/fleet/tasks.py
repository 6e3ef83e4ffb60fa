"""What fleet workers run: one repository's inventory, the union's lookups, one repository's assessment.

Module-level functions with plain-data arguments, so Dask pickles them by reference; credentials
come from each worker's own environment, never from the task graph.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from feeds import FeedSet
from sbom.model import Component, Inventory
from scanner.config import Config
from scanner.diff import gitrev
from scanner.enrich.model import Provenance
from scanner.fleet import gitops
from scanner.fleet.repos import RepoSpec
from scanner.fleet.union import Key, key, layers, share
from scanner.pipeline import ScanResult


@dataclass(frozen=True)
class Settings:
    """How every repository of the fleet is scanned (one policy for the fleet)."""

    config: Config = field(default_factory=Config)
    offline: bool = False
    network: bool = True
    verify: bool = False
    today: date | None = None


@dataclass(frozen=True)
class Inventoried:
    """One repository read from git objects at its default branch's last commit."""

    spec: RepoSpec
    revision: str | None
    inventory: Inventory


def inventory(spec: RepoSpec) -> Inventoried:
    """Clone (bare, shallow) or open the repository and read its lockfiles without a checkout."""
    from sbom.build import inventory_from_tree

    if spec.remote:
        from scanner.fleet.github_org import TOKEN_ENV, basic

        token = os.environ.get(TOKEN_ENV, "").strip()
        headers = {spec.token_for: basic(token)} if spec.token_for and token else {}
        work = tempfile.mkdtemp(prefix="icts-scan-fleet-")
        try:
            gitops.clone(spec.location, os.path.join(work, "repo.git"), headers)
            repo = gitops.repository(os.path.join(work, "repo.git"))
            assert repo is not None  # a bare clone just made
            return _read(spec, repo)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if not os.path.isdir(spec.location):
        raise gitops.GitError("no such folder")
    repo = gitops.repository(spec.location)
    if repo is None:  # a plain folder: its files as they are
        return Inventoried(spec, None, inventory_from_tree(spec.location))
    return _read(spec, repo)


def _read(spec: RepoSpec, repo: gitrev.Repository) -> Inventoried:
    try:
        commit = gitrev.resolve(repo, "HEAD", "HEAD")
    except gitrev.RevisionError as exc:
        # resolve()'s hint (fetch the revision) is for pull requests; here HEAD is all there is.
        detail = str(exc).split(";", 1)[0] if "not in this clone" in str(exc) else str(exc)
        raise gitops.GitError(
            f"no readable commit at HEAD (an empty or damaged repository): {detail}"
        ) from None
    return Inventoried(spec, commit, gitrev.inventory_at(repo, commit))


def union(items: Sequence[Inventoried]) -> list[tuple[Component, ...]]:
    """The fleet's distinct components (on a worker, so inventories stay on the cluster)."""
    return layers(item.inventory for item in items)


def lookups(layers: Sequence[tuple[Component, ...]], settings: Settings) -> dict[Key, Provenance]:
    """Provenance of every distinct component of the fleet, through one client (one set of
    per-host limits, one cache), so each package is asked once for all repositories."""
    from scanner.enrich.context import open_context
    from scanner.enrich.run import enrich
    from scanner.enrich.sources import ENRICHERS, LATER

    answers: dict[Key, Provenance] = {}
    if not settings.network and not settings.offline:
        return answers
    cfg = settings.config
    ctx = open_context(
        endpoints=cfg.endpoints,
        tree_endpoints=cfg.tree_endpoints,
        offline=settings.offline or cfg.offline,
        root=None,  # no checkout: local sources have nothing to read
        verify=settings.verify,
        negative_ttl=cfg.negative_ttl,
    )
    try:
        for layer in layers:
            got = enrich(Inventory(root=".", components=layer), ctx, ENRICHERS, LATER)
            answers.update({key(c): got.provenance[c.purl] for c in layer})
    finally:
        ctx.client.close()
    return answers


@functools.lru_cache(maxsize=1)
def _feeds() -> FeedSet:
    import feeds

    return feeds.load()


def size(layers: Sequence[tuple[Component, ...]]) -> int:
    return sum(len(layer) for layer in layers)


def assess(
    item: Inventoried, answers: dict[Key, Provenance] | None, settings: Settings
) -> tuple[str | None, ScanResult]:
    """(revision, scan result) of the repository, with its share of the fleet's lookups."""
    from scanner.pipeline import ScanRequest, scan

    request = ScanRequest(
        path=item.spec.location,
        config=settings.config,
        offline=settings.offline,
        network=settings.network,
        today=settings.today,
        inventory=item.inventory,
        history=False,
        enriched=share(item.inventory, answers) if answers is not None else None,
    )
    return item.revision, scan(request, _feeds())
