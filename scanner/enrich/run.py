"""Running the enrichers over an inventory: concurrent, one call per source and component."""

from __future__ import annotations

import logging
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Protocol, TypeVar, cast

from sbom.model import FIRST_PARTY, Component, Inventory
from scanner.enrich import memo as memo_rows
from scanner.enrich.context import Context
from scanner.enrich.model import Coverage, Enriched, Fact, Provenance, SourceResult, SourceStatus
from scanner.net.cache import MEMORY
from scanner.net.reads import Reads

log = logging.getLogger("scanner.enrich")


class Enricher(Protocol):
    """A provenance source module: ``NAME``, ``ECOSYSTEMS`` and ``enrich``.

    ``ECOSYSTEMS`` lists the purl types it reads (``("*",)`` for all). A source that reads
    the scanned tree's files has ``LOCAL = True``: its results are never kept between
    scans. Sources with ``PHASE = 2`` run after the registries and receive their facts
    (code hosts follow the repository URLs that registries declared). A source whose
    service has a batch endpoint also has ``prefetch(components, ctx)``, run first: it keeps
    the batch's answers as those of the single lookups that ``enrich`` then makes.
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


# One lookup: the component and the source; a job is its call, the source's name and
# whether to record the answers it reads (for the derived-facts table).
Pair = tuple[Component, Enricher]
E = TypeVar("E", bound=Enricher)
Job = tuple[Callable[[], SourceResult], str, bool]

# The project's own modules and toolchain packages are never looked up: a registry entry
# of the same name would be someone else's package (and installed metadata the project's).
FIRST_PARTY_SOURCE = "first-party"


def _applies(enricher: Enricher, component: Component) -> bool:
    if component.source_kind in FIRST_PARTY:
        return False
    types = enricher.ECOSYSTEMS
    return "*" in types or component.ecosystem in types


def _pairs(comps: Sequence[Component], sources: Sequence[E]) -> list[tuple[Component, E]]:
    """(component, source) for every source that applies, sources in their order."""
    by_type: dict[str, list[E]] = {}
    out: list[tuple[Component, E]] = []
    for c in comps:
        if c.source_kind in FIRST_PARTY:
            continue
        fitting = by_type.get(c.ecosystem)
        if fitting is None:  # a few purl types per inventory: worked out once each
            fitting = by_type[c.ecosystem] = [e for e in sources if _applies(e, c)]
        out.extend((c, e) for e in fitting)
    return out


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
    """Provenance for every component of ``inventory`` (``enrich_settled`` without its key)."""
    return enrich_settled(inventory, ctx, enrichers, later, progress)[0]


# An inventory's network results as kept between scans: the key of exactly these results
# (their row's key, which holds the whole inventory's digest, and the results themselves:
# memo.settled_key) and when the first answer they rest on expires (scanner/enrich/memo.py).
Settled = tuple[str, float]


def enrich_settled(
    inventory: Inventory,
    ctx: Context,
    enrichers: Sequence[Enricher],
    later: Sequence[LaterEnricher] = (),
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Enriched, Settled | None]:
    """Provenance for every component of ``inventory``, and, when every network result is one
    that may be kept, the key and expiry of the row that holds them all: what is derived from
    this provenance alone (the assessment) may be kept under it.

    Components are already unique by purl, so each (package, version) is asked once;
    identical requests from different components (one npm packument for two versions)
    are shared by the HTTP client and its cache. What a source derived in an earlier scan
    is reused while every answer it rests on is fresh (scanner/enrich/memo.py).
    ``progress(done, total)`` is called from worker threads as each lookup (one component,
    one source; both phases) finishes.

    Local sources run first, every time; an unchanged inventory whose local facts are the
    same is answered from one row of all its network results while they are fresh.
    """
    comps = inventory.components
    facts: dict[str, list[Fact]] = defaultdict(list)
    statuses: dict[str, list[SourceStatus]] = defaultdict(list)
    phase1, phase2 = _pairs(comps, enrichers), _pairs(comps, later)
    total = len(phase1) + len(phase2)
    done = [0]
    lock = threading.Lock()
    memo = _memo(ctx)
    digests: dict[str, str] = {}  # of each component, for its own rows: only on a miss

    def one(job: Job) -> tuple[SourceResult, Reads | None]:
        call, name, record = job
        reads = None
        if not record:
            result = _safe(call, name)
        else:
            with ctx.client.recording() as reads:
                result = _safe(call, name)
        if progress is not None:
            with lock:
                done[0] += 1
                count = done[0]
            progress(count, total)
        return result, reads

    def tick(count: int) -> None:
        """Lookups answered without a call (kept results) count as done too."""
        if progress is not None and count:
            with lock:
                done[0] += count
                now = done[0]
            progress(now, total)

    def record(calls: Sequence[Pair], results: Sequence[SourceResult | None]) -> None:
        for (c, _), result in zip(calls, results, strict=True):
            if result is not None:  # always: every slot is kept or freshly looked up
                statuses[c.purl].append(result.status)
                facts[c.purl].extend(result.facts)

    def collect(
        calls: Sequence[Pair], prior: bool, results: list[SourceResult | None]
    ) -> list[memo_rows.Group]:
        """Fill the empty slots of `results`, taking results kept from an earlier scan as
        they are, then record every slot's facts in call order."""
        groups: list[memo_rows.Group] = []
        if memo is not None:
            if not digests:
                digests.update((c.purl, memo_rows.component_digest(c)) for c in comps)
            groups = memo.groups(calls, digests, facts.__getitem__ if prior else None)
            hits = memo.found(groups)
            for n, hit in hits.items():
                results[n] = hit
            tick(len(hits))
        todo = [n for n, r in enumerate(results) if r is None]
        if not prior:  # batches fetch only what some source still has to look up
            _prefetch(ctx, enrichers, [(calls[n][0], calls[n][1].NAME) for n in todo])
        kept = {n for _, idx in groups for n in idx}
        make = second if prior else first
        jobs: list[Job] = [(make(*calls[n]), calls[n][1].NAME, n in kept) for n in todo]
        reads: dict[int, Reads] = {}
        for n, (fresh, read) in zip(todo, ctx.client.map(one, jobs), strict=True):
            results[n] = fresh
            if read is not None:
                reads[n] = read
        if memo is not None:
            memo.keep(groups, results, reads)
        record(calls, results)
        return groups

    def first(c: Component, e: Enricher) -> Callable[[], SourceResult]:
        return lambda: e.enrich(c, ctx)

    def second(c: Component, e: Enricher) -> Callable[[], SourceResult]:
        later_e = cast(LaterEnricher, e)  # collect(..., prior=True) is only given `later`
        return lambda: later_e.enrich_with(c, ctx, tuple(facts[c.purl]))

    for c in comps:
        if c.source_kind in FIRST_PARTY:
            statuses[c.purl].append(_first_party(c))
    first_results: list[SourceResult | None] = [None] * len(phase1)
    later_results: list[SourceResult | None] = [None] * len(phase2)
    settled: Settled | None = None
    # A local phase-2 source would build on this very scan's phase 1: no inventory row then.
    if memo is None or any(memo_rows.is_local(e) for e in later):
        collect(phase1, False, first_results)
        if phase2:
            collect(phase2, True, later_results)
        if memo is not None:
            memo.flush()
    else:
        # Local sources first, every time: the inventory's row rests on what they found.
        # They read files, so each call is short: counted as done all at once.
        local_sources = {id(e) for e in enrichers if memo_rows.is_local(e)}
        is_local = [id(e) in local_sources for _, e in phase1]
        local = [n for n, flag in enumerate(is_local) if flag]
        found = ctx.client.map(lambda n: _safe_enrich(*phase1[n], ctx), local)
        for n, result in zip(local, found, strict=True):
            first_results[n] = result
        tick(len(local))
        # Every network lookup's slot, phase 1 then phase 2.
        slots = [(first_results, n) for n, flag in enumerate(is_local) if not flag]
        slots += [(later_results, n) for n in range(len(phase2))]
        sources = [[e.NAME, list(e.ECOSYSTEMS), id(e) in local_sources] for e in enrichers]
        sources += [[e.NAME, list(e.ECOSYSTEMS)] for e in later]
        digest = memo_rows.inventory_digest(inventory)
        whole = memo_rows.whole_key(memo.context, digest, sources, found)
        # No network lookup at all: no row to read; the local facts settle everything.
        hit = memo.whole(whole, len(slots)) if slots else None
        if hit is not None:
            for (results, n), result in zip(slots, hit[0], strict=True):
                results[n] = result
            tick(len(slots))
            record(phase1, first_results)
            record(phase2, later_results)
            settled = (hit[2], hit[1])
        else:
            groups = collect(phase1, False, first_results)
            groups += collect(phase2, True, later_results) if phase2 else []
            until = memo.settled(groups)
            if until is not None:
                kept = [results[n] for results, n in slots]
                content = memo.keep_whole(whole, until, [r for r in kept if r is not None])
                settled = (content, until)
        memo.flush()
    by_source = attrgetter("source")
    provenance = {
        c.purl: Provenance(
            c.purl,
            tuple(dict.fromkeys(facts[c.purl])),
            tuple(sorted(statuses[c.purl], key=by_source)),
        )
        for c in comps
    }
    return Enriched(provenance, coverage(provenance)), settled


def _safe_enrich(component: Component, source: Enricher, ctx: Context) -> SourceResult:
    return _safe(lambda: source.enrich(component, ctx), source.NAME)


def _memo(ctx: Context) -> memo_rows.Memo | None:
    """The derived-facts table of the persistent cache; none for a memory cache."""
    cache = ctx.client.cache
    if cache is None or cache.path == MEMORY:
        return None
    return memo_rows.Memo(cache, ctx, ctx.client.now())


def _prefetch(
    ctx: Context, enrichers: Sequence[Enricher], todo: Sequence[tuple[Component, str]]
) -> None:
    """Batch lookups first; a failed batch only means single lookups, never a failed scan."""
    if ctx.offline:
        return
    by_source: dict[str, list[Component]] = defaultdict(list)
    for c, name in todo:
        by_source[name].append(c)
    for enricher in enrichers:
        wanted = by_source.get(enricher.NAME)
        if not wanted:
            continue  # before the hook: asking for it would import a deferred source
        hook: Callable[[Sequence[Component], Context], None] | None
        hook = getattr(enricher, "prefetch", None)
        if hook is None:
            continue
        try:
            hook(wanted, ctx)
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
