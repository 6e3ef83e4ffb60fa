"""The evidence record (schema/evidence-2.json): one scan's inputs, facts and findings, hashed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from typing import Any

from sbom.safe_text import show_surrogates
from scanner.enrich.model import Fact
from scanner.pipeline import ScanResult
from scanner.report import cyclonedx_json_report
from scanner.report.common import component_data, counts, fact_data, fingerprint, status_data

NAME = "evidence"
TITLE = "Evidence record for compliance files (15 CFR 791.106)"
EXTENSION = ".evidence.json"
RECORD_VERSION = "2"
HASHED = "record_sha256"

STATEMENT = (
    "Evidence record of one icts-scan run, kept for record-keeping (15 CFR 791.106): the "
    "inputs read with their SHA-256 digests, the tool and knowledge-base versions, the policy, "
    "every provenance fact consulted with its source and retrieval time, the status of every "
    "source asked, and the findings with their evidence. Findings are indicators for human "
    "review under 15 CFR part 791, not determinations: only an issued Final Determination or "
    "class rule makes a transaction prohibited. Facts are recorded as their sources stated "
    "them. record_sha256 is the SHA-256 of the canonical JSON of every other field "
    "(docs/evidence-record.md)."
)


def canonical(data: dict[str, Any]) -> bytes:
    """Sorted keys, no whitespace, UTF-8: RFC 8785 (JCS) for records without floats.

    A lone surrogate (hostile JSON input; JCS has no form for it, UTF-8 cannot encode it)
    is written as its ``\\u`` escape.
    """
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return show_surrogates(text).encode("utf-8")


def digest(record: dict[str, Any]) -> str:
    """The record hash: SHA-256 over the canonical form of everything but the hash itself."""
    return hashlib.sha256(canonical({k: v for k, v in record.items() if k != HASHED})).hexdigest()


def verify(record: dict[str, Any]) -> bool:
    """True when ``record_sha256`` matches the rest of the record."""
    return record.get(HASHED) == digest(record)


def _fact_key(f: Fact) -> tuple[str, ...]:
    # Every field takes part, so the order never depends on how enrichers were scheduled.
    return (
        f.purl,
        f.source,
        f.kind,
        f.field,
        f.value,
        f.subject or "",
        f.url or "",
        f.retrieved,
        f.strength,
        repr(f.attrs),
    )


def _provenance(result: ScanResult) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every source status and every fact, in inventory order, then any other purl."""
    prov = result.enriched.provenance
    order = [c.purl for c in result.inventory.components]
    order += sorted(set(prov) - set(order))
    sources: list[dict[str, Any]] = []
    facts: list[Fact] = []
    for purl in order:
        if purl not in prov:
            continue
        sources.extend(
            {"purl": purl, **status_data(s)}
            for s in sorted(prov[purl].statuses, key=lambda s: (s.source, s.status, s.reason))
        )
        facts.extend(sorted(prov[purl].facts, key=_fact_key))
    return sources, [fact_data(f) for f in facts]


def _components(result: ScanResult) -> list[dict[str, Any]]:
    prov = result.enriched.provenance
    return [
        {
            **component_data(c, hashes=True),
            "provenance": "known" if c.purl in prov and prov[c.purl].known else "unknown",
        }
        for c in result.inventory.components
    ]


def _findings(result: ScanResult) -> list[dict[str, Any]]:
    out = []
    for f in result.findings:
        data = {"id": fingerprint(f), **asdict(f)}
        data["chain"] = list(f.chain)
        data["evidence"] = [asdict(e) for e in f.evidence]
        data["locations"] = [{"path": p, "line": line} for p, line in f.locations]
        data["paths"] = [list(p) for p in f.paths]
        out.append(data)
    return out


def record(result: ScanResult) -> dict[str, Any]:
    """The evidence record as plain data, ``record_sha256`` included."""
    inv = result.inventory
    cov = result.coverage
    sources, facts = _provenance(result)
    # The full knowledge-base hash, once the ScanResult carries it (the label has a prefix).
    feed_hash = result.feed_hash or None
    data: dict[str, Any] = {
        "record_version": RECORD_VERSION,
        "statement": STATEMENT,
        "tool": {"name": "icts-scan", "version": result.tool_version},
        "feeds": {"version": result.feed_version, "content_hash": feed_hash, "as_of": result.as_of},
        "profile": result.profile,
        "policy": {
            "fail_on": result.fail_on,
            "waivers": [
                {**asdict(u.waiver), "state": u.state, "findings": u.findings, "note": u.note}
                for u in result.waivers
            ],
            "acceptances": [
                {**asdict(u.acceptance), "state": u.state, "findings": u.findings}
                for u in result.acceptances
            ],
            # A string: floats have no portable canonical form (see canonical()).
            "fail_on_unknown_above": None
            if result.fail_on_unknown_above is None
            else format(result.fail_on_unknown_above, "g"),
        },
        "scan": {
            "root": inv.root,
            "started": result.started,
            "finished": result.finished,
            "complete": not result.incomplete,
            "sbom_serial": cyclonedx_json_report.document(result)["serialNumber"],
        },
        # Integers only (milliseconds): floats have no portable canonical form.
        "stages": [
            {
                "name": s.name,
                "status": s.status,
                "detail": s.detail,
                "milliseconds": round(s.seconds * 1000),
            }
            for s in result.stages
        ],
        "coverage": {
            "components": cov.components,
            "known": cov.known,
            "first_party": cov.first_party,
            "reasons": dict(cov.reasons),
            "by_source": {
                k: dict(sorted(v.items()))
                for k, v in sorted(result.enriched.coverage.by_source.items())
            },
            "unknown": [{"purl": p, "reason": r, "detail": d} for p, r, d in cov.unknown],
        },
        "inputs": [asdict(f) for f in inv.files],
        "input_issues": [asdict(i) for i in inv.issues],
        "components": _components(result),
        "sources": sources,
        "facts": facts,
        "summary": counts(result),
        "findings": _findings(result),
    }
    data[HASHED] = digest(data)
    return data


def render(result: ScanResult) -> str:
    """The record as ASCII JSON: every non-ASCII or control character escaped, so no hostile
    text can reorder or hide what a reader sees; the hash is over the canonical form."""
    return json.dumps(record(result), indent=2, ensure_ascii=True) + "\n"
