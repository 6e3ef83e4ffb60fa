"""Shared report helpers: finding fingerprints, counts, plain-data views of the result."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import asdict, fields
from typing import Any

from sbom.model import Component
from scanner.assess.model import SEVERITY_RANK, Finding
from scanner.enrich.model import Fact, SourceStatus
from scanner.pipeline import ScanResult

SEVERITIES = ("critical", "high", "medium", "low", "info")
# Facts and statuses hold only strings: read field by field, which on every component of a
# big inventory costs a fraction of dataclasses.asdict's recursive copy.
_FACT_FIELDS = tuple(f.name for f in fields(Fact))
_STATUS_FIELDS = tuple(f.name for f in fields(SourceStatus))


def fingerprint(finding: Finding) -> str:
    """Stable across versions and lockfile moves: check, package (no version), entity."""
    # surrogatepass: hostile text (a lone surrogate) still names one finding, never raises.
    return hashlib.sha256(finding.identity.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def counts(result: ScanResult) -> dict[str, Any]:
    """Totals by severity, check and entity (waived and accepted findings counted apart)."""
    active = [f for f in result.findings if not f.excused]
    by_sev: Counter[str] = Counter(f.severity for f in active)
    return {
        "findings": len(active),
        "waived": sum(1 for f in result.findings if f.waiver),
        "accepted": sum(1 for f in result.findings if f.accepted and not f.waiver),
        "by_severity": {s: by_sev.get(s, 0) for s in SEVERITIES},
        "by_check": dict(sorted(Counter(f.check for f in active).items())),
        "by_entity": dict(
            sorted(
                Counter(f.entity for f in active if f.entity).items(),
                key=lambda kv: (-kv[1], kv[0]),
            )
        ),
        "by_jurisdiction": dict(
            sorted(Counter(f.jurisdiction for f in active if f.jurisdiction).items())
        ),
        "at_or_above_fail_on": sum(
            1 for f in active if SEVERITY_RANK[f.severity] >= SEVERITY_RANK[result.fail_on]
        ),
    }


def coverage_data(result: ScanResult) -> dict[str, Any]:
    """Coverage as plain data: counts, reasons and every unknown component with its reason."""
    cov = result.coverage
    return {
        "components": cov.components,
        "known": cov.known,
        "unknown": cov.unknown_count,
        "first_party": cov.first_party,
        "looked_up": cov.looked_up,
        "reasons": dict(cov.reasons),
        "by_source": result.enriched.coverage.by_source,
        "fail_on_unknown_above": result.fail_on_unknown_above,
        "unknown_components": [{"purl": p, "reason": r, "detail": d} for p, r, d in cov.unknown],
    }


def fact_data(fact: Fact) -> dict[str, Any]:
    """A provenance fact as plain data, its ``attrs`` as an object."""
    data = {name: getattr(fact, name) for name in _FACT_FIELDS}
    data["attrs"] = dict(fact.attrs)
    return data


def status_data(status: SourceStatus) -> dict[str, Any]:
    """A source's status for one component as plain data."""
    return {name: getattr(status, name) for name in _STATUS_FIELDS}


def finding_data(finding: Finding) -> dict[str, Any]:
    """A finding as plain data for JSON-like outputs."""
    data = asdict(finding)
    data["id"] = fingerprint(finding)
    data["group"] = finding.group
    data["locations"] = [{"path": p, "line": line} for p, line in finding.locations]
    data["paths"] = [list(p) for p in finding.paths]
    data["chain"] = list(finding.chain)
    return data


def component_data(c: Component, *, hashes: bool = False) -> dict[str, Any]:
    """A component's identity (and hashes if asked) and where it was declared, as plain data."""
    data: dict[str, Any] = {
        "purl": c.purl,
        "ecosystem": c.ecosystem,
        "name": c.name,
        "version": c.version,
        "scope": c.scope,
        "direct": c.direct,
    }
    if hashes:
        data["hashes"] = [{"alg": h.alg, "value": h.value} for h in c.hashes]
    data["locations"] = [{"path": loc.path, "line": loc.line} for loc in c.locations]
    return data
