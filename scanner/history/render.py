"""History answers as a table, JSON or Markdown (new since the last run also as SARIF)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from scanner.diff import report as diff_report
from scanner.history.depends import Dependent
from scanner.history.since import SinceLastRun
from scanner.history.trends import Day
from scanner.report import markdown
from scanner.report.common import SEVERITIES, finding_data
from scanner.runs.codec import waiver_use_data

FORMATS = ("table", "json", "markdown")
NEW_FORMATS = (*FORMATS, "sarif")
HISTORY_VERSION = "1.0"
MAX_ROWS = 30
md = markdown.md


def _clean(text: str, width: int = 80) -> str:
    safe = "".join(ch if ch.isprintable() else "?" for ch in text)
    return safe if len(safe) <= width else safe[: width - 1] + "…"


def _table(head: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    return [
        "| " + " | ".join(head) + " |",
        "|" + " --- |" * len(head),
        *("| " + " | ".join(r) + " |" for r in rows),
        "",
    ]


def new_document(h: SinceLastRun) -> dict[str, Any]:
    doc = diff_report.document(h.diff)
    doc.pop("diff_version")
    doc["summary"].update(gone_findings=len(h.gone), expired_waivers=len(h.expired))
    return {
        "history_version": HISTORY_VERSION,
        "repository": h.repository,
        "run": asdict(h.run),
        "previous": asdict(h.previous) if h.previous else None,
        **doc,
        "gone_findings": [finding_data(f) for f in h.gone],
        "expired_waivers": [waiver_use_data(u) for u in h.expired],
    }


def new_table(h: SinceLastRun) -> str:
    first = f"icts-scan history: {_clean(h.repository, 100)}, what is new since the last run"
    if h.previous is None:
        first += " (no earlier run: everything is new)"
    lines = [first, diff_report.table(h.diff).rstrip("\n")]
    if h.gone:
        lines += ["", "FINDINGS GONE"]
        lines += [
            f"  {f.severity.upper():9} {f.check:14} {_clean(f.purl, 60)}" for f in h.gone[:MAX_ROWS]
        ]
    if h.expired:
        lines += ["", "WAIVERS THAT EXPIRED"]
        lines += [
            f"  {_clean(u.waiver.id, 30)}: {_clean(u.waiver.purl, 60)} ({u.waiver.expires})"
            for u in h.expired
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
        *_table(
            ("What", "Count"),
            [
                ("New findings (not waived)", str(s["new_findings"])),
                ("Findings gone", str(len(h.gone))),
                ("New components", str(s["new_components"])),
                ("Changed versions", str(s["changed_versions"])),
                ("Provenance changes of kept packages", str(s["provenance_changes"])),
                ("Waivers that expired", str(len(h.expired))),
                ("Waivers gone stale", str(s["stale_waivers"])),
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
            *_table(("Severity", "Check", "Component", "Entity"), rows),
        ]
    if h.diff.provenance:
        rows = [
            (md(p.package, 120), md(p.what, 40), md(p.value, 120), md(p.source, 30))
            for p in h.diff.provenance[:MAX_ROWS]
        ]
        tail += [
            "### Provenance changes of kept packages",
            "",
            *_table(("Package", "New", "Value", "Source"), rows),
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
            *_table(("Waiver", "State", "Waived", "Note"), rows),
        ]
    added = [markdown.esc(c.purl, 120) for c in h.diff.added]
    if added:
        shown = "".join(f"<li>{a}</li>" for a in added[:MAX_ROWS])
        more = (
            f"<li>… {len(added) - MAX_ROWS} more in the JSON report</li>"
            if len(added) > MAX_ROWS
            else ""
        )
        tail += [
            f"<details><summary>New components ({len(added)})</summary><ul>{shown}{more}</ul></details>",
            "",
        ]
    text, body = "\n".join(lines) + "\n", "\n".join(tail) + "\n"
    active = [f for f in h.diff.new_findings if not f.waiver]
    budget = limit - markdown.size(text) - markdown.size(body) - 200
    blocks = []
    for n, f in enumerate(active[: markdown.MAX_FINDINGS], 1):
        block = markdown.finding_block(n, f) + "\n"
        if markdown.size(block) > budget:
            break
        blocks.append(block)
        budget -= markdown.size(block)
    if active:
        text += (
            f"### New findings ({len(blocks)} of {len(active):,}, most severe first)\n\n"
            + "".join(blocks)
        )
        if len(blocks) < len(active):
            text += f"_{len(active) - len(blocks):,} more in the JSON and SARIF reports._\n\n"
    return text + body


def render_new(fmt: str, h: SinceLastRun) -> str:
    if fmt == "json":
        return json.dumps(new_document(h), indent=2, ensure_ascii=False) + "\n"
    if fmt == "sarif":
        return diff_report.render("sarif", h.diff)
    return new_comment(h) if fmt == "markdown" else new_table(h)


def render_trends(fmt: str, days: list[Day], top: int = 8) -> str:
    if fmt == "json":
        data = [{**asdict(d), "findings": d.findings} for d in days]
        return (
            json.dumps(
                {"history_version": HISTORY_VERSION, "days": data}, indent=2, ensure_ascii=False
            )
            + "\n"
        )
    totals: dict[str, int] = {}
    for d in days:
        for e, n in d.by_entity.items():
            totals[e] = totals.get(e, 0) + n
    entities = sorted(totals, key=lambda e: (-totals[e], e))[:top]
    if fmt == "markdown":
        rows = [
            (d.day, str(d.repositories), *(str(d.by_severity[s]) for s in SEVERITIES)) for d in days
        ]
        out = [
            "## icts-scan: findings over time",
            "",
            *_table(("Day", "Repositories", *SEVERITIES), rows),
        ]
        if entities:
            erows = [
                (md(e, 60), *(str(d.by_entity.get(e, 0)) for d in days[-10:])) for e in entities
            ]
            out += ["### Entities", "", *_table(("Entity", *(d.day for d in days[-10:])), erows)]
        return "\n".join(out)
    lines = [f"{'DAY':10} {'REPOS':>5} " + " ".join(f"{s.upper():>8}" for s in SEVERITIES)]
    lines += [
        f"{d.day:10} {d.repositories:>5} " + " ".join(f"{d.by_severity[s]:>8}" for s in SEVERITIES)
        for d in days
    ]
    if entities:
        recent = days[-7:]
        lines += ["", f"{'ENTITY':24} " + " ".join(f"{d.day[5:]:>6}" for d in recent)]
        lines += [
            f"{_clean(e, 24):24} " + " ".join(f"{d.by_entity.get(e, 0):>6}" for d in recent)
            for e in entities
        ]
    if not days:
        lines.append("(no runs recorded in this period)")
    return "\n".join(lines) + "\n"


def render_depends(fmt: str, question: str, found: list[Dependent]) -> str:
    if fmt == "json":
        data = {
            "history_version": HISTORY_VERSION,
            "question": question,
            "repositories": [asdict(d) for d in found],
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        rows = [
            (
                md(d.repository, 150),
                str(d.run_id),
                md(d.started),
                str(len(d.packages)),
                str(d.findings),
                md(d.severity or "-"),
                md(", ".join(d.packages[:5]), 400),
            )
            for d in found
        ]
        head = ("Repository", "Run", "Started", "Packages", "Findings", "Most severe", "Examples")
        return "\n".join(
            [
                f"## icts-scan: repositories that depend on {md(question, 150)}",
                "",
                f"{len(found)} repositories (latest run of each).",
                "",
                *_table(head, rows),
            ]
        )
    lines = [f"{len(found)} repositories depend on {_clean(question, 100)} (latest run of each)"]
    for d in found:
        lines.append(
            f"  {_clean(d.repository, 70)}  run {d.run_id} ({d.started[:10]}): {len(d.packages)} packages, {d.findings} findings"
            + (f", most severe {d.severity}" if d.severity else "")
        )
        lines += [f"      {_clean(p, 100)}" for p in d.packages[:5]]
        if len(d.packages) > 5:
            lines.append(f"      … {len(d.packages) - 5} more")
    return "\n".join(lines) + "\n"
