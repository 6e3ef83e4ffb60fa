"""Merging parse results into one Inventory: one component per purl, every location kept."""

from __future__ import annotations

from collections.abc import Iterable

from sbom.model import (
    SCOPE_RANK,
    Component,
    Inventory,
    Location,
    ParseIssue,
    ParseResult,
    Relationship,
    SourceFile,
)


def location_key(loc: Location) -> tuple[str, int]:
    """Sort key for locations; an unknown line sorts first (None is not comparable to int)."""
    return (loc.path, loc.line or 0)


def _edge_key(r: Relationship) -> tuple[str, str]:
    # A key function sorts far faster than the dataclass-generated __lt__.
    return (r.source, r.target)


def _union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    if not b or a == b:
        return a
    return tuple(sorted(set(a) | set(b)))


def merge_component(a: Component, b: Component) -> Component:
    """Combine two sightings of the same purl."""
    scope = a.scope
    if b.scope is not None and (scope is None or SCOPE_RANK[b.scope] < SCOPE_RANK[scope]):
        scope = b.scope
    direct = a.direct
    if b.direct is not None:
        direct = bool(direct) or b.direct
    hashes = (
        a.hashes
        if not b.hashes or a.hashes == b.hashes
        else tuple(sorted(set(a.hashes) | set(b.hashes)))
    )
    return Component(
        purl=a.purl,
        ecosystem=a.ecosystem,
        name=a.name,
        version=a.version,
        scope=scope,
        direct=direct,
        hashes=hashes,
        resolved=_union(a.resolved, b.resolved),
        registries=_union(a.registries, b.registries),
        source_kind=a.source_kind,
        source_url=a.source_url or b.source_url,
        requirement=a.requirement or b.requirement,
        locations=tuple(sorted(set(a.locations) | set(b.locations), key=location_key)),
        licenses=_union(a.licenses, b.licenses),
    )


def merge(
    root: str,
    results: Iterable[ParseResult],
    files: Iterable[SourceFile] = (),
    extra_issues: Iterable[ParseIssue] = (),
    metadata: dict[str, str] | None = None,
) -> Inventory:
    """Build a sorted, deduplicated Inventory from parse results."""
    by_purl: dict[str, Component] = {}
    edges: set[Relationship] = set()
    issues: list[ParseIssue] = list(extra_issues)
    for result in results:
        for comp in result.components:
            seen = by_purl.get(comp.purl)
            by_purl[comp.purl] = comp if seen is None else merge_component(seen, comp)
        # A self-edge appears when two sources of one package share a purl (a git and a
        # registry copy of the same crate version); it says nothing.
        edges.update(r for r in result.relationships if r.source != r.target)
        issues.extend(result.issues)
    comps = tuple(by_purl[k] for k in sorted(by_purl))
    return Inventory(
        root=root,
        components=comps,
        relationships=tuple(sorted(edges, key=_edge_key)),
        files=tuple(sorted(files)),
        issues=tuple(sorted(set(issues), key=lambda i: (i.path, i.line or 0, i.message))),
        metadata=dict(metadata or {}),
    )
