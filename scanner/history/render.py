"""History answers as a table, JSON or Markdown: trends and who depends on what (new: render_new)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict

from scanner.history.depends import Dependent
from scanner.history.trends import Day
from scanner.report import markdown
from scanner.report.common import SEVERITIES

FORMATS = ("table", "json", "markdown")
HISTORY_VERSION = "1.0"
MAX_ROWS = 30
md = markdown.md


def clean(text: str, width: int = 80) -> str:
    """Untrusted text for a terminal: no control characters, at most ``width`` characters."""
    safe = "".join(ch if ch.isprintable() else "?" for ch in text)
    return safe if len(safe) <= width else safe[: width - 1] + "…"


def table(head: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    """A Markdown table (cells already escaped)."""
    return [
        "| " + " | ".join(head) + " |",
        "|" + " --- |" * len(head),
        *("| " + " | ".join(r) + " |" for r in rows),
        "",
    ]


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
            *table(("Day", "Repositories", *SEVERITIES), rows),
        ]
        if entities:
            erows = [
                (md(e, 60), *(str(d.by_entity.get(e, 0)) for d in days[-10:])) for e in entities
            ]
            out += ["### Entities", "", *table(("Entity", *(d.day for d in days[-10:])), erows)]
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
            f"{clean(e, 24):24} " + " ".join(f"{d.by_entity.get(e, 0):>6}" for d in recent)
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
                *table(head, rows),
            ]
        )
    lines = [f"{len(found)} repositories depend on {clean(question, 100)} (latest run of each)"]
    for d in found:
        lines.append(
            f"  {clean(d.repository, 70)}  run {d.run_id} ({d.started[:10]}): {len(d.packages)} packages, {d.findings} findings"
            + (f", most severe {d.severity}" if d.severity else "")
        )
        lines += [f"      {clean(p, 100)}" for p in d.packages[:5]]
        if len(d.packages) > 5:
            lines.append(f"      … {len(d.packages) - 5} more")
    return "\n".join(lines) + "\n"
