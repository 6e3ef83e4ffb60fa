"""Large scan results for the HTML report's browser tests and benchmark: the same components again."""

from __future__ import annotations

from dataclasses import replace

from scanner.assess.coverage import Coverage
from scanner.pipeline import ScanResult


def padded(result: ScanResult, total: int) -> ScanResult:
    """The result with copies of its components (new versions, provenance unknown because
    skipped) added until it holds ``total``; findings stay those of the original components."""
    comps = list(result.inventory.components)
    extra = []
    while comps and len(comps) + len(extra) < total:
        n = len(extra) + 1
        c = comps[n % len(comps)]
        version = f"{c.version or '0'}-pad{n}"
        extra.append(replace(c, purl=f"{c.purl.rsplit('@', 1)[0]}@{version}", version=version))
    cov = result.coverage
    unknown = cov.unknown + tuple((c.purl, "skipped", "no provenance lookups") for c in extra)
    reasons = dict(cov.reasons)
    reasons["skipped"] = reasons.get("skipped", 0) + len(extra)
    coverage = Coverage(
        cov.components + len(extra), cov.known, cov.first_party, reasons, unknown, cov.looked_up
    )
    inventory = replace(result.inventory, components=(*comps, *extra))
    return replace(result, inventory=inventory, coverage=coverage)
