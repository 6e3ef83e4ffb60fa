"""Shards of one repository's scan (``scan --shard i/n``) combined into the run an unsharded scan gives."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sbom.model import SCOPE_RANK, Component, Inventory
from scanner.assess.coverage import Coverage, measure
from scanner.assess.model import SEVERITY_RANK, Finding
from scanner.enrich.model import Enriched, Provenance
from scanner.enrich.run import coverage
from scanner.pipeline import ScanResult, Stage

# A waiver (or acceptance) used anywhere in the repository is used; stale only where its version
# is absent everywhere it was looked for (apply_waivers' own order of precedence).
_WAIVER_RANK = {"expired": 3, "used": 2, "stale": 1, "unused": 0}
_STATUS_RANK = {"skipped": 0, "ok": 1, "partial": 2}


class CombineError(ValueError):
    """Shards that cannot be one run (other knowledge base, profile or threshold)."""


def _component(a: Component, b: Component) -> Component:
    # A package required by any shard's project is required.
    scopes = sorted((s for s in (a.scope, b.scope) if s is not None), key=SCOPE_RANK.__getitem__)
    scope = scopes[0] if scopes else None
    direct = None if a.direct is None and b.direct is None else bool(a.direct or b.direct)
    return replace(
        a,
        scope=scope,
        direct=direct,
        locations=tuple(sorted({*a.locations, *b.locations})),
    )


def _provenance(a: Provenance, b: Provenance) -> Provenance:
    # Both shards asked the same sources; keep the answer that knows more.
    ok_a = sum(s.status == "ok" for s in a.statuses)
    return b if sum(s.status == "ok" for s in b.statuses) > ok_a else a


def _finding_key(f: Finding) -> tuple[str, str, str]:
    # identity holds check, package and entity (or, for a file's finding, the file and mirror).
    return (f.identity, f.purl, f.outcome)


def _findings(results: Sequence[ScanResult]) -> list[Finding]:
    merged: dict[tuple[str, str, str], Finding] = {}
    for result in results:
        for f in result.findings:
            key = _finding_key(f)
            if key in merged:
                was = merged[key]
                f = replace(
                    was,
                    locations=tuple(sorted({*was.locations, *f.locations}, key=str)),
                    paths=tuple(dict.fromkeys((*was.paths, *f.paths))),
                    components=tuple(dict.fromkeys((*was.components, *f.components))),
                )
            merged[key] = f
    return sorted(
        merged.values(),
        key=lambda f: (-SEVERITY_RANK[f.severity], f.purl, f.check, f.entity or ""),
    )


def _uses(results: Sequence[ScanResult], findings: list[Finding], kind: str) -> tuple[Any, ...]:
    """Each waiver (``kind`` waivers) or acceptance in its strongest state over the shards."""
    best: dict[str, Any] = {}
    for result in results:
        for use in getattr(result, kind):
            uid = (use.waiver if kind == "waivers" else use.acceptance).id
            was = best.get(uid)
            if was is None or _WAIVER_RANK.get(use.state, 0) > _WAIVER_RANK.get(was.state, 0):
                best[uid] = use
    field = "waiver" if kind == "waivers" else "accepted"
    counts = Counter(getattr(f, field) for f in findings)
    return tuple(
        replace(u, findings=counts[uid]) if u.state == "used" else u
        for uid, u in sorted(best.items())
    )


def _stages(
    results: Sequence[ScanResult], inv: Inventory, covered: Coverage, found: int
) -> tuple[Stage, ...]:
    shards = f" (merged from {len(results)} shards)"
    detail = {
        "inventory": f"{len(inv.components)} components from {len(inv.files)} files{shards}",
        "enrichment": (covered.summary() if covered.looked_up else "no provenance lookups")
        + shards,
        "assessment": f"{found} findings{shards}",
    }
    out: dict[str, Stage] = {}
    for result in results:
        for s in result.stages:
            was = out.get(s.name)
            status = s.status
            if was is not None and _STATUS_RANK.get(was.status, 2) > _STATUS_RANK.get(status, 2):
                status = was.status
            # Shards run side by side: the slowest one is the stage's wall time.
            seconds = max(s.seconds, was.seconds if was else 0.0)
            out[s.name] = Stage(s.name, status, seconds, detail.get(s.name, s.detail))
    return tuple(out.values())


def combine(results: Sequence[ScanResult]) -> ScanResult:
    """One result from the shards' results; CombineError when they are not of one scan setup."""
    if not results:
        raise CombineError("no shard results to merge")
    first = results[0]
    for what in ("feed_version", "profile", "fail_on", "as_of"):
        values = sorted({getattr(r, what) for r in results})
        if len(values) > 1:
            raise CombineError(
                f"the shards differ in {what.replace('_', ' ')} ({', '.join(values)}): "
                "they are not shards of one scan"
            )
    comps: dict[str, Component] = {}
    prov: dict[str, Provenance] = {}
    for r in results:
        for c in r.inventory.components:
            comps[c.purl] = _component(comps[c.purl], c) if c.purl in comps else c
        for purl, p in r.enriched.provenance.items():
            prov[purl] = _provenance(prov[purl], p) if purl in prov else p
    inventory = Inventory(
        root=first.inventory.root,
        components=tuple(sorted(comps.values(), key=lambda c: c.purl)),
        relationships=tuple(sorted({x for r in results for x in r.inventory.relationships})),
        files=tuple(sorted({f for r in results for f in r.inventory.files})),
        issues=tuple(sorted({i for r in results for i in r.inventory.issues}, key=str)),
        metadata=dict(first.inventory.metadata),
    )
    enriched = Enriched(prov, coverage(prov))
    looked_up = any(r.coverage.looked_up for r in results)
    covered = measure(inventory, enriched if looked_up else None)
    findings = _findings(results)
    return replace(
        first,
        inventory=inventory,
        enriched=enriched,
        findings=tuple(findings),
        waivers=_uses(results, findings, "waivers"),
        acceptances=_uses(results, findings, "acceptances"),
        coverage=covered,
        stages=_stages(results, inventory, covered, len(findings)),
        started=min(r.started for r in results),
        finished=max(r.finished for r in results),
        feed_hash=next((r.feed_hash for r in results if r.feed_hash), ""),
        projects={k: v for r in results for k, v in r.projects.items()},
        project=next((r.project for r in results if r.project is not None), None),
    )
