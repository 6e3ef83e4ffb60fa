"""Counts and coverage of a loaded feed, for `icts-scan feeds stats` and reports."""

from __future__ import annotations

from collections import Counter
from typing import Any

from feeds.checks import facts_of
from feeds.feedset import FeedSet
from feeds.schema import shipped_schema

# Coverage the knowledge base promises (issue 3); stats prints each against its floor.
MIN_ENTITIES = 150


def stats(fs: FeedSet, load_ms: float | None = None) -> dict[str, Any]:
    """Counts and coverage of a loaded FeedSet."""
    entities = [e for e in fs.entities.values() if not e.negative_control]
    negatives = [e for e in fs.entities.values() if e.negative_control]
    facts = [f for e in fs.entities.values() for _, f in facts_of(e)]
    facts += [*fs.infrastructure.values(), *fs.email_providers.values()]
    unverified = sum(1 for f in facts if not f.verified)
    kinds = shipped_schema().document["$defs"]["identifier_kind"]["enum"]
    ident_counts = Counter(i.kind for e in entities for i in e.identifiers)
    listing_counts = Counter(f"{li.list} {li.status}" for e in entities for li in e.listings)
    csl = fs.csl
    return {
        "feed_version": fs.version.label,
        "content_hash": fs.version.content_hash,
        "as_of": fs.version.as_of,
        "entities": len(entities),
        "entities_by_jurisdiction": dict(
            sorted(Counter(e.jurisdiction.value for e in entities).items())
        ),
        "entities_by_kind": dict(sorted(Counter(e.kind for e in entities).items())),
        "entities_by_sector": dict(sorted(Counter(s for e in entities for s in e.sectors).items())),
        "entities_with_parent": sum(1 for e in entities if e.parent),
        "identifiers": sum(ident_counts.values()),
        "identifiers_by_kind": {k: ident_counts.get(k, 0) for k in kinds},
        "listings": dict(sorted(listing_counts.items())),
        "facts": len(facts),
        "facts_verified": len(facts) - unverified,
        "facts_unverified": unverified,
        "sources": len(fs.sources),
        "negative_controls": len(negatives),
        "prohibitions": len(fs.prohibitions),
        "infrastructure": len(fs.infrastructure),
        "email_providers": len(fs.email_providers),
        "jurisdictions": len(fs.jurisdictions),
        "profiles": sorted(fs.profiles),
        "csl": None
        if csl is None
        else {
            "records": csl.meta.records,
            "complete": csl.meta.complete,
            "retrieved": csl.meta.retrieved,
            "source_url": csl.meta.source_url,
        },
        "coverage": {
            f"entities >= {MIN_ENTITIES}": len(entities) >= MIN_ENTITIES,
            "identifier kinds with shipped data": f"{sum(1 for k in kinds if ident_counts.get(k))} of {len(kinds)}",
        },
        **({"load_ms": round(load_ms, 1)} if load_ms is not None else {}),
    }
