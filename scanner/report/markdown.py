"""Markdown for a sticky PR comment or job summary, within GitHub's size limits."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from urllib.parse import unquote

from sbom.safe_text import no_surrogates
from scanner.assess.checks import CHECKS
from scanner.assess.coverage import REASONS
from scanner.assess.model import SEVERITY_RANK, Evidence, Finding
from scanner.pipeline import ScanResult
from scanner.report.common import SEVERITIES, counts
from scanner.report.groups import group

NAME = "markdown"
TITLE = "Markdown (PR comment / job summary)"
EXTENSION = ".md"

MARKER = "<!-- icts-scan -->"
# A PR comment body holds 65,536 characters (a job summary 1 MiB, which this also fits).
MAX_CHARS = 65_536
MAX_FINDINGS = 25
MAX_ROWS = 10
MAX_EVIDENCE = 10
MAX_MEMBERS = 50

_CHECK_ORDER = {record.id: n for n, (record, _) in enumerate(CHECKS)}
_TITLES = {record.id: record.title for record, _ in CHECKS}
# Control characters (ANSI escapes), bidi overrides and zero-width characters never pass.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
# Values never start a line (a label or a table pipe comes first), so the line-start syntax of
# lists, headings and quotes cannot trigger; these are the characters that act mid-line.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")
# GitHub turns "@name" into a mention (a notification) and "#12" into an issue reference, even
# inside HTML: a zero-width space keeps registry text from pinging people or linking issues.
_MENTION = re.compile(r"(?<!\w)@(?=\w)|#(?=\d)")


def _clean(text: str, limit: int) -> str:
    text = " ".join(_CONTROL.sub(" ", no_surrogates(text)).split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return _MENTION.sub(lambda m: m.group(0) + "\u200b", text)


def md(text: str, limit: int = 200) -> str:
    """Untrusted text as inert Markdown: HTML-escaped, then every Markdown special escaped."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(_clean(text, limit), quote=False))


def esc(text: str, limit: int = 200) -> str:
    """Untrusted text as inert HTML (inside <details>, where Markdown is not parsed)."""
    return html.escape(_clean(text, limit)).replace("|", "&#124;")


def size(text: str) -> int:
    """Length as GitHub counts it (JavaScript string length: UTF-16 code units)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _short(purl: str) -> str:
    rest = purl.split("/", 1)[1] if "/" in purl else purl
    return unquote(rest.split("?", 1)[0].split("#", 1)[0])


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _table(head: tuple[str, ...], rows: Iterable[tuple[object, ...]]) -> list[str]:
    aligns = ["---:" if h in ("Findings",) else "---" for h in head]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(aligns) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _evidence(items: tuple[Evidence, ...]) -> str:
    rows = ["<tr><th>Field</th><th>Value</th><th>Source</th><th>Strength</th><th>Note</th></tr>"]
    for e in items[:MAX_EVIDENCE]:
        source = esc(e.source, 60)
        if e.url and e.url.startswith(("https://", "http://")) and len(e.url) <= 300:
            source = f'<a href="{esc(e.url, 300)}">{source}</a>'
        elif e.url:
            source += " " + esc(e.url, 120)
        cells = (esc(e.field, 80), esc(e.value), source, esc(e.strength, 40), esc(e.note, 120))
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    if len(items) > MAX_EVIDENCE:
        more = f"{len(items) - MAX_EVIDENCE} more in the JSON or HTML report"
        rows.append(f'<tr><td colspan="5">{more}</td></tr>')
    # One HTML block (no blank line inside), so Markdown never parses the escaped values.
    summary = f"<details><summary>Evidence ({len(items)})</summary>"
    return "\n".join([summary, "<table>", *rows, "</table>", "</details>"])


def finding_block(n: int, f: Finding, title: str | None = None, purls: tuple[str, ...] = ()) -> str:
    where = ", ".join(f"{p}:{line}" if line else p for p, line in f.locations[:3])
    head = title or _TITLES.get(f.check, f.check)
    lines = [f"#### {n}. {f.severity.upper()} · {md(head, 160)}", ""]
    if f.components or len(purls) > 1:
        lines.append(
            f"**Check:** {md(_TITLES.get(f.check, f.check), 120)}"
            + (f" ({md(where, 300)})" if where else "")
            + "  "
        )
    else:
        lines.append(
            f"**Component:** {md(f.purl, 300)}" + (f" ({md(where, 300)})" if where else "") + "  "
        )
    who = []
    if f.entity_name or f.entity:
        chain = " → ".join(md(c, 60) for c in f.chain[1:5])
        who.append(f"**Entity:** {md(f.entity_name or f.entity or '', 120)}")
        who[-1] += f" (via {chain})" if chain else ""
    if f.jurisdiction:
        who.append(f"**Jurisdiction:** {md(f.jurisdiction, 20)}")
    who.append(f"**Confidence:** {md(f.confidence, 20)}")
    lines.append(" · ".join(who) + "  ")
    follows = bool(f.notes or f.listings or (f.paths and not f.components))
    lines.append(f"**Reason:** {md(f.reason, 500)}" + ("  " if follows else ""))
    lines.extend(f"**Note:** {md(note, 500)}  " for note in f.notes)
    if f.listings:
        lines.append("**Listings:** " + "; ".join(md(x, 200) for x in f.listings[:5]) + "  ")
    if f.paths and not f.components:
        path = " → ".join(md(_short(p), 100) for p in f.paths[0][:8])
        more = f" (and {_plural(len(f.paths) - 1, 'other path')})" if len(f.paths) > 1 else ""
        lines.append(f"**Dependency path:** {path}{more}")
    members = purls or f.components
    if len(members) > 1:
        items = "".join(f"<li>{esc(p, 300)}</li>" for p in members[:MAX_MEMBERS])
        more = (
            f"<li>… {len(members) - MAX_MEMBERS} more in the JSON report</li>"
            if len(members) > MAX_MEMBERS
            else ""
        )
        lines += [
            "",
            f"<details><summary>Components ({len(members):,})</summary><ul>{items}{more}</ul></details>",
        ]
    if f.evidence:
        lines += ["", _evidence(f.evidence)]
    return "\n".join([*lines, ""])


def _head(result: ScanResult, active: list[Finding]) -> list[str]:
    summary = counts(result)
    over, fail_on = summary["at_or_above_fail_on"], md(result.fail_on)
    groups = group(active)
    verdict = f"**{_plural(over, 'finding') if over else 'No findings'} at or above {fail_on}.**"
    verdict += f" {summary['findings']:,} in total in {_plural(len(groups), 'group')}"
    verdict += f", {summary['waived']:,} waived, {summary['accepted']:,} accepted risk."
    lines = [MARKER, "## icts-scan", "", verdict, ""]
    sev = [(s, summary["by_severity"][s]) for s in SEVERITIES if s != "info"]
    rows = [*sev, ("waived", summary["waived"]), ("accepted risk", summary["accepted"])]
    lines += _table(("Severity", "Findings"), rows)
    names: dict[str, tuple[str, str]] = {}
    for f in active:
        if f.entity and f.entity not in names:
            names[f.entity] = (f.entity_name or f.entity, f.jurisdiction or "")
    entities = list(summary["by_entity"].items())
    if entities:
        lines += ["### By entity", ""]
        table: list[tuple[object, ...]] = [
            (md(names[e][0], 80), md(names[e][1], 20), n) for e, n in entities[:MAX_ROWS]
        ]
        if len(entities) > MAX_ROWS:
            table.append((f"… {len(entities) - MAX_ROWS} more", "", ""))
        lines += _table(("Entity", "Jurisdiction", "Findings"), table)
    places = list(summary["by_jurisdiction"].items())
    if places:
        lines += ["### By jurisdiction", ""]
        lines += _table(("Jurisdiction", "Findings"), [(md(j, 20), n) for j, n in places[:20]])
    return lines


def _coverage(result: ScanResult) -> list[str]:
    cov = result.coverage
    lines = ["### Coverage", ""]
    if result.incomplete:
        lines += ["> ⚠️ **Incomplete scan:** unknown provenance is not a clean result.", ""]
    known = (
        f"Provenance known for {cov.known:,} of {_plural(cov.components, 'third-party component')}"
    )
    known += f" ({cov.first_party:,} first-party not looked up)." if cov.first_party else "."
    lines += [known, ""]
    if cov.reasons:
        rows = [(md(r, 40), f"{n:,}", md(REASONS.get(r, r), 200)) for r, n in cov.reasons.items()]
        lines += _table(("Unknown because", "Components", "Meaning"), rows)
    if not result.csl_complete:
        lines += [
            "> The shipped Consolidated Screening List snapshot is a sample: run `icts-scan feeds update`.",
            "",
        ]
    rows = [(md(s.name, 40), md(s.status, 20), md(s.detail, 200)) for s in result.stages]
    lines += _table(("Stage", "Status", "Detail"), rows)
    issues = result.inventory.issues
    if issues:
        rows = [(md(i.path, 200), str(i.line or ""), md(i.message, 200)) for i in issues[:MAX_ROWS]]
        if len(issues) > MAX_ROWS:
            rows.append((f"… {len(issues) - MAX_ROWS} more in the JSON report", "", ""))
        lines += ["Files that could not be fully read:", ""]
        lines += _table(("File", "Line", "Problem"), rows)
    return lines


def _tail(result: ScanResult) -> list[str]:
    lines = []
    if result.acceptances:
        rows = [
            (
                md(u.acceptance.id, 40),
                u.state,
                md(f"{u.acceptance.scope} {u.acceptance.value}", 150),
                str(u.findings),
                md(u.acceptance.expires, 20),
                md(u.acceptance.reason, 200),
            )
            for u in result.acceptances[:20]
        ]
        lines += ["### Accepted risks", ""]
        lines += _table(("Acceptance", "State", "Scope", "Findings", "Expires", "Reason"), rows)
    if result.waivers:
        rows = [
            (
                md(u.waiver.id, 40),
                u.state,
                md(u.waiver.purl, 150),
                md(u.waiver.check, 40),
                md(u.waiver.expires, 20),
                md(u.note or u.waiver.reason, 200),
            )
            for u in result.waivers[:20]
        ]
        lines += ["### Waivers", ""]
        lines += _table(("Waiver", "State", "Component", "Check", "Expires", "Note"), rows)
        if len(result.waivers) > 20:
            lines += [f"… {len(result.waivers) - 20} more waivers in the JSON report.", ""]
    lines += [
        "---",
        f"icts-scan {md(result.tool_version, 40)} · profile {md(result.profile, 40)} · "
        f"feeds {md(result.feed_version, 80)}. These are indicators for review, not legal "
        "determinations: only a component covered by an issued Final Determination is "
        "reported as prohibited.",
    ]
    return lines


def render(result: ScanResult, limit: int = MAX_CHARS) -> str:
    """The comment text: one block per group of findings, cut (whole groups) to fit ``limit``."""
    active = sorted(
        (f for f in result.findings if not f.excused),
        key=lambda f: (-SEVERITY_RANK[f.severity], _CHECK_ORDER.get(f.check, 99), f.purl),
    )
    head = "\n".join([*_head(result, active), *_coverage(result)]) + "\n"
    tail = "\n".join(_tail(result)) + "\n"
    groups = group(active)
    blocks: list[str] = []
    budget = limit - size(head) - size(tail) - 400  # room for the heading and the note
    for n, g in enumerate(groups[:MAX_FINDINGS], 1):
        block = finding_block(n, g.first, g.title, g.purls) + "\n"
        if size(block) > budget:
            break
        blocks.append(block)
        budget -= size(block)
    body = ""
    if groups:
        body = f"### Findings by cause ({len(blocks)} of {len(groups):,}, most severe first)\n\n"
        body += "".join(blocks)
        if len(blocks) < len(groups):
            body += (
                f"_{len(groups) - len(blocks):,} more groups not shown here to fit GitHub's limits; "
                "the SARIF, JSON and HTML reports list every finding._\n\n"
            )
    return head + body + tail
