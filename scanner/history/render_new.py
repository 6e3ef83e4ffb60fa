"""What is new since the last run, as a table, JSON, Markdown (job summary) or SARIF."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from scanner.diff import report as diff_report
from scanner.history.render import FORMATS, HISTORY_VERSION, MAX_ROWS, clean, md, table
from scanner.history.since import SinceLastRun
from scanner.report import markdown
from scanner.report.common import finding_data
from scanner.runs.codec import acceptance_use_data, waiver_use_data

NEW_FORMATS = (*FORMATS, "sarif")


def new_document(h: SinceLastRun) -> dict[str, Any]:
    doc = diff_report.document(h.diff)
    doc.pop("diff_version")
    doc["summary"].update(
        gone_findings=len(h.gone),
        expired_waivers=len(h.expired),
        expired_acceptances=len(h.expired_acceptances),
    )
    return {
        "history_version": HISTORY_VERSION,
        "repository": h.repository,
        "run": asdict(h.run),
        "previous": asdict(h.previous) if h.previous else None,
        **doc,
        "gone_findings": [finding_data(f) for f in h.gone],
        "expired_waivers": [waiver_use_data(u) for u in h.expired],
        "expired_acceptances": [acceptance_use_data(u) for u in h.expired_acceptances],
    }


def new_table(h: SinceLastRun) -> str:
    first = f"icts-scan history: {clean(h.repository, 100)}, what is new since the last run"
    if h.previous is None:
        first += " (no earlier run: everything is new)"
    lines = [first, diff_report.table(h.diff).rstrip("\n")]
    if h.gone:
        lines += ["", "FINDINGS GONE"]
        lines += [
            f"  {f.severity.upper():9} {f.check:14} {clean(f.purl, 60)}" for f in h.gone[:MAX_ROWS]
        ]
    if h.expired:
        lines += ["", "WAIVERS THAT EXPIRED"]
        lines += [
            f"  {clean(u.waiver.id, 30)}: {clean(u.waiver.purl, 60)} ({u.waiver.expires})"
            for u in h.expired
        ]
    if h.expired_acceptances:
        lines += ["", "ACCEPTED RISKS THAT EXPIRED"]
        lines += [
            f"  {clean(u.acceptance.id, 30)}: {u.acceptance.scope} {clean(u.acceptance.value, 60)}"
            f" ({u.acceptance.expires})"
            for u in h.expired_acceptances
        ]
    return "\n".join(lines) + "\n"


def new_comment(h: SinceLastRun, limit: int = markdown.MAX_CHARS) -> str:
    """A job summary or issue comment with only what is new (most severe first)."""
    s = diff_report.summary(h.diff)
    fail_on = h.diff.fail_on
    over = s["new_at_or_above_fail_on"]
    since = f"run {h.previous.id} of {md(h.previous.started)}" if h.previous else "no earlier run"
    lines = [
        f"## icts-scan: new in {md(h.repository, 150)}",
        "",
        f"**{over:,} new finding{'s' if over != 1 else ''} at or above {md(fail_on)}.** "
        f"Run {h.run.id} of {md(h.run.started)}"
        + (f" (`{md(h.run.revision[:12])}`)" if h.run.revision else "")
        + f", compared with {since}.",
        "",
        *table(
            ("What", "Count"),
            [
                ("New findings (not waived)", str(s["new_findings"])),
                ("Findings gone", str(len(h.gone))),
                ("New components", str(s["new_components"])),
                ("Changed versions", str(s["changed_versions"])),
                ("Provenance changes of kept packages", str(s["provenance_changes"])),
                ("Waivers that expired", str(len(h.expired))),
                ("Waivers gone stale", str(s["stale_waivers"])),
                ("Accepted risks that expired", str(len(h.expired_acceptances))),
            ],
        ),
    ]
    tail = []
    if h.gone:
        rows = [
            (
                md(f.severity),
                md(f.check, 40),
                md(f.purl, 150),
                md(f.entity_name or f.entity or "", 80),
            )
            for f in h.gone[:MAX_ROWS]
        ]
        tail += [
            "### Findings gone",
            "",
            *table(("Severity", "Check", "Component", "Entity"), rows),
        ]
    if h.diff.provenance:
        rows = [
            (md(p.package, 120), md(p.what, 40), md(p.value, 120), md(p.source, 30))
            for p in h.diff.provenance[:MAX_ROWS]
        ]
        tail += [
            "### Provenance changes of kept packages",
            "",
            *table(("Package", "New", "Value", "Source"), rows),
        ]
    waivers = [*h.expired, *h.diff.stale_waivers]
    if waivers:
        rows = [
            (
                md(u.waiver.id, 40),
                md(u.state),
                md(u.waiver.purl, 150),
                md(u.note or u.waiver.expires, 200),
            )
            for u in waivers[:MAX_ROWS]
        ]
        tail += [
            "### Waivers that expired or went stale",
            "",
            *table(("Waiver", "State", "Waived", "Note"), rows),
        ]
    if h.expired_acceptances:
        lapsed = [
            (md(a.id, 40), md(f"{a.scope} {a.value}", 150), md(a.expires))
            for a in (u.acceptance for u in h.expired_acceptances[:MAX_ROWS])
        ]
        tail += [
            "### Accepted risks that expired",
            "",
            "Their findings count again from this run on.",
            "",
            *table(("Acceptance", "Scope", "Expired"), lapsed),
        ]
    tail += diff_report.details("New components", [markdown.esc(c.purl, 120) for c in h.diff.added])
    text, body = "\n".join(lines) + "\n", "\n".join(tail) + "\n"
    active = [f for f in h.diff.new_findings if not f.excused]
    budget = limit - markdown.size(text) - markdown.size(body) - 200
    text += diff_report.findings_section(active, budget, "in the JSON and SARIF reports")
    return text + body


def render_new(fmt: str, h: SinceLastRun) -> str:
    if fmt == "json":
        return json.dumps(new_document(h), indent=2, ensure_ascii=False) + "\n"
    if fmt == "sarif":
        return diff_report.render("sarif", h.diff)
    return new_comment(h) if fmt == "markdown" else new_table(h)
