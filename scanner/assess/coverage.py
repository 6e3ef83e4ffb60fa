"""How much provenance a scan established, and the true reason for every component it could not."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sbom.model import Component, Inventory
from scanner.enrich.model import Enriched, Provenance, SourceStatus

# Why a component's provenance stayed unknown, worst first (docs/coverage.md).
REASONS = {
    "rate-limited": "a registry or code host rate-limited the scan",
    "deadline": "the scan's --max-time ran out before its lookups",
    "lookup-failed": "every applicable source failed (network error, server error, bad answer)",
    "not-in-cache": "offline, and the cache held no answer",
    "not-found": "the registry does not know the package (private, removed or renamed)",
    "skipped": "lookups were skipped by choice (--no-network)",
    "no-source": "no provenance source covers its ecosystem",
    "no-version": "no exact version to look up",
}
_ORDER = tuple(REASONS)
# Components that are the project itself (workspace members, path dependencies inside the
# tree) are first-party: they are never looked up and never counted as unknown.
FIRST_PARTY = frozenset({"workspace", "sdk"})


@dataclass(frozen=True)
class Coverage:
    """Components whose provenance is known, and why the rest is not (counts and examples)."""

    components: int
    known: int
    first_party: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    unknown: tuple[tuple[str, str, str], ...] = ()
    """(purl, reason, detail) of every component whose provenance stayed unknown."""
    looked_up: bool = True

    @property
    def unknown_count(self) -> int:
        return self.components - self.known

    @property
    def unknown_fraction(self) -> float:
        return self.unknown_count / self.components if self.components else 0.0

    def summary(self) -> str:
        """One line: ``provenance known for 120 of 150 components (30 unknown: 20 not-found …)``."""
        if not self.components:
            return "no third-party components to look up"
        head = f"provenance known for {self.known} of {self.components} components"
        if not self.unknown_count:
            return head
        why = ", ".join(f"{n} {r}" for r, n in self.reasons.items())
        return f"{head} ({self.unknown_count} unknown: {why})"


def _reason(status: SourceStatus) -> str:
    text = status.reason.lower()
    if status.status == "rate-limited" or "rate limit" in text:
        return "rate-limited"
    if "deadline" in text or status.status == "deadline":
        return "deadline"
    if status.status == "offline":
        return "not-in-cache"
    if status.status == "not-found":
        return "not-found"
    if status.status == "skipped" and "version" in text:
        return "no-version"
    if status.status == "skipped":
        return "skipped"
    return "lookup-failed"


def why_unknown(component: Component, prov: Provenance | None) -> tuple[str, str]:
    """(reason, detail) for a component no source answered."""
    statuses = [s for s in (prov.statuses if prov else ()) if s.status != "not-applicable"]
    if not statuses:
        return "no-source", f"no provenance source covers pkg:{component.ecosystem} components"
    reasons = sorted({_reason(s) for s in statuses}, key=_ORDER.index)
    detail = "; ".join(f"{s.source}: {s.reason or s.status}" for s in statuses)
    return reasons[0], detail


def measure(inventory: Inventory, enriched: Enriched | None) -> Coverage:
    """Coverage of an inventory; ``enriched=None`` means lookups were skipped (--no-network)."""
    comps = [c for c in inventory.components if c.source_kind not in FIRST_PARTY]
    first_party = len(inventory.components) - len(comps)
    if enriched is None:
        unknown = tuple(
            (c.purl, "skipped", "no provenance lookups (--no-network)")
            for c in sorted(comps, key=lambda c: c.purl)
        )
        reasons = {"skipped": len(comps)} if comps else {}
        return Coverage(len(comps), 0, first_party, reasons, unknown, looked_up=False)
    rows = []
    for c in comps:
        prov = enriched.provenance.get(c.purl)
        if prov is not None and prov.known:
            continue
        rows.append((c.purl, *why_unknown(c, prov)))
    rows.sort()
    counted = Counter(r for _, r, _ in rows)
    reasons = {r: counted[r] for r in _ORDER if counted[r]}
    return Coverage(len(comps), len(comps) - len(rows), first_party, reasons, tuple(rows))
