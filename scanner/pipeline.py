"""A scan from request to result: inventory, enrichment, assessment, policy — with stage statuses."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from feeds import FeedSet
from sbom.model import Inventory
from scanner import __version__
from scanner.assess.acceptances import AcceptanceUse, apply_acceptances, parse_acceptances
from scanner.assess.coverage import Coverage, measure
from scanner.assess.model import Finding
from scanner.assess.policy import WaiverUse, apply_waivers, parse_waivers
from scanner.config import Config
from scanner.enrich.model import Enriched, Provenance

if TYPE_CHECKING:
    from scanner.assess.kept import Kept
    from scanner.enrich.context import Context
    from scanner.enrich.run import Settled


@dataclass(frozen=True)
class ScanRequest:
    """What to scan and how."""

    path: str = "."
    sbom: str | None = None
    config: Config = field(default_factory=Config)
    offline: bool = False
    network: bool = True
    """False skips enrichment entirely (every component's provenance stays unknown)."""
    today: date | None = None
    verify: bool = False
    """Verify Sigstore attestations (facts become ``signed`` only when verification succeeds)."""
    inventory: Inventory | None = None
    """An inventory built by the caller (from git objects, a subset of files); skips discovery."""
    history: bool | None = None
    """Read the scanned repository's own history; None: only when the tree is discovered here."""
    progress: Callable[[int, int], None] | None = None
    """Called as enrichment lookups finish, (done, total), from worker threads."""
    as_of: date | None = None
    """The day the knowledge base is evaluated on (listings, ownership, namespaces); default today."""
    max_time: float | None = None
    """Seconds for all lookups; what is not looked up by then stays unknown ("deadline")."""
    enriched: Enriched | None = None
    """Provenance the caller looked up (a fleet's lookups, shared by its repositories)."""


@dataclass(frozen=True)
class Stage:
    """How one stage went: ``ok``, ``partial`` (some inputs or sources failed) or ``skipped``."""

    name: str
    status: str
    seconds: float
    detail: str = ""


@dataclass(frozen=True)
class ScanResult:
    """Everything a report needs."""

    inventory: Inventory
    enriched: Enriched
    findings: tuple[Finding, ...]
    waivers: tuple[WaiverUse, ...]
    stages: tuple[Stage, ...]
    profile: str
    fail_on: str
    feed_version: str
    tool_version: str
    started: str
    finished: str
    feed_hash: str = ""
    """The knowledge base's full content hash (the label carries only a prefix)."""
    projects: dict[str, str] = field(default_factory=dict)
    """Input file → project folder when a monorepo scan was split into projects; else empty."""
    project: Provenance | None = None
    """History of the scanned repository itself (commit e-mail domains), purl ""."""
    coverage: Coverage = field(default_factory=lambda: Coverage(0, 0))
    acceptances: tuple[AcceptanceUse, ...] = ()
    as_of: str = ""
    """The day the knowledge base was evaluated on."""
    fail_on_unknown_above: float | None = None
    csl_complete: bool = True
    """False when the shipped Consolidated Screening List snapshot is a sample."""

    @property
    def unknown_over_limit(self) -> bool:
        """More of the inventory stayed unknown than the policy allows."""
        limit = self.fail_on_unknown_above
        return limit is not None and self.coverage.unknown_fraction > limit

    @property
    def incomplete(self) -> bool:
        """True when any stage could not fully do its work (unknowns remain)."""
        return any(s.status != "ok" for s in self.stages)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _filter(inv: Inventory, include: tuple[str, ...], exclude: tuple[str, ...]) -> Inventory:
    """Keep components found in at least one included, non-excluded file."""
    if not include and not exclude:
        return inv

    def keep(path: str) -> bool:
        if include and not any(fnmatchcase(path, p) for p in include):
            return False
        return not any(fnmatchcase(path, p) for p in exclude)

    comps = []
    for c in inv.components:
        locations = tuple(loc for loc in c.locations if keep(loc.path))
        if locations:
            comps.append(replace(c, locations=locations))
    kept = {c.purl for c in comps}
    rels = tuple(
        r for r in inv.relationships if r.target in kept and (not r.source or r.source in kept)
    )
    files = tuple(f for f in inv.files if keep(f.path))
    return replace(inv, components=tuple(comps), relationships=rels, files=files)


def _unasked(enriched: Enriched) -> str:
    """How many components a rate limit or the deadline left with a source unasked."""
    counts = [
        (
            sum(
                1 for p in enriched.provenance.values() if any(s.status == what for s in p.statuses)
            ),
            what,
        )
        for what in ("rate-limited", "deadline")
    ]
    said = {"rate-limited": "rate-limited", "deadline": "not looked up by the deadline"}
    return "".join(f"; {n} {said[what]}" for n, what in counts if n)


def scan(request: ScanRequest, feeds: FeedSet) -> ScanResult:
    """Run every stage; failures of sources are recorded, never raised."""
    from scanner.enrich.context import open_context
    from scanner.enrich.run import enrich_settled
    from scanner.enrich.sources import ENRICHERS, LATER

    cfg = request.config
    started = _now()
    stages: list[Stage] = []
    waivers = parse_waivers(cfg.waivers, cfg.path)
    acceptances = parse_acceptances(cfg.acceptances, cfg.path)
    today = request.today or date.today()
    as_of = request.as_of or today
    feeds = feeds.at(as_of)

    t0 = time.perf_counter()
    if request.inventory is not None:
        inventory = request.inventory
    elif request.sbom:
        from sbom.ingest import ingest_file

        inventory = ingest_file(request.sbom)
    else:
        from sbom.build import inventory_from_tree

        inventory = inventory_from_tree(request.path)
    inventory = _filter(inventory, cfg.include, cfg.exclude)
    errors = [i for i in inventory.issues if i.severity == "error"]
    stages.append(
        Stage(
            "inventory",
            "partial" if errors else "ok",
            time.perf_counter() - t0,
            f"{len(inventory.components)} components from {len(inventory.files)} files"
            + (f"; {len(errors)} files could not be read" if errors else ""),
        )
    )

    with ExitStack() as opened:
        t0 = time.perf_counter()
        project = None
        kept = None  # the assessment's row, when the provenance it reads is kept as a whole
        history = request.inventory is None if request.history is None else request.history
        if history and not request.sbom:
            from scanner.enrich import git_history

            own = git_history.repository_facts(request.path)
            project = Provenance("", own.facts, (own.status,))
        if request.enriched is not None:
            enriched = request.enriched
        elif request.network or request.offline:
            ctx = open_context(
                endpoints=cfg.endpoints,
                tree_endpoints=cfg.tree_endpoints,
                offline=request.offline or cfg.offline,
                root=None if request.sbom else request.path,
                verify=request.verify,
                max_time=request.max_time,
                negative_ttl=cfg.negative_ttl,
            )
            opened.callback(ctx.client.close)
            enriched, settled = enrich_settled(
                inventory, ctx, ENRICHERS, LATER, progress=request.progress
            )
            kept = _kept(ctx, settled, feeds, as_of, cfg.profile)
        if request.enriched is not None or request.network or request.offline:
            coverage = measure(inventory, enriched)
            status = "ok" if not coverage.unknown_count else "partial"
            detail = coverage.summary() + _unasked(enriched)
        else:
            enriched = Enriched()
            coverage = measure(inventory, None)
            status, detail = "skipped", "no provenance lookups (--no-network)"
        stages.append(Stage("enrichment", status, time.perf_counter() - t0, detail))

        t0 = time.perf_counter()
        # Taken as kept, the knowledge base is never built: only its version is reported.
        got = kept.get() if kept is not None else None
        if got is not None:
            found, csl_complete = got
        else:
            from scanner.assess.run import assess

            found = assess(inventory, enriched, feeds, cfg.profile)
            csl_complete = feeds.csl is None or feeds.csl.meta.complete
            if kept is not None:
                kept.put(found, csl_complete)
    present = {
        c.purl: tuple(f"{h.alg.lower().replace('-', '')}:{h.value}" for h in c.hashes)
        for c in inventory.components
    }
    findings, uses = apply_waivers(found, waivers, present, today)
    findings, accepted = apply_acceptances(findings, acceptances, today)
    stages.append(Stage("assessment", "ok", time.perf_counter() - t0, f"{len(findings)} findings"))
    return ScanResult(
        inventory=inventory,
        enriched=enriched,
        findings=tuple(findings),
        waivers=tuple(uses),
        stages=tuple(stages),
        profile=cfg.profile,
        fail_on=cfg.fail_on,
        feed_version=feeds.version.label,
        tool_version=__version__,
        started=started,
        finished=_now(),
        feed_hash=feeds.version.content_hash,
        project=project,
        coverage=coverage,
        acceptances=tuple(accepted),
        as_of=as_of.isoformat(),
        fail_on_unknown_above=cfg.fail_on_unknown_above,
        csl_complete=csl_complete,
    )


def _kept(
    ctx: Context, settled: Settled | None, feeds: FeedSet, as_of: date, profile: str
) -> Kept | None:
    """Where this scan's findings are kept: only when every network result is kept as a
    whole (which needs a cache file: scanner/enrich/run.py) and the knowledge base's content
    is known."""
    cache = ctx.client.cache
    if settled is None or cache is None:
        return None
    feed_hash = feeds.version.content_hash
    if not feed_hash:
        return None
    from scanner.assess import kept

    key = kept.key(settled[0], feed_hash, as_of.isoformat(), profile)
    return kept.Kept(cache, key, settled[1], ctx.client.now())
