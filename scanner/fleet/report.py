"""Fleet reports: one row per repository (scanned or failed, with why), as table, JSON or Markdown."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from scanner.fleet.run import FleetResult
from scanner.report import markdown
from scanner.report.common import SEVERITIES

FORMATS = ("table", "json", "markdown")
FLEET_VERSION = "1.0"


def summary(fleet: FleetResult) -> dict[str, Any]:
    scanned = fleet.scanned
    return {
        "repositories": len(fleet.outcomes),
        "scanned": len(scanned),
        "failed": len(fleet.failed),
        "incomplete": sum(o.incomplete for o in scanned),
        "components": sum(o.components for o in scanned),
        "distinct_components": fleet.distinct,
        "findings": sum(o.findings for o in scanned),
        "at_or_above_fail_on": sum(o.at_or_above for o in scanned),
        "by_severity": {s: sum(o.by_severity.get(s, 0) for o in scanned) for s in SEVERITIES},
        "not_recorded": sum(bool(o.store_problem) for o in scanned),
    }


def document(fleet: FleetResult) -> dict[str, Any]:
    return {
        "fleet_version": FLEET_VERSION,
        **fleet.meta,
        "summary": summary(fleet),
        "lookup_problem": fleet.lookup_problem or None,
        "repositories": [asdict(o) for o in fleet.outcomes],
    }


def _clean(text: str, width: int) -> str:
    # Repository names and git messages may hold terminal escapes: never echo control characters.
    safe = "".join(ch if ch.isprintable() else "?" for ch in text)
    return safe if len(safe) <= width else safe[: width - 1] + "…"


def table(fleet: FleetResult) -> str:
    s = summary(fleet)
    fail_on = fleet.meta.get("fail_on", "high")
    lines = [
        f"icts-scan fleet: {s['scanned']} scanned, {s['failed']} failed of {s['repositories']} "
        f"repositories · {s['components']} components, {s['distinct_components']} distinct looked "
        f"up once · {s['findings']} findings ({s['at_or_above_fail_on']} at or above {fail_on})",
    ]
    if fleet.lookup_problem:
        lines.append(
            f"lookups failed, provenance unknown everywhere: {_clean(fleet.lookup_problem, 200)}"
        )
    lines += [
        "",
        f"{'STATUS':8} {'FINDINGS':>8} {'>=' + fail_on:>9} {'COMPONENTS':>10}  REPOSITORY",
    ]
    for o in fleet.outcomes:
        if o.status == "failed":
            lines += [
                f"{'FAILED':8} {'-':>8} {'-':>9} {'-':>10}  {_clean(o.repository, 100)}",
                f"{'':10}{_clean(o.reason, 160)}",
            ]
            continue
        status = "partial" if o.incomplete else "ok"
        lines.append(
            f"{status:8} {o.findings:>8} {o.at_or_above:>9} {o.components:>10}  {_clean(o.repository, 100)}"
        )
        if o.store_problem:
            lines.append(f"{'':10}not recorded: {_clean(o.store_problem, 160)}")
    return "\n".join(lines) + "\n"


def comment(fleet: FleetResult) -> str:
    md = markdown.md
    s = summary(fleet)
    fail_on = fleet.meta.get("fail_on", "high")
    lines = [
        "## icts-scan fleet",
        "",
        f"**{s['scanned']} scanned, {s['failed']} failed** of {s['repositories']} repositories; "
        f"{s['distinct_components']:,} distinct components looked up once for "
        f"{s['components']:,} in all; {s['at_or_above_fail_on']:,} findings at or above {md(fail_on)}.",
        "",
        "| Repository | Status | Findings | At or above | Components | Note |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    for o in fleet.outcomes:
        if o.status == "failed":
            lines.append(f"| {md(o.repository, 150)} | failed | | | | {md(o.reason, 300)} |")
        else:
            note = (
                md("not recorded: " + o.store_problem, 300)
                if o.store_problem
                else ("incomplete" if o.incomplete else "")
            )
            lines.append(
                f"| {md(o.repository, 150)} | scanned | {o.findings} | {o.at_or_above} | {o.components} | {note} |"
            )
    return "\n".join(lines) + "\n"


def render(fmt: str, fleet: FleetResult) -> str:
    if fmt == "json":
        return json.dumps(document(fleet), indent=2, ensure_ascii=False) + "\n"
    return comment(fleet) if fmt == "markdown" else table(fleet)


def exit_code(fleet: FleetResult, strict: bool) -> int:
    """1 findings at or above fail-on anywhere; 2 a run not recorded; 3 failed or incomplete (strict)."""
    if any(o.store_problem for o in fleet.scanned):
        return 2
    if any(o.at_or_above for o in fleet.scanned):
        return 1
    return 3 if strict and (fleet.failed or any(o.incomplete for o in fleet.scanned)) else 0
