"""Merging parse results into one Inventory: one component per purl, every location kept."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sbom import limits
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


def _union(values: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    # The first sighting's own order survives when no other adds anything.
    first = values[0]
    if all(not v or v == first for v in values[1:]):
        return first
    return tuple(sorted(set().union(*values)))


def merge_group(comps: Sequence[Component]) -> Component:
    """One component from every sighting of one purl, in one pass.

    Folding sightings pairwise re-sorts the growing location list each time: a file that
    names one package 20,000 times took minutes.
    """
    first = comps[0]
    if len(comps) == 1:
        return first
    scope, direct = first.scope, first.direct
    for c in comps[1:]:
        if c.scope is not None and (scope is None or SCOPE_RANK[c.scope] < SCOPE_RANK[scope]):
            scope = c.scope
        if c.direct is not None:
            direct = bool(direct) or c.direct
    return Component(
        purl=first.purl,
        ecosystem=first.ecosystem,
        name=first.name,
        version=first.version,
        scope=scope,
        direct=direct,
        hashes=_union([c.hashes for c in comps]),
        resolved=_union([c.resolved for c in comps]),
        registries=_union([c.registries for c in comps]),
        source_kind=first.source_kind,
        source_url=next((c.source_url for c in comps if c.source_url), None),
        requirement=next((c.requirement for c in comps if c.requirement), None),
        locations=tuple(sorted({loc for c in comps for loc in c.locations}, key=location_key)),
        licenses=_union([c.licenses for c in comps]),
    )


def merge_component(a: Component, b: Component) -> Component:
    """Combine two sightings of the same purl."""
    return merge_group((a, b))


def merge_sightings(comps: Iterable[Component]) -> dict[str, Component]:
    """One component per purl, in order of first sighting, every sighting merged."""
    groups: dict[str, list[Component]] = {}
    for comp in comps:
        groups.setdefault(comp.purl, []).append(comp)
    return {purl: merge_group(group) for purl, group in groups.items()}


def merge(
    root: str,
    results: Iterable[ParseResult],
    files: Iterable[SourceFile] = (),
    extra_issues: Iterable[ParseIssue] = (),
    metadata: dict[str, str] | None = None,
    max_components: int | None = None,
) -> Inventory:
    """Build a sorted, deduplicated Inventory from parse results.

    Past ``max_components`` purls (default: ``limits.total()``) the rest, in purl order, are
    left out with an issue.
    """
    groups: dict[str, list[Component]] = {}
    edges: set[Relationship] = set()
    issues: list[ParseIssue] = list(extra_issues)
    for result in results:
        for comp in result.components:
            groups.setdefault(comp.purl, []).append(comp)
        # A self-edge appears when two sources of one package share a purl (a git and a
        # registry copy of the same crate version); it says nothing.
        edges.update(r for r in result.relationships if r.source != r.target)
        issues.extend(result.issues)
    keys = sorted(groups)
    limit = max_components or limits.total()
    if len(keys) > limit:
        dropped = set(keys[limit:])
        first = groups[keys[limit]][0]
        where = first.locations[0].path if first.locations else ""
        issues.append(
            ParseIssue(where, None, limits.over_total(limit, f"{len(dropped)} more left out"))
        )
        keys = keys[:limit]
        edges = {e for e in edges if e.source not in dropped and e.target not in dropped}
    comps = tuple(merge_group(groups[k]) for k in keys)
    return Inventory(
        root=root,
        components=comps,
        relationships=tuple(sorted(edges, key=_edge_key)),
        files=tuple(sorted(files)),
        issues=tuple(sorted(set(issues), key=lambda i: (i.path, i.line or 0, i.message))),
        metadata=dict(metadata or {}),
    )
