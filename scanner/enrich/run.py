"""Running the enrichers over an inventory: concurrent, one call per source and component."""

from __future__ import annotations

import logging
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from typing import Protocol

from sbom.model import FIRST_PARTY, Component, Inventory
from scanner.enrich.context import Context
from scanner.enrich.model import Coverage, Enriched, Fact, Provenance, SourceResult, SourceStatus

log = logging.getLogger("scanner.enrich")


class Enricher(Protocol):
    """A provenance source module: ``NAME``, ``ECOSYSTEMS`` and ``enrich``.

    ``ECOSYSTEMS`` lists the purl types it reads (``("*",)`` for all). Sources with
    ``PHASE = 2`` run after the registries and receive their facts (code hosts follow the
    repository URLs that registries declared). A source whose service has a batch endpoint
    also has ``prefetch(components, ctx)``, run first: it keeps the batch's answers as those
    of the single lookups that ``enrich`` then makes.
    """

    @property
    def NAME(self) -> str: ...
    @property
    def ECOSYSTEMS(self) -> tuple[str, ...]: ...

    def enrich(self, component: Component, ctx: Context) -> SourceResult:
        """Facts about ``component``; failures come back as a non-ok status, never raised."""
        ...


class LaterEnricher(Enricher, Protocol):
    """A phase-2 source: it also sees what phase 1 found."""

    def enrich_with(
        self, component: Component, ctx: Context, prior: Sequence[Fact]
    ) -> SourceResult: ...


# The project's own modules and toolchain packages are never looked up: a registry entry
# of the same name would be someone else's package (and installed metadata the project's).
FIRST_PARTY_SOURCE = "first-party"


def _applies(enricher: Enricher, component: Component) -> bool:
    if component.source_kind in FIRST_PARTY:
        return False
    types = enricher.ECOSYSTEMS
    return "*" in types or component.ecosystem in types


def _first_party(component: Component) -> SourceStatus:
    reason = f"source-kind {component.source_kind}: not a published package; never looked up"
    return SourceStatus(FIRST_PARTY_SOURCE, "skipped", reason)


def _safe(fn: Callable[[], SourceResult], source: str) -> SourceResult:
    try:
        return fn()
    except Exception as exc:  # a bug in one source must not end the scan; it is reported
        return SourceResult(
            SourceStatus(source, "error", f"internal error: {type(exc).__name__}: {exc}")
        )


def enrich(
    inventory: Inventory,
    ctx: Context,
    enrichers: Sequence[Enricher],
    later: Sequence[LaterEnricher] = (),
    progress: Callable[[int, int], None] | None = None,
) -> Enriched:
    """Provenance for every component of ``inventory``.

    Components are already unique by purl, so each (package, version) is asked once;
    identical requests from different components (one npm packument for two versions)
    are shared by the HTTP client and its cache. ``progress(done, total)`` is called from
    worker threads as each lookup (one component, one source; both phases) finishes.
    """
    comps = inventory.components
    facts: dict[str, list[Fact]] = defaultdict(list)
    statuses: dict[str, list[SourceStatus]] = defaultdict(list)
    total = sum(1 for c in comps for e in (*enrichers, *later) if _applies(e, c))
    done = [0]
    lock = threading.Lock()

    def one(job: tuple[Component, Callable[[], SourceResult], str]) -> SourceResult:
        result = _safe(job[1], job[2])
        if progress is not None:
            with lock:
                done[0] += 1
                count = done[0]
            progress(count, total)
        return result

    def collect(jobs: list[tuple[Component, Callable[[], SourceResult], str]]) -> None:
        results = ctx.client.map(one, jobs)
        for (comp, _, _), result in zip(jobs, results, strict=True):
            statuses[comp.purl].append(result.status)
            facts[comp.purl].extend(result.facts)

    def first(c: Component, e: Enricher) -> Callable[[], SourceResult]:
        return lambda: e.enrich(c, ctx)

    def second(c: Component, e: LaterEnricher) -> Callable[[], SourceResult]:
        return lambda: e.enrich_with(c, ctx, tuple(facts[c.purl]))

    for c in comps:
        if c.source_kind in FIRST_PARTY:
            statuses[c.purl].append(_first_party(c))
    _prefetch(comps, ctx, enrichers)
    collect([(c, first(c, e), e.NAME) for c in comps for e in enrichers if _applies(e, c)])
    if later:
        collect([(c, second(c, e), e.NAME) for c in comps for e in later if _applies(e, c)])
    provenance = {
        c.purl: Provenance(
            c.purl,
            tuple(dict.fromkeys(facts[c.purl])),
            tuple(sorted(statuses[c.purl], key=lambda s: s.source)),
        )
        for c in comps
    }
    return Enriched(provenance, coverage(provenance))


def _prefetch(comps: Sequence[Component], ctx: Context, enrichers: Sequence[Enricher]) -> None:
    """Batch lookups first; a failed batch only means single lookups, never a failed scan."""
    for enricher in enrichers:
        hook: Callable[[Sequence[Component], Context], None] | None
        hook = getattr(enricher, "prefetch", None)
        if hook is None or ctx.offline:
            continue
        try:
            hook([c for c in comps if _applies(enricher, c)], ctx)
        except Exception:  # the single lookups still run and report their own failures
            log.exception("batch lookups of %s failed", enricher.NAME)


def coverage(provenance: dict[str, Provenance]) -> Coverage:
    """Counts per source and status, and how many components at least one source answered."""
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for prov in provenance.values():
        for s in prov.statuses:
            per[s.source][s.status] += 1
    return Coverage(
        components=len(provenance),
        known=sum(1 for p in provenance.values() if p.known),
        by_source={src: dict(sorted(counts.items())) for src, counts in sorted(per.items())},
    )
