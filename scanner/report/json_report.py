"""The JSON report: versioned schema (schema/report-1.json), everything a reviewer or tool needs."""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from typing import Any

from scanner.assess.model import Finding
from scanner.pipeline import ScanResult
from scanner.report.common import counts, finding_data

NAME = "json"
TITLE = "JSON report (versioned schema)"
EXTENSION = ".json"
REPORT_VERSION = "1.0"


def document(result: ScanResult) -> dict[str, Any]:
    """The report as plain data."""
    inv = result.inventory
    return {
        "report_version": REPORT_VERSION,
        "tool": {"name": "icts-scan", "version": result.tool_version},
        "feeds": {"version": result.feed_version},
        "profile": result.profile,
        "fail_on": result.fail_on,
        "started": result.started,
        "finished": result.finished,
        "inputs": [asdict(f) for f in inv.files],
        "issues": [asdict(i) for i in inv.issues],
        "stages": [asdict(s) for s in result.stages],
        "coverage": asdict(result.enriched.coverage),
        "summary": counts(result),
        "project": _project(result),
        "projects": _projects(result),
        "components": [
            {
                "purl": c.purl,
                "ecosystem": c.ecosystem,
                "name": c.name,
                "version": c.version,
                "scope": c.scope,
                "direct": c.direct,
                "locations": [{"path": loc.path, "line": loc.line} for loc in c.locations],
                "provenance": _provenance(result, c.purl),
            }
            for c in inv.components
        ],
        "findings": [finding_data(f) for f in result.findings],
        "waivers": [
            {**asdict(u.waiver), "state": u.state, "findings": u.findings, "note": u.note}
            for u in result.waivers
        ],
    }


def _project(result: ScanResult) -> dict[str, Any]:
    """The scanned repository's own history (informational: who commits, from which domains)."""
    prov = result.project
    if prov is None:
        return {"facts": [], "statuses": []}
    return {
        "facts": [{**asdict(f), "attrs": dict(f.attrs)} for f in prov.facts],
        "statuses": [asdict(s) for s in prov.statuses],
    }


def _projects(result: ScanResult) -> list[dict[str, Any]]:
    """Per-project files, components and finding counts (monorepo scans; else empty)."""
    if not result.projects:
        return []
    from scanner.monorepo.projects import split

    by_purl: dict[str, list[Finding]] = {}
    for finding in result.findings:
        by_purl.setdefault(finding.purl, []).append(finding)
    out = []
    for name, inv in split(result.inventory, result.projects).items():
        purls = sorted({c.purl for c in inv.components} & by_purl.keys())
        mine = tuple(f for p in purls for f in by_purl[p])
        out.append(
            {
                "path": name or ".",
                "files": sorted({f.path for f in inv.files}),
                "components": len(inv.components),
                "summary": counts(replace(result, findings=mine)),
            }
        )
    return out


def _provenance(result: ScanResult, purl: str) -> dict[str, Any]:
    prov = result.enriched.provenance.get(purl)
    if prov is None:
        return {"known": False, "facts": [], "statuses": []}
    return {
        "known": prov.known,
        "facts": [{**asdict(f), "attrs": dict(f.attrs)} for f in prov.facts],
        "statuses": [asdict(s) for s in prov.statuses],
    }


def render(result: ScanResult) -> str:
    """JSON text."""
    return json.dumps(document(result), indent=2, ensure_ascii=False) + "\n"
