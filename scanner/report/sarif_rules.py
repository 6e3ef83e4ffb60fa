"""SARIF building blocks: safe text, locations inside the scanned tree, rules, the invocation."""

from __future__ import annotations

import posixpath
import re
from typing import Any
from urllib.parse import quote

from sbom.safe_text import no_surrogates
from scanner.assess.model import TIER_RANK, TIER_SEVERITY, CheckRecord
from scanner.pipeline import ScanResult

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
SEMVER = re.compile(r"\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?")


def plain(text: str, limit: int = MAX_VALUE) -> str:
    """Registry text as one safe line: no control or bidi characters, bounded length."""
    clean = _CONTROL.sub(" ", text)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def opt(text: str | None) -> str | None:
    return None if text is None else plain(text)


def message(text: str) -> dict[str, str]:
    # SARIF reads "[text](target)" in message text as an embedded link: escape literal brackets
    # (and the backslashes before them) so registry text cannot forge links.
    text = _BRACKET.sub(lambda m: m.group(1) * 2 + "\\" + m.group(2), plain(text, 4 * MAX_TEXT))
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 1].rstrip("\\") + "…"
    return {"text": text}


def uri(path: str) -> dict[str, str]:
    """A location relative to the scanned root; ``..`` never leaves it (nor reaches the SARIF)."""
    path = no_surrogates(path).replace("\\", "/")
    absolute = path.startswith("/")
    parts = [p for p in posixpath.normpath("/" + path).split("/") if p not in ("", ".", "..")]
    clean = "/".join(parts) or "."
    if absolute:  # an SBOM given by absolute path: no base applies
        return {"uri": "file:///" + quote(clean)}
    return {"uri": quote(clean), "uriBaseId": BASE}


def location(path: str, line: int | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": uri(path)}
    if line is not None and line > 0:
        physical["region"] = {"startLine": line}
    return {"physicalLocation": physical}


def rule(record: CheckRecord) -> dict[str, Any]:
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
        "shortDescription": {"text": plain(record.title, MAX_TEXT)},
        "fullDescription": {"text": plain(record.question, MAX_TEXT)},
        "help": {
            "text": "\n\n".join([record.question, *(f"{k}: {v}" for k, v in sections)]),
            "markdown": "\n\n".join(
                [
                    md(record.question),
                    *(f"**{k}.** {md(v)}" for k, v in sections),
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


def notification(
    kind: str, level: str, text: str, loc: dict[str, Any] | None = None
) -> dict[str, Any]:
    note: dict[str, Any] = {"descriptor": {"id": kind}, "level": level, "message": message(text)}
    if loc:
        note["locations"] = [loc]
    return note


def invocation(result: ScanResult, truncated: int, total: int) -> dict[str, Any]:
    notes = [
        notification(
            f"stage-{s.status}",
            "warning" if s.status == "partial" else "note",
            f"Stage {s.name}: {s.status}. {s.detail}",
        )
        for s in result.stages
        if s.status in ("partial", "skipped")
    ]
    notes += [
        notification(
            "input-issue",
            "warning" if i.severity == "error" else "note",
            f"{i.path}: {i.message}",
            location(i.path, i.line),
        )
        for i in result.inventory.issues[:100]
    ]
    if truncated:
        notes.append(
            notification(
                "results-truncated", "warning",
                f"{truncated} of {total} results left out (the least severe) to stay within "
                "GitHub's SARIF limits; the JSON report has all of them.",
            )
        )  # fmt: skip
    return {
        "executionSuccessful": True,
        "startTimeUtc": result.started,
        "endTimeUtc": result.finished,
        "toolExecutionNotifications": notes,
        "properties": {
            "stages": [
                {"name": s.name, "status": s.status, "detail": plain(s.detail)}
                for s in result.stages
            ]
        },
    }
