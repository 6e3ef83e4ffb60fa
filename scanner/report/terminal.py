"""The default terminal summary: counts, coverage and the most severe findings."""

from __future__ import annotations

import os

from scanner.pipeline import ScanResult
from scanner.report.common import SEVERITIES, counts

NAME = "table"
TITLE = "terminal table (default)"
EXTENSION = ".txt"

_COLORS = {"critical": "\033[1;31m", "high": "\033[31m", "medium": "\033[33m", "low": "\033[36m"}


def _clean(text: str, width: int) -> str:
    # Registry text may hold control characters (terminal escapes): never echo them.
    safe = "".join(ch if ch.isprintable() else "?" for ch in text)
    return safe if len(safe) <= width else safe[: width - 1] + "…"


def render(result: ScanResult, color: bool | None = None, limit: int = 30) -> str:
    """Plain text; colored severities only on a TTY without NO_COLOR."""
    if color is None:
        color = False
    summary = counts(result)
    cov = result.enriched.coverage
    known = (
        f"provenance known for {cov.known} of {cov.components}"
        if cov.components
        else "provenance not looked up"
    )
    lines = [
        f"icts-scan {result.tool_version} · profile {result.profile} · feeds {result.feed_version}",
        f"{len(result.inventory.components)} components · {known} · "
        + " ".join(f"{s} {summary['by_severity'][s]}" for s in SEVERITIES),
    ]
    lines.extend(f"stage {s.name}: {s.status} ({s.detail})" for s in result.stages)
    shown = [f for f in result.findings if not f.waiver and f.severity != "info"][:limit]
    if shown:
        lines.append("")
        lines.append(f"{'SEVERITY':9} {'CHECK':14} {'COMPONENT':48} ENTITY")
    for f in shown:
        sev = f.severity.upper()
        if color and f.severity in _COLORS:
            sev = f"{_COLORS[f.severity]}{sev:9}\033[0m"
        lines.append(
            f"{sev:9} {f.check:14} {_clean(f.purl, 48):48} {_clean(f.entity_name or f.jurisdiction or '-', 40)}"
        )
        lines.append(f"          {_clean(f.reason, 110)}")
    hidden = summary["findings"] - len(shown)
    if hidden > 0:
        lines.append(f"… {hidden} more (including informational); see --report json or html")
    if summary["waived"]:
        lines.append(f"{summary['waived']} findings covered by waivers")
    return "\n".join(lines) + "\n"


def use_color(stream_isatty: bool) -> bool:
    """Color only for a terminal, and never when NO_COLOR is set."""
    return stream_isatty and "NO_COLOR" not in os.environ
