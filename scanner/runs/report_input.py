"""A JSON report (``--report json``) read back into a scan result, for merging shards."""

from __future__ import annotations

import json
from typing import Any

from sbom.model import Inventory, ParseIssue, SourceFile
from scanner.assess.coverage import measure
from scanner.enrich.model import Enriched
from scanner.enrich.run import coverage
from scanner.pipeline import ScanResult
from scanner.runs.codec import (
    DataError,
    acceptance_use_from,
    component_from,
    finding_from,
    provenance_from,
    stage_from,
    waiver_use_from,
)

# Reports of another major version may mean other things by the same keys.
MAJOR = "2"


class ReportError(ValueError):
    """A file that is not a JSON report this version reads; the message starts with its path."""


def read(path: str) -> ScanResult:
    """The scan result a JSON report describes (no dependency graph, hashes or download URLs)."""
    try:
        with open(path, "rb") as fh:
            doc = json.loads(fh.read())
    except OSError as exc:
        raise ReportError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = f":{exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise ReportError(f"{path}{line}: not JSON: {exc}") from None
    if not isinstance(doc, dict) or "report_version" not in doc:
        raise ReportError(f"{path}: not an icts-scan JSON report (no report_version)")
    version = str(doc["report_version"])
    if version.split(".", 1)[0] != MAJOR:
        raise ReportError(f"{path}: report_version {version}; this icts-scan reads {MAJOR}.x")
    try:
        return _result(doc)
    except (DataError, KeyError, TypeError, ValueError, AttributeError) as exc:
        detail = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
        raise ReportError(f"{path}: {detail}") from None


def _result(doc: dict[str, Any]) -> ScanResult:
    comps = doc["components"]
    inventory = Inventory(
        root=".",
        components=tuple(component_from(c, f"components[{n}]") for n, c in enumerate(comps)),
        files=tuple(SourceFile(**f) for f in doc.get("inputs") or ()),
        issues=tuple(ParseIssue(**i) for i in doc.get("issues") or ()),
    )
    provenance = {
        c["purl"]: provenance_from(c["purl"], c["provenance"], f"components[{n}].provenance")
        for n, c in enumerate(comps)
        if c.get("provenance", {}).get("statuses") or c.get("provenance", {}).get("facts")
    }
    cov = doc.get("coverage") or {}
    enriched = Enriched(provenance, coverage(provenance))
    # Coverage is derived from the components and their sources, exactly as the scan derived it.
    measured = measure(inventory, enriched if cov.get("looked_up", True) else None)
    projects = {
        file: entry["path"] if entry["path"] != "." else ""
        for entry in doc.get("projects") or ()
        for file in entry.get("files") or ()
    }
    own = doc.get("project") or {}
    return ScanResult(
        inventory=inventory,
        enriched=enriched,
        findings=tuple(finding_from(f, f"findings[{n}]") for n, f in enumerate(doc["findings"])),
        waivers=tuple(waiver_use_from(w, f"waivers[{n}]") for n, w in enumerate(doc["waivers"])),
        stages=tuple(stage_from(s, f"stages[{n}]") for n, s in enumerate(doc["stages"])),
        profile=str(doc["profile"]),
        fail_on=str(doc["fail_on"]),
        feed_version=str(doc["feeds"]["version"]),
        tool_version=str(doc["tool"]["version"]),
        started=str(doc["started"]),
        finished=str(doc["finished"]),
        projects=projects,
        project=provenance_from("", own, "project")
        if own.get("facts") or own.get("statuses")
        else None,
        coverage=measured,
        acceptances=tuple(
            acceptance_use_from(a, f"acceptances[{n}]")
            for n, a in enumerate(doc.get("acceptances") or ())
        ),
        as_of=str(doc.get("as_of") or ""),
        fail_on_unknown_above=cov.get("fail_on_unknown_above"),
        csl_complete=bool(doc["feeds"].get("csl_complete", True)),
    )
