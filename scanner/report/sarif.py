"""SARIF 2.1.0 for GitHub code scanning: one rule per check, results at the pinning lockfile line."""

from __future__ import annotations

import gzip
import json
import re
from typing import Any
from urllib.parse import quote

from scanner.assess.checks import CHECKS
from scanner.assess.model import SEVERITY_RANK, TIER_RANK, TIER_SEVERITY, CheckRecord, Finding
from scanner.net.endpoints import PROJECT_URL
from scanner.pipeline import ScanResult
from scanner.report.common import fingerprint

NAME = "sarif"
TITLE = "SARIF 2.1.0 (GitHub code scanning)"
EXTENSION = ".sarif"

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
BASE = "%SRCROOT%"
# GitHub's limits (research/integrations.md §3.1–3.2): an upload over these is rejected.
MAX_RESULTS = 25_000
MAX_GZIP_BYTES = 9_500_000  # 10 MB gzipped, with headroom for GitHub's own compression
MAX_LOCATIONS = 10
MAX_TEXT = 1024  # shortDescription / fullDescription limit, applied to every message too
MAX_EVIDENCE = 20
MAX_PATHS = 10
MAX_VALUE = 300

# GitHub reads these as >9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low; "0.0" means
# "no security severity", which is right for the informational unknown check.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
PRECISION = {
    "prohibition": "very-high",
    "strong": "high",
    "medium": "medium",
    "weak": "low",
    "informational": "high",  # that every source failed is itself certain
}
NOTIFICATIONS = {
    "stage-partial": "A scan stage could not fully do its work; unknowns remain.",
    "stage-skipped": "A scan stage was skipped.",
    "input-issue": "An input file could not be (fully) read.",
    "results-truncated": "Results were left out to stay within GitHub's upload limits.",
}
_VERDICT = (
    "This is an indicator for review, not a legal determination.",
    "This applies an issued Final Determination; confirm the match before acting.",
)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_BRACKET = re.compile(r"(\\*)([\[\]])")
_SEMVER = re.compile(r"\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?")


def _plain(text: str, limit: int = MAX_VALUE) -> str:
    """Registry text as one safe line: no control or bidi characters, bounded length."""
    clean = _CONTROL.sub(" ", text)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _opt(text: str | None) -> str | None:
    return None if text is None else _plain(text)


def _message(text: str) -> dict[str, str]:
    # SARIF reads "[text](target)" in message text as an embedded link: escape literal brackets
    # (and the backslashes before them) so registry text cannot forge links.
    text = _BRACKET.sub(lambda m: m.group(1) * 2 + "\\" + m.group(2), _plain(text, 4 * MAX_TEXT))
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 1].rstrip("\\") + "…"
    return {"text": text}


def _uri(path: str) -> dict[str, str]:
    path = path.replace("\\", "/")
    if path.startswith("/"):  # an SBOM given by absolute path: no base applies
        return {"uri": "file://" + quote(path)}
    return {"uri": quote(path.removeprefix("./")), "uriBaseId": BASE}


def _location(path: str, line: int | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": _uri(path)}
    if line is not None and line > 0:
        physical["region"] = {"startLine": line}
    return {"physicalLocation": physical}


def _rule(record: CheckRecord) -> dict[str, Any]:
    top = max(record.tiers, key=TIER_RANK.__getitem__, default="informational")
    severity = TIER_SEVERITY[top]
    waiver = (
        f'[[waivers]]\nid = "SEC-1"\npurl = "pkg:npm/example@1.2.3"  # the exact version\n'
        f'check = "{record.id}"\nreason = "…"\napprover = "…"\ndate = 2026-01-01\nexpires = 2027-01-01'
    )
    sections = (
        ("Grounds", record.grounds),
        ("Never grounds", record.never),
        ("Provision", record.provision),
        ("Remediation", record.remediation),
    )
    return {
        "id": record.id,
        "name": "".join(w.capitalize() for w in record.outcome.split("-")),
        "shortDescription": {"text": _plain(record.title, MAX_TEXT)},
        "fullDescription": {"text": _plain(record.question, MAX_TEXT)},
        "help": {
            "text": "\n\n".join([record.question, *(f"{k}: {v}" for k, v in sections)]),
            "markdown": "\n\n".join(
                [
                    _md(record.question),
                    *(f"**{k}.** {_md(v)}" for k, v in sections),
                    _VERDICT[record.outcome == "prohibited"]
                    + " To accept a reviewed finding, add a waiver for the exact version to "
                    "`.icts-scan.toml`:",
                    f"```toml\n{waiver}\n```",
                ]
            ),
        },
        "defaultConfiguration": {"level": LEVEL[severity]},
        "properties": {
            "tags": ["security", "supply-chain", "icts"],
            "security-severity": SECURITY_SEVERITY[severity],
            "precision": PRECISION[top],
        },
    }


def _result(f: Finding, rule_index: int, waivers: dict[str, str]) -> dict[str, Any]:
    # Each part bounded, so a huge reason cannot push the entity and component out of sight.
    text = _plain(f.reason, 500)
    if f.entity_name or f.entity:
        text += f" Entity: {_plain(f.entity_name or f.entity or '', 150)}"
        text += f" ({_plain(f.entity, 100)})." if f.entity and f.entity_name else "."
    if f.jurisdiction:
        text += f" Jurisdiction: {_plain(f.jurisdiction, 20)}."
    text += f" Component: {_plain(f.purl, 200)}."
    props: dict[str, Any] = {
        "purl": _plain(f.purl),
        "outcome": f.outcome,
        "severity": f.severity,
        "tier": f.tier,
        "confidence": f.confidence,
        "entity": _opt(f.entity),
        "entityName": _opt(f.entity_name),
        "jurisdiction": _opt(f.jurisdiction),
        "chain": [_plain(c) for c in f.chain],
        "evidence": [
            {
                "kind": e.kind,
                "field": _plain(e.field),
                "value": _plain(e.value),
                "source": _plain(e.source),
                "url": _opt(e.url),
                "strength": e.strength,
                "note": _plain(e.note),
            }
            for e in f.evidence[:MAX_EVIDENCE]
        ],
        "evidenceOmitted": max(0, len(f.evidence) - MAX_EVIDENCE),
        "dependencyPaths": [_plain(" > ".join(p), 1000) for p in f.paths[:MAX_PATHS]],
    }
    fp = fingerprint(f)
    out: dict[str, Any] = {
        "ruleId": f.check,
        "ruleIndex": rule_index,
        "level": LEVEL[f.severity],
        "message": _message(text),
        "locations": [_location(p, line) for p, line in f.locations[:MAX_LOCATIONS]],
        # GitHub only reads primaryLocationLineHash; without ours it would hash the lockfile
        # line, and every version bump would open a new alert.
        "partialFingerprints": {"icts-scan/v1": fp, "primaryLocationLineHash": f"{fp}:1"},
        "properties": props,
    }
    if f.waiver:
        reason = waivers.get(f.waiver, "waiver not found in the policy")
        out["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": _plain(reason, MAX_TEXT)}
        ]
        props["waiver"] = _plain(f.waiver)
    return out


def _notification(
    kind: str, level: str, text: str, loc: dict[str, Any] | None = None
) -> dict[str, Any]:
    note: dict[str, Any] = {"descriptor": {"id": kind}, "level": level, "message": _message(text)}
    if loc:
        note["locations"] = [loc]
    return note


def document(result: ScanResult, max_results: int = MAX_RESULTS) -> dict[str, Any]:
    """The SARIF log as plain data; at most ``max_results`` results, the most severe first."""
    records = [record for record, _ in CHECKS]
    index = {r.id: n for n, r in enumerate(records)}
    rules = [_rule(r) for r in records]
    waivers = {
        u.waiver.id: f"{u.waiver.id}: {u.waiver.reason} (approved by {u.waiver.approver}"
        + (f", ticket {u.waiver.ticket}" if u.waiver.ticket else "")
        + f", expires {u.waiver.expires})"
        for u in result.waivers
    }
    for f in result.findings:
        if f.check not in index:  # never crash a report over a check without a record
            index[f.check] = len(rules)
            stub = CheckRecord(f.check, f.check, f.check, f.outcome, f.provision, "-", "-", "-")
            rules.append(_rule(stub))
    ordered = sorted(
        result.findings,
        key=lambda f: (bool(f.waiver), -SEVERITY_RANK[f.severity], index[f.check], f.purl),
    )
    kept = ordered[:max_results]
    notes = [
        _notification(
            f"stage-{s.status}",
            "warning" if s.status == "partial" else "note",
            f"Stage {s.name}: {s.status}. {s.detail}",
        )
        for s in result.stages
        if s.status in ("partial", "skipped")
    ]
    notes += [
        _notification(
            "input-issue",
            "warning" if i.severity == "error" else "note",
            f"{i.path}: {i.message}",
            _location(i.path, i.line),
        )
        for i in result.inventory.issues[:100]
    ]
    truncated = len(kept) < len(ordered)
    if truncated:
        notes.append(
            _notification(
                "results-truncated",
                "warning",
                f"{len(ordered) - len(kept)} of {len(ordered)} results left out (the least severe) "
                "to stay within GitHub's SARIF limits; the JSON report has all of them.",
            )
        )
    cov = result.enriched.coverage
    semver = _SEMVER.fullmatch(result.tool_version)  # a PEP 440 dev build is not SemVer
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
        "invocations": [
            {
                "executionSuccessful": True,
                "startTimeUtc": result.started,
                "endTimeUtc": result.finished,
                "toolExecutionNotifications": notes,
                "properties": {
                    "stages": [
                        {"name": s.name, "status": s.status, "detail": _plain(s.detail)}
                        for s in result.stages
                    ]
                },
            }
        ],
        "artifacts": [
            {
                "location": _uri(sf.path),
                "length": sf.size,
                "hashes": {"sha-256": sf.sha256},
                "roles": ["analysisTarget"],
            }
            for sf in result.inventory.files
        ],
        "results": [_result(f, index[f.check], waivers) for f in kept],
        "properties": {
            "profile": result.profile,
            "failOn": result.fail_on,
            "feedVersion": result.feed_version,
            "incomplete": result.incomplete,
            "coverage": {"components": cov.components, "provenanceKnown": cov.known},
            "resultsTotal": len(ordered),
            "resultsReported": len(kept),
            "truncated": truncated,
            "indicatorsNotDeterminations": True,
        },
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(result: ScanResult) -> str:
    """SARIF JSON text, within GitHub's result-count and upload-size limits."""
    limit = min(MAX_RESULTS, len(result.findings))
    while True:
        text = json.dumps(document(result, limit), indent=2, ensure_ascii=False) + "\n"
        data = text.encode()
        # Raw text within the limit is within it gzipped too: compress only the large ones.
        if len(data) <= MAX_GZIP_BYTES:
            return text
        size = len(gzip.compress(data, mtime=0))
        if size <= MAX_GZIP_BYTES or limit == 0:
            return text
        limit = min(limit - 1, int(limit * MAX_GZIP_BYTES / size * 0.9))
