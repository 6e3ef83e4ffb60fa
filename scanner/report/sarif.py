"""SARIF 2.1.0 for GitHub code scanning: one result per rule, file and entity (or mirror)."""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sbom.safe_text import json_text
from scanner.assess.checks import CHECKS
from scanner.assess.model import SEVERITY_RANK, CheckRecord, Finding
from scanner.net.endpoints import PROJECT_URL
from scanner.pipeline import ScanResult
from scanner.report.common import fingerprint
from scanner.report.groups import short
from scanner.report.sarif_rules import (
    BASE,
    LEVEL,
    MAX_EVIDENCE,
    MAX_GZIP_BYTES,
    MAX_PATHS,
    MAX_RESULTS,
    NOTIFICATIONS,
    SCHEMA_URI,
    SEMVER,
    invocation,
    location,
    message,
    opt,
    plain,
    rule,
    uri,
)
from scanner.report.sarif_rules import (
    MAX_TEXT as MAX_TEXT,
)
from scanner.report.sarif_rules import (
    MAX_VALUE as MAX_VALUE,
)

NAME = "sarif"
TITLE = "SARIF 2.1.0 (GitHub code scanning)"
EXTENSION = ".sarif"
MAX_NAMED = 20  # components named in a result's message; properties list them all
# Waived and accepted findings: GitHub code scanning does not honour SARIF suppressions (a
# suppressed result would still open an alert), so by default they are left out of the results
# and listed in the run's properties instead; "suppress" keeps them with a suppression for tools
# that honour it (docs/github-action.md, "Waivers in code scanning").
WAIVED = ("omit", "suppress")


@dataclass
class _Unit:
    """Findings of one rule in one file about one entity or mirror: one SARIF result."""

    check: str
    path: str
    cause: str
    line: int | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def worst(self) -> Finding:
        return max(self.findings, key=lambda f: SEVERITY_RANK[f.severity])

    @property
    def purls(self) -> list[str]:
        return list(dict.fromkeys(p for f in self.findings for p in (f.components or (f.purl,))))

    @property
    def key(self) -> str:
        return hashlib.sha256(
            f"{self.check}|{self.path}|{self.cause}".encode("utf-8", "surrogatepass")
        ).hexdigest()[:16]


def units(findings: list[Finding]) -> list[_Unit]:
    """Findings gathered per (rule, file, entity or mirror), at the first line in that file."""
    out: dict[tuple[str, str, str], _Unit] = {}
    for f in findings:
        cause = f.namespace if f.check == "supply-path" else (f.entity or f.jurisdiction or "")
        for path, line in dict.fromkeys(f.locations or (("", None),)):
            unit = out.setdefault((f.check, path, cause), _Unit(f.check, path, cause))
            if f not in unit.findings:
                unit.findings.append(f)
            if line is not None and (unit.line is None or line < unit.line):
                unit.line = line
    return list(out.values())


def _text(unit: _Unit) -> str:
    f, purls = unit.worst, unit.purls
    text = plain(f.reason, 500) if len(purls) == 1 or f.components else ""
    if not text:
        who = f.entity_name or f.entity or f.jurisdiction or "-"
        text = f"{len(purls)} components in {plain(unit.path or 'the inventory', 200)} tied to {plain(who, 150)}."
    if f.entity_name or f.entity:
        text += f" Entity: {plain(f.entity_name or f.entity or '', 150)}"
        text += f" ({plain(f.entity, 100)})." if f.entity and f.entity_name else "."
    if f.jurisdiction:
        text += f" Jurisdiction: {plain(f.jurisdiction, 20)}."
    named = ", ".join(plain(short(p), 120) for p in purls[:MAX_NAMED])
    more = f" and {len(purls) - MAX_NAMED} more" if len(purls) > MAX_NAMED else ""
    return text + f" Components: {named}{more}."


def _result(unit: _Unit, rule_index: int, notes: dict[str, str], suppress: bool) -> dict[str, Any]:
    f = unit.worst
    props: dict[str, Any] = {
        "purls": [plain(p) for p in unit.purls],
        "findings": [fingerprint(x) for x in unit.findings],
        "outcome": f.outcome,
        "severity": f.severity,
        "tier": f.tier,
        "basis": f.basis,
        "namespace": plain(f.namespace),
        "confidence": f.confidence,
        "entity": opt(f.entity),
        "entityName": opt(f.entity_name),
        "jurisdiction": opt(f.jurisdiction),
        "chain": [plain(c) for c in f.chain],
        "notes": [plain(n, 1000) for n in f.notes],
        "listings": [plain(x) for x in f.listings],
        "evidence": [
            {
                "kind": e.kind,
                "field": plain(e.field),
                "value": plain(e.value),
                "source": plain(e.source),
                "url": opt(e.url),
                "strength": e.strength,
                "note": plain(e.note),
            }
            for e in f.evidence[:MAX_EVIDENCE]
        ],
        "evidenceOmitted": max(0, len(f.evidence) - MAX_EVIDENCE),
        "dependencyPaths": [plain(" > ".join(p), 1000) for p in f.paths[:MAX_PATHS]],
    }
    out: dict[str, Any] = {
        "ruleId": unit.check,
        "ruleIndex": rule_index,
        "level": LEVEL[f.severity],
        "message": message(_text(unit)),
        # GitHub only reads primaryLocationLineHash; without ours it would hash the lockfile
        # line, and every version bump would open a new alert.
        "partialFingerprints": {
            "icts-scan/v2": unit.key,
            "primaryLocationLineHash": f"{unit.key}:1",
        },
        "properties": props,
    }
    if unit.path:
        out["locations"] = [location(unit.path, unit.line)]
    excused = [x for x in unit.findings if x.excused]
    if suppress and excused and len(excused) == len(unit.findings):
        why = "; ".join(dict.fromkeys(notes.get(x.waiver or x.accepted or "", "") for x in excused))
        out["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": plain(why, 1024)}
        ]
    return out


def _notes(result: ScanResult) -> dict[str, str]:
    out = {
        u.waiver.id: f"waiver {u.waiver.id}: {u.waiver.reason} (approved by {u.waiver.approver}"
        + (f", ticket {u.waiver.ticket}" if u.waiver.ticket else "")
        + f", expires {u.waiver.expires})"
        for u in result.waivers
    }
    out.update(
        {
            u.acceptance.id: f"accepted risk {u.acceptance.id}: {u.acceptance.reason} (approved by "
            f"{u.acceptance.approver}, expires {u.acceptance.expires})"
            for u in result.acceptances
        }
    )
    return out


def document(
    result: ScanResult, max_results: int = MAX_RESULTS, waived: str = "omit"
) -> dict[str, Any]:
    """The SARIF log as plain data; at most ``max_results`` results, the most severe first."""
    records = [record for record, _ in CHECKS]
    index = {r.id: n for n, r in enumerate(records)}
    rules = [rule(r) for r in records]
    for f in result.findings:
        if f.check not in index:  # never crash a report over a check without a record
            index[f.check] = len(rules)
            rules.append(
                rule(CheckRecord(f.check, f.check, f.check, f.outcome, f.provision, "-", "-", "-"))
            )
    shown = [f for f in result.findings if waived == "suppress" or not f.excused]
    ordered = sorted(
        units(shown),
        key=lambda u: (
            all(f.excused for f in u.findings),
            -SEVERITY_RANK[u.worst.severity],
            index[u.check],
            u.path,
            u.cause,
        ),
    )
    kept = ordered[:max_results]
    notes = _notes(result)
    cov = result.coverage
    semver = SEMVER.fullmatch(result.tool_version)  # a PEP 440 dev build is not SemVer
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "icts-scan",
                "version": result.tool_version,
                "informationUri": PROJECT_URL,
                **({"semanticVersion": result.tool_version} if semver else {}),
                "rules": rules,
                "notifications": [
                    {"id": k, "shortDescription": {"text": v}} for k, v in NOTIFICATIONS.items()
                ],
            }
        },
        "originalUriBaseIds": {
            # No absolute URI on purpose: it would leak the scanning machine's paths, and
            # GitHub resolves relative URIs against the checkout.
            BASE: {"description": {"text": "The root of the scanned repository."}}
        },
        "invocations": [invocation(result, len(ordered) - len(kept), len(ordered))],
        "artifacts": [
            {
                "location": uri(sf.path),
                "length": sf.size,
                "hashes": {"sha-256": sf.sha256},
                "roles": ["analysisTarget"],
            }
            for sf in result.inventory.files
        ],
        "results": [_result(u, index[u.check], notes, waived == "suppress") for u in kept],
        "properties": {
            "profile": result.profile,
            "failOn": result.fail_on,
            "asOf": result.as_of,
            "feedVersion": result.feed_version,
            "incomplete": result.incomplete,
            "coverage": {
                "components": cov.components,
                "provenanceKnown": cov.known,
                "unknownReasons": dict(cov.reasons),
            },
            "resultsTotal": len(ordered),
            "resultsReported": len(kept),
            "truncated": len(kept) < len(ordered),
            "excused": [
                {
                    "finding": fingerprint(f),
                    "purls": [plain(p) for p in (f.components or (f.purl,))],
                    "check": f.check,
                    "by": plain(
                        notes.get(f.waiver or f.accepted or "", f.waiver or f.accepted or "")
                    ),
                }
                for f in result.findings
                if f.excused and waived == "omit"
            ],
            "indicatorsNotDeterminations": True,
        },
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(result: ScanResult, waived: str = "omit") -> str:
    """SARIF JSON text, within GitHub's result-count and upload-size limits."""
    limit = min(MAX_RESULTS, len(result.findings))
    while True:
        text = json_text(json.dumps(document(result, limit, waived), indent=2, ensure_ascii=False))
        text += "\n"
        data = text.encode()
        # Raw text within the limit is within it gzipped too: compress only the large ones.
        if len(data) <= MAX_GZIP_BYTES:
            return text
        size = len(gzip.compress(data, mtime=0))
        if size <= MAX_GZIP_BYTES or limit == 0:
            return text
        limit = min(limit - 1, int(limit * MAX_GZIP_BYTES / size * 0.9))
