"""The default terminal report: summary, coverage, one row per group of findings, policy state."""

from __future__ import annotations

import os

from scanner.assess.model import SEVERITY_RANK
from scanner.pipeline import ScanResult
from scanner.report.common import SEVERITIES, counts
from scanner.report.groups import Group, group, short
from scanner.text import plain

NAME = "table"
TITLE = "terminal table (default)"
EXTENSION = ".txt"

_COLORS = {"critical": "\033[1;31m", "high": "\033[31m", "medium": "\033[33m", "low": "\033[36m"}


def summary_lines(result: ScanResult) -> list[str]:
    """The two lines every scan prints (on stderr when reports go to files)."""
    total = counts(result)
    by_sev = " ".join(f"{s} {total['by_severity'][s]}" for s in SEVERITIES if s != "info")
    excused = total["waived"] + total["accepted"]
    return [
        f"icts-scan {result.tool_version} · profile {result.profile} · feeds {result.feed_version}"
        f" · as of {result.as_of or '-'}",
        f"{len(result.inventory.components)} components · {result.coverage.summary()} · "
        f"{len(group(result.findings))} groups of findings: {by_sev}"
        + (f" ({excused} waived or accepted)" if excused else ""),
    ]


def render(
    result: ScanResult,
    color: bool | None = None,
    limit: int | None = 30,
    min_severity: str = "low",
    show_unknown: bool = False,
) -> str:
    """Plain text; colored severities only on a TTY without NO_COLOR; ``limit=None`` shows all."""
    lines = summary_lines(result)
    lines.extend(plain(f"stage {s.name}: {s.status} ({s.detail})") for s in result.stages)
    if not result.csl_complete:
        lines.append("note: the shipped Consolidated Screening List is a sample (feeds update)")
    floor = SEVERITY_RANK[min_severity]
    groups = [g for g in group(result.findings) if SEVERITY_RANK[g.severity] >= floor]
    shown = groups if limit is None else groups[:limit]
    if shown:
        lines += ["", f"{'SEVERITY':9} {'CHECK':14} {'CAUSE':56} {'ENTITY':30}"]
    for g in shown:
        lines.extend(_group_lines(g, color))
    if len(groups) > len(shown):
        lines.append(f"… {len(groups) - len(shown)} more groups (see --report json or html)")
    hidden = sum(1 for g in group(result.findings) if SEVERITY_RANK[g.severity] < floor)
    if hidden:
        lines.append(f"{hidden} groups below {min_severity} not shown (--min-severity)")
    lines.extend(_policy_lines(result))
    lines.extend(_unknown_lines(result, show_unknown, limit))
    return "\n".join(lines) + "\n"


def _group_lines(g: Group, color: bool | None) -> list[str]:
    sev = g.severity.upper()
    if color and g.severity in _COLORS:
        sev = f"{_COLORS[g.severity]}{sev:9}\033[0m"
    f = g.first
    cause = g.title.rsplit(" — ", 1)[0]
    state = ""
    if g.excused == len(g.findings):
        state = " [waived]" if all(x.waiver for x in g.findings) else " [accepted risk]"
    out = [
        f"{sev:9} {f.check:14} {plain(cause, 56):56} {plain(g.entity_name or f.jurisdiction or '-', 30)}{state}",
        f"          {plain(f.reason, 110)}",
    ]
    if g.count > 1:
        names = ", ".join(short(p) for p in g.purls[:4])
        more = f", … {g.count - 4} more" if g.count > 4 else ""
        out.append(f"          {plain(names + more, 110)}")
    out.extend(f"          note: {plain(n, 200)}" for n in f.notes)
    return out


def _policy_lines(result: ScanResult) -> list[str]:
    out = [
        plain(f"waiver {u.waiver.id} {u.state}: {u.note or u.waiver.purl}")
        for u in result.waivers
        if u.state != "used"
    ]
    for a in result.acceptances:
        acc = a.acceptance
        what = f"{acc.scope} {acc.value}"
        if a.state == "used":
            out.append(
                plain(
                    f"accepted risk {acc.id} ({what}): {a.findings} findings, expires {acc.expires}"
                )
            )
        else:
            out.append(plain(f"acceptance {acc.id} {a.state} ({what})"))
    if result.unknown_over_limit:
        out.append(
            f"unknown provenance {result.coverage.unknown_fraction:.0%} is above the policy's "
            f"{result.fail_on_unknown_above:.0%} (fail-on-unknown-above)"
        )
    return ["", *out] if out else []


def _unknown_lines(result: ScanResult, show: bool, limit: int | None) -> list[str]:
    cov = result.coverage
    if not show or not cov.unknown:
        return []
    rows = cov.unknown if limit is None else cov.unknown[: max(limit, 1) * 10]
    out = ["", f"UNKNOWN PROVENANCE ({cov.unknown_count})"]
    out += [f"  {plain(p, 60):60} {reason:14} {plain(detail, 80)}" for p, reason, detail in rows]
    if len(rows) < len(cov.unknown):
        out.append(f"  … {len(cov.unknown) - len(rows)} more (see --report json)")
    return out


def use_color(stream_isatty: bool) -> bool:
    """Color only for a terminal, and never when NO_COLOR is set."""
    return stream_isatty and "NO_COLOR" not in os.environ
