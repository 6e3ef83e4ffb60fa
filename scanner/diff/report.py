"""Reports of ``icts-scan diff``: table, JSON, Markdown (PR comment) and SARIF of the new findings."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, replace
from typing import Any

from scanner.assess.model import SEVERITY_RANK, Finding
from scanner.diff.changes import DiffResult, Revision
from scanner.report import markdown, sarif
from scanner.report.common import SEVERITIES, component_data, coverage_data, finding_data
from scanner.text import plain

FORMATS = ("table", "json", "markdown", "sarif")
DIFF_VERSION = "1.0"
MAX_ROWS = 20


def render(fmt: str, d: DiffResult, color: bool = False) -> str:
    """The report in ``fmt`` (one of FORMATS)."""
    if fmt == "json":
        return json.dumps(document(d), indent=2, ensure_ascii=False) + "\n"
    if fmt == "sarif":
        # Only what the change introduces, so code scanning on the PR shows just that.
        return sarif.render(replace(d.head_scan, findings=d.new_findings))
    if fmt == "markdown":
        return comment(d)
    return table(d, color)


def _label(r: Revision) -> str:
    return f"{_clean(r.name, 40)} ({r.commit[:12]})" if r.commit else _clean(r.name, 40)


def _md_label(r: Revision) -> str:
    return markdown.md(r.name, 80) + (f" (`{r.commit[:12]}`)" if r.commit else "")


def summary(d: DiffResult) -> dict[str, Any]:
    """Counts of what the change introduces."""
    active = [f for f in d.new_findings if not f.excused]
    limit = SEVERITY_RANK[d.fail_on]
    return {
        "new_components": len(d.added),
        "changed_versions": len(d.changed),
        "removed_components": len(d.removed),
        "new_findings": len(active),
        "new_findings_waived": len(d.new_findings) - len(active),
        "new_at_or_above_fail_on": sum(1 for f in active if SEVERITY_RANK[f.severity] >= limit),
        "new_by_severity": {s: sum(1 for f in active if f.severity == s) for s in SEVERITIES},
        "provenance_changes": len(d.provenance),
        "stale_waivers": len(d.stale_waivers),
        "policy_changes": len(d.policy_changes),
        # All findings at head that count (not waived or accepted), new or not.
        "head_findings": sum(1 for f in d.head_scan.findings if not f.excused),
        "incomplete": d.incomplete,
    }


def document(d: DiffResult) -> dict[str, Any]:
    """The diff report as plain data."""
    head = d.head_scan
    return {
        "diff_version": DIFF_VERSION,
        "tool": {"name": "icts-scan", "version": head.tool_version},
        "feeds": {"version": head.feed_version},
        "profile": head.profile,
        "fail_on": d.fail_on,
        "base": {"rev": d.base.name, "commit": d.base.commit},
        "head": {"rev": d.head.name, "commit": d.head.commit},
        "summary": summary(d),
        "new_components": [component_data(c) for c in d.added],
        "changed_versions": [asdict(v) for v in d.changed],
        "removed_components": [component_data(c) for c in d.removed],
        "new_findings": [finding_data(f) for f in d.new_findings],
        "provenance_changes": [asdict(p) for p in d.provenance],
        "stale_waivers": [
            {**asdict(u.waiver), "state": u.state, "note": u.note} for u in d.stale_waivers
        ],
        "coverage": coverage_data(head),
        "policy": {"source": d.policy_source, "changes": list(d.policy_changes)},
        "stages": {
            "base": [asdict(s) for s in d.base_scan.stages],
            "head": [asdict(s) for s in head.stages],
        },
        "inputs": {
            "base": [asdict(f) for f in d.base_scan.inventory.files],
            "head": [asdict(f) for f in head.inventory.files],
        },
        "issues": [asdict(i) for i in head.inventory.issues],
    }


def _clean(text: str, width: int = 80) -> str:
    # Paths, versions and registry text may hold escapes or workflow commands: never echo them.
    return plain(text, width)


def _more(shown: int, total: int, what: str) -> list[str]:
    return [f"  … {total - shown} more {what} (see --report json)"] if total > shown else []


def _section(title: str, rows: list[str], total: int, what: str) -> list[str]:
    """A titled block of at most MAX_ROWS rows (already cut), saying how many more there are."""
    return ["", title, *rows, *_more(len(rows), total, what)] if total else []


def table(d: DiffResult, color: bool = False) -> str:
    """Plain text for a terminal."""
    s = summary(d)
    lines = [
        f"icts-scan diff {_label(d.base)} → {_label(d.head)} · profile {d.head_scan.profile}",
        f"{s['new_components']} new components · {s['changed_versions']} changed versions · "
        f"{s['removed_components']} removed · {s['new_findings']} new findings "
        f"({s['new_at_or_above_fail_on']} at or above {d.fail_on}, "
        f"{s['new_findings_waived']} waived) · {s['provenance_changes']} provenance changes · "
        f"{s['stale_waivers']} stale waivers",
    ]
    lines += [f"stage {x.name}: {x.status} ({x.detail})" for x in d.head_scan.stages]
    active = [f for f in d.new_findings if not f.excused]
    shown = active[:MAX_ROWS]
    if d.policy_changes:
        lines += [
            "",
            f"POLICY CHANGES (judged by {_clean(d.policy_source, 120)}, not by the change)",
        ]
        lines += [f"  {_clean(c, 160)}" for c in d.policy_changes[:MAX_ROWS]]
        lines += _more(
            min(MAX_ROWS, len(d.policy_changes)), len(d.policy_changes), "policy changes"
        )
    if shown:
        lines += ["", "NEW FINDINGS", f"{'SEVERITY':9} {'CHECK':14} {'COMPONENT':48} ENTITY"]
    for f in shown:
        sev = f.severity.upper()
        if color and f.severity in ("critical", "high"):
            sev = f"\033[31m{sev:9}\033[0m"
        who = _clean(f.entity_name or f.jurisdiction or "-", 40)
        lines += [
            f"{sev:9} {f.check:14} {_clean(f.purl or f'{len(f.components)} components', 48):48} {who}",
            f"{'':10}{_clean(f.reason, 110)}",
        ]
    lines += _more(len(shown), len(active), "new findings")
    lines += _section(
        "CHANGED VERSIONS",
        [
            f"  {_clean(v.name, 50)}: {_clean(', '.join(v.base), 60)} → {_clean(', '.join(v.head), 60)}"
            for v in d.changed[:MAX_ROWS]
        ],
        len(d.changed),
        "changed versions",
    )
    lines += _section(
        "PROVENANCE CHANGES OF KEPT PACKAGES",
        [
            f"  {_clean(p.package, 50)}: new {p.what} {_clean(p.value, 60)} ({_clean(p.source, 30)})"
            for p in d.provenance[:MAX_ROWS]
        ],
        len(d.provenance),
        "provenance changes",
    )
    if d.stale_waivers:
        lines += ["", "STALE WAIVERS (bound to the base version)"]
        lines += [f"  {_clean(u.waiver.id, 30)}: {_clean(u.note, 100)}" for u in d.stale_waivers]
    if d.incomplete:
        lines += ["", "incomplete: unknown provenance on at least one side is not a clean result"]
    return "\n".join(lines) + "\n"


def _md_table(head: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    return out + ["| " + " | ".join(row) + " |" for row in rows] + [""]


def details(title: str, items: list[str], limit: int = 30) -> list[str]:
    """A collapsed list (one HTML block: the items are already escaped)."""
    if not items:
        return []
    shown = "".join(f"<li>{item}</li>" for item in items[:limit])
    more = f"<li>… {len(items) - limit} more in the JSON report</li>" if len(items) > limit else ""
    return [
        f"<details><summary>{title} ({len(items)})</summary><ul>{shown}{more}</ul></details>",
        "",
    ]


def _sections(d: DiffResult) -> list[str]:
    md = markdown.md
    lines: list[str] = []
    if d.policy_changes:
        lines += [
            "### ⚠️ This change edits the policy",
            "",
            f"It was judged by {md(d.policy_source, 200)}, not by the policy it brings: review "
            "these changes before merging.",
            "",
        ]
        lines += [f"- {md(c, 300)}" for c in d.policy_changes[:MAX_ROWS]]
        if len(d.policy_changes) > MAX_ROWS:
            lines.append(f"- … {len(d.policy_changes) - MAX_ROWS} more in the JSON report")
        lines.append("")
    if d.provenance:
        rows = [
            (
                md(p.package, 120),
                md(p.what, 40),
                md(p.value, 120),
                md(", ".join(p.before), 160),
                md(p.source, 30),
            )
            for p in d.provenance[:MAX_ROWS]
        ]
        lines += ["### Provenance changes of kept packages", ""]
        lines += _md_table(("Package", "New", "Value", "Before", "Source"), rows)
        if len(d.provenance) > MAX_ROWS:
            lines += [f"_{len(d.provenance) - MAX_ROWS} more in the JSON report._", ""]
    if d.stale_waivers:
        stale = [
            (md(u.waiver.id, 40), md(u.waiver.purl, 150), md(u.note, 200))
            for u in d.stale_waivers[:MAX_ROWS]
        ]
        lines += [
            "### Stale waivers",
            "",
            "Bound to the base version; the new version is a new transaction.",
            "",
        ]
        lines += _md_table(("Waiver", "Waived", "Note"), stale)
    esc = markdown.esc
    lines += details("New components", [esc(c.purl, 120) for c in d.added])
    lines += details("Removed components", [esc(c.purl, 120) for c in d.removed])
    changed = [
        f"{esc(v.name, 100)}: {esc(', '.join(v.base), 60)} → {esc(', '.join(v.head), 60)}"
        for v in d.changed
    ]
    lines += details("Changed versions", changed)
    lines += ["### Coverage", ""]
    if d.incomplete:
        lines += ["> ⚠️ **Incomplete scan:** unknown provenance is not a clean result.", ""]
    stages = [
        (side, md(s.name, 40), md(s.status, 20), md(s.detail, 200))
        for side, scan in (("base", d.base_scan), ("head", d.head_scan))
        for s in scan.stages
        if s.status != "ok" or side == "head"
    ]
    return lines + _md_table(("Revision", "Stage", "Status", "Detail"), stages)


def comment(d: DiffResult, limit: int = markdown.MAX_CHARS) -> str:
    """A sticky PR comment (found again by its marker): new findings only, then the changes."""
    md = markdown.md
    s = summary(d)
    active = [f for f in d.new_findings if not f.excused]
    over = s["new_at_or_above_fail_on"]
    verdict = (
        f"**{over:,} new finding{'s' if over != 1 else ''} at or above {md(d.fail_on)}.**"
        if over
        else f"**No new findings at or above {md(d.fail_on)}.**"
    )
    verdict += f" {len(active):,} new in total, {s['new_findings_waived']:,} waived."
    revs = f"Base {_md_label(d.base)} → head {_md_label(d.head)}."
    counts = [
        ("New components", s["new_components"]),
        ("Changed versions", s["changed_versions"]),
        ("Removed components", s["removed_components"]),
        ("Provenance changes of kept packages", s["provenance_changes"]),
        ("Stale waivers", s["stale_waivers"]),
        ("Policy changes (judged by the base policy)", s["policy_changes"]),
    ]
    head = (
        "\n".join(
            [
                markdown.MARKER,
                "## icts-scan: what this change introduces",
                "",
                verdict,
                "",
                revs,
                "",
                *_md_table(("Change", "Count"), [(k, str(v)) for k, v in counts]),
            ]
        )
        + "\n"
    )
    tail = (
        "\n".join(
            [
                *_sections(d),
                "---",
                f"icts-scan {md(d.head_scan.tool_version, 40)} · profile {md(d.head_scan.profile, 40)} · "
                f"feeds {md(d.head_scan.feed_version, 80)}. These are indicators for review, not legal "
                "determinations: only a component covered by an issued Final Determination is "
                "reported as prohibited.",
            ]
        )
        + "\n"
    )
    budget = limit - markdown.size(head) - markdown.size(tail) - 400
    rest = "not shown here; the SARIF and JSON reports list every new finding"
    return head + findings_section(active, budget, rest) + tail


def findings_section(active: Sequence[Finding], budget: int, rest: str) -> str:
    """New findings, most severe first, as many as fit in ``budget``; ``rest`` says where the others are."""
    blocks: list[str] = []
    for n, f in enumerate(active[: markdown.MAX_FINDINGS], 1):
        block = markdown.finding_block(n, f) + "\n"
        if markdown.size(block) > budget:
            break
        blocks.append(block)
        budget -= markdown.size(block)
    if not active:
        return ""
    body = f"### New findings ({len(blocks)} of {len(active):,}, most severe first)\n\n"
    body += "".join(blocks)
    if len(blocks) < len(active):
        body += f"_{len(active) - len(blocks):,} more {rest}._\n\n"
    return body
