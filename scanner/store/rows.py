"""A scan result as store rows. ``finding_row`` is the one place that maps a finding to columns."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from typing import Any

from scanner.assess.model import Finding
from scanner.pipeline import ScanResult
from scanner.report.common import finding_data
from scanner.runs.codec import acceptance_use_data, component_data, fact_data, waiver_use_data

Row = dict[str, Any]
MAX_REASON = 500


def dumps(data: Any) -> str:
    """Canonical JSON: the same data gives the same text (and the same content address).

    ASCII only: NUL and the lone surrogates of undecodable file names travel as escapes, which
    both databases store and ``json.loads`` restores exactly.
    """
    return json.dumps(data, sort_keys=True, ensure_ascii=True, separators=(",", ":"))


def text(value: str) -> str:
    """A string either database accepts: NUL (PostgreSQL refuses it) and lone surrogates (not
    UTF-8) replaced. Only query columns get this; the JSON columns keep the exact text."""
    value = value.replace("\x00", "\ufffd")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value


def clean(row: Row) -> Row:
    """``text`` applied to every string of a row (registry text is hostile input)."""
    return {k: text(v) if isinstance(v, str) else v for k, v in row.items()}


def package_of(purl: str) -> str:
    """The purl without its version: the package at any version."""
    return purl.split("@", 1)[0] if "@" in purl[4:] else purl.split("?", 1)[0]


def namespace_of(purl: str) -> str:
    """The purl's namespace (npm scope, Maven groupId, Go module path owner), '' when none."""
    from packageurl import PackageURL

    try:
        return PackageURL.from_string(purl).namespace or ""
    except ValueError:
        return ""


def run_key(result: ScanResult, repository: str, revision: str | None) -> str:
    """What makes two recordings the same run: recording it again changes nothing."""
    content = {
        "repository": repository,
        "revision": revision,
        "started": result.started,
        "finished": result.finished,
        "tool": result.tool_version,
        "feeds": [result.feed_version, result.feed_hash],
        "policy": [result.profile, result.fail_on],
        "components": sorted(c.purl for c in result.inventory.components),
        "findings": sorted(
            f"{f.identity}|{f.purl}|{f.severity}|{f.waiver}|{f.accepted}" for f in result.findings
        ),
    }
    return hashlib.sha256(dumps(content).encode()).hexdigest()


def finding_row(f: Finding) -> Row | None:
    """Columns for one finding; None for what the store keeps as coverage instead.

    Queries filter on the columns; ``data`` keeps the whole finding as the JSON report writes
    it, so fields added to the model are stored (and read back) without a migration.
    """
    if f.outcome == "unknown":  # unknown provenance is coverage (the coverage table)
        return None
    return {
        "identity": f.identity,
        "purl": f.purl,
        "package": package_of(f.purl),
        "check": f.check,
        "outcome": f.outcome,
        "tier": f.tier,
        "severity": f.severity,
        "entity": f.entity,
        "entity_name": f.entity_name,
        "jurisdiction": f.jurisdiction,
        # Delimited so that "which repositories depend on entity X" also finds X's subsidiaries.
        "chain": "|" + "|".join(dict.fromkeys((*([f.entity] if f.entity else []), *f.chain))) + "|",
        "waiver": f.waiver,
        "accepted": f.accepted,
        "data": dumps(finding_data(f)),
    }


def run_row(result: ScanResult, **given: Any) -> Row:
    """The run's own row; ``given`` adds key, repository, revision, kind, as_of, recorded."""
    rows = [r for r in map(finding_row, result.findings) if r is not None]
    own = result.project
    return {
        **given,
        "started": result.started,
        "finished": result.finished,
        "tool_version": result.tool_version,
        "feeds_version": result.feed_version,
        "feeds_hash": result.feed_hash,
        "profile": result.profile,
        "fail_on": result.fail_on,
        "incomplete": result.incomplete,
        "components": len(result.inventory.components),
        "findings": sum(1 for r in rows if r["waiver"] is None and r["accepted"] is None),
        "stages": dumps([asdict(s) for s in result.stages]),
        "inputs": dumps([asdict(f) for f in result.inventory.files]),
        "issues": dumps([asdict(i) for i in result.inventory.issues]),
        "projects": dumps(result.projects),
        "acceptances": dumps([acceptance_use_data(u) for u in result.acceptances]),
        "project": dumps(
            {
                "facts": [fact_data(f) for f in own.facts] if own else [],
                "statuses": [asdict(s) for s in own.statuses] if own else [],
            }
        ),
    }


def component_rows(result: ScanResult) -> list[Row]:
    return [
        {
            "purl": c.purl,
            "package": package_of(c.purl),
            "ecosystem": c.ecosystem,
            "namespace": namespace_of(c.purl),
            "name": c.name,
            "version": c.version,
            "data": dumps(component_data(c)),
        }
        for c in result.inventory.components
    ]


def fact_rows(result: ScanResult) -> dict[str, Row]:
    """Facts by content address."""
    out: dict[str, Row] = {}
    for prov in result.enriched.provenance.values():
        for f in prov.facts:
            data = dumps(fact_data(f))
            fid = hashlib.sha256(data.encode()).hexdigest()
            out[fid] = {
                "id": fid,
                "purl": f.purl,
                "kind": f.kind,
                "value": f.value,
                "source": f.source,
                "data": data,
            }
    return out


def status_rows(result: ScanResult) -> list[Row]:
    rows: dict[tuple[str, str], Row] = {}
    for purl, prov in result.enriched.provenance.items():
        for s in prov.statuses:
            rows.setdefault(
                (purl, s.source),
                {
                    "purl": purl,
                    "source": s.source,
                    "status": s.status,
                    "reason": s.reason[:MAX_REASON],
                    "url": s.url,
                },
            )
    return list(rows.values())


def coverage_rows(result: ScanResult) -> list[Row]:
    """How many components stayed unknown, per reason (the scan's coverage, not findings)."""
    return [{"reason": r, "components": n} for r, n in sorted(result.coverage.reasons.items())]


def waiver_rows(result: ScanResult) -> list[Row]:
    return [
        {
            "waiver_id": u.waiver.id,
            "purl": u.waiver.purl,
            "check": u.waiver.check,
            "state": u.state,
            "expires": u.waiver.expires,
            "findings": u.findings,
            "data": dumps(waiver_use_data(u)),
        }
        for u in result.waivers
    ]
