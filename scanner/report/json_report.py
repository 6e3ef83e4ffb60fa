"""The JSON report: versioned schema (schema/report-2.json), everything a reviewer or tool needs."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, replace
from typing import Any, TextIO

from sbom.model import Component
from sbom.safe_text import json_text
from scanner.assess.model import Finding
from scanner.pipeline import ScanResult
from scanner.report.common import (
    component_data,
    counts,
    coverage_data,
    fact_data,
    finding_data,
    fingerprint,
    status_data,
)
from scanner.report.groups import group

NAME = "json"
TITLE = "JSON report (versioned schema)"
EXTENSION = ".json"
REPORT_VERSION = "2.0"
# The long lists are written one item at a time, so memory stays flat on huge inventories.
_STREAMED = ("components", "findings")


def _head(result: ScanResult) -> dict[str, Any]:
    inv = result.inventory
    return {
        "report_version": REPORT_VERSION,
        "tool": {"name": "icts-scan", "version": result.tool_version},
        "feeds": {
            "version": result.feed_version,
            "as_of": result.as_of,
            "csl_complete": result.csl_complete,
        },
        "profile": result.profile,
        "fail_on": result.fail_on,
        "as_of": result.as_of,
        "started": result.started,
        "finished": result.finished,
        "inputs": [asdict(f) for f in inv.files],
        "issues": [asdict(i) for i in inv.issues],
        "stages": [asdict(s) for s in result.stages],
        "coverage": coverage_data(result),
        "summary": counts(result),
        "project": _project(result),
        "projects": _projects(result),
        "components": (),
        "groups": [
            {
                "id": g.id,
                "check": g.check,
                "severity": g.severity,
                "entity": g.entity,
                "entity_name": g.entity_name,
                "namespace": g.namespace,
                "title": g.title,
                "count": g.count,
                "excused": g.excused,
                "purls": list(g.purls),
                "findings": [fingerprint(f) for f in g.findings],
            }
            for g in group(result.findings)
        ],
        "findings": (),
        "waivers": [
            {**asdict(u.waiver), "state": u.state, "findings": u.findings, "note": u.note}
            for u in result.waivers
        ],
        "acceptances": [
            {**asdict(u.acceptance), "state": u.state, "findings": u.findings}
            for u in result.acceptances
        ],
    }


def _component(result: ScanResult, c: Component) -> dict[str, Any]:
    return {**component_data(c), "provenance": _provenance(result, c.purl)}


def _lists(result: ScanResult) -> dict[str, Iterable[Any]]:
    return {
        "components": (_component(result, c) for c in result.inventory.components),
        "findings": (finding_data(f) for f in result.findings),
    }


def document(result: ScanResult) -> dict[str, Any]:
    """The report as plain data (the streamed lists filled in)."""
    doc = _head(result)
    doc.update({k: list(v) for k, v in _lists(result).items()})
    return doc


def write(result: ScanResult, out: TextIO) -> None:
    """The report written piece by piece: the same text as ``render``, without holding it."""
    for chunk in _chunks(_head(result), _lists(result)):
        out.write(json_text(chunk))


def _chunks(head: dict[str, Any], lists: dict[str, Iterable[Any]]) -> Iterator[str]:
    encoder = json.JSONEncoder(indent=2, ensure_ascii=False)
    compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    yield "{"
    for n, (key, value) in enumerate(head.items()):
        yield ("," if n else "") + "\n  " + json.dumps(key) + ": "
        if key not in _STREAMED:
            yield encoder.encode(value).replace("\n", "\n  ")
            continue
        empty = True
        for item in lists[key]:
            # One item per line, compact: the C encoder (an indented dump is pure Python, 10x
            # slower on big inventories) and still a line per component for diff and grep.
            yield ("[" if empty else ",") + "\n    " + compact.encode(item)
            empty = False
        yield "[]" if empty else "\n  ]"
    yield "\n}\n"


def _project(result: ScanResult) -> dict[str, Any]:
    """The scanned repository's own history (informational: who commits, from which domains)."""
    prov = result.project
    if prov is None:
        return {"facts": [], "statuses": []}
    return {
        "facts": [fact_data(f) for f in prov.facts],
        "statuses": [status_data(s) for s in prov.statuses],
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
        "facts": [fact_data(f) for f in prov.facts],
        "statuses": [status_data(s) for s in prov.statuses],
    }


def render(result: ScanResult) -> str:
    """JSON text."""
    out = io.StringIO()
    write(result, out)
    return out.getvalue()
