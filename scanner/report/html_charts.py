"""The HTML report's summary: headline numbers and inline SVG charts (bars, stacked coverage)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scanner.pipeline import ScanResult
from scanner.report.common import SEVERITIES, counts
from scanner.report.html_assets import PALETTE, STATUS_COLOR, esc, status

WIDTH = 380
LABEL = 140
ROW = 24
BAR = 16

Item = tuple[str, int, str]
"""A label, its count, and a PALETTE key."""

# Why provenance stayed unknown, coloured by what to do: failures to retry, answers that say
# "not there", choices the scan made.
REASON_COLOR = {
    "rate-limited": "failed",
    "deadline": "failed",
    "lookup-failed": "failed",
    "not-in-cache": "partial",
    "not-found": "partial",
}


def _num(x: float) -> str:
    # Fixed precision keeps the output byte-identical across platforms.
    return f"{x:.1f}".removesuffix(".0")


def _short(label: str, room: int = 20) -> str:
    return label if len(label) <= room else label[: room - 1] + "…"


def _figure(caption: str, body: str, legend: str = "") -> str:
    return f'<figure class="chart"><figcaption>{esc(caption)}</figcaption>{body}{legend}</figure>\n'


def swatch(color: str) -> str:
    """A colour square drawn as SVG, since the CSP forbids inline style attributes."""
    return (
        '<svg class="swatch" viewBox="0 0 10 10" aria-hidden="true">'
        f'<rect width="10" height="10" fill="{PALETTE[color]}"/></svg>'
    )


def legend(entries: Sequence[tuple[str, str]]) -> str:
    """Label and PALETTE key pairs as a legend line."""
    spans = "".join(f"<span>{swatch(color)}{esc(label)}</span>" for label, color in entries)
    return f'<div class="legend">{spans}</div>'


def bars(caption: str, items: Sequence[Item], empty: str) -> str:
    """One horizontal bar per item, scaled to the largest count, count printed beside it."""
    if not items or not any(n for _, n, _ in items):
        return _figure(caption, f'<p class="note">{esc(empty)}</p>')
    top = max(n for _, n, _ in items)
    room = WIDTH - LABEL - 44
    height = len(items) * ROW + 6
    rows = []
    for i, (label, n, color) in enumerate(items):
        y = 4 + i * ROW
        w = room * n / top if top else 0
        rows.append(
            f"<g><title>{esc(label)}: {n}</title>"
            f'<text x="{LABEL - 8}" y="{y + BAR - 3}" text-anchor="end">{esc(_short(label))}</text>'
            f'<rect x="{LABEL}" y="{y}" width="{_num(max(w, 1.5 if n else 0))}" height="{BAR}" '
            f'rx="2" fill="{PALETTE[color]}"/>'
            f'<text class="value" x="{_num(LABEL + w + 6)}" y="{y + BAR - 3}">{n}</text></g>'
        )
    svg = (
        f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{esc(caption)}">'
        + "".join(rows)
        + "</svg>"
    )
    return _figure(caption, svg)


def stacked(
    caption: str, rows: Sequence[tuple[str, Sequence[Item]]], empty: str, note: str = ""
) -> str:
    """One 100% bar per row, split into coloured segments; counts shown where they fit."""
    rows = [(label, [s for s in segs if s[1] > 0]) for label, segs in rows]
    rows = [(label, segs) for label, segs in rows if segs]
    if not rows:
        return _figure(caption, f'<p class="note">{esc(empty)}</p>')
    room = WIDTH - LABEL - 4
    height = len(rows) * ROW + 6
    out = []
    seen: dict[str, str] = {}
    for i, (label, segs) in enumerate(rows):
        y = 4 + i * ROW
        total = sum(n for _, n, _ in segs)
        x = float(LABEL)
        parts = [
            f'<text x="{LABEL - 8}" y="{y + BAR - 3}" text-anchor="end">{esc(_short(label))}</text>'
        ]
        for name, n, color in segs:
            seen.setdefault(name, color)
            w = room * n / total
            parts.append(
                f"<g><title>{esc(label)} · {esc(name)}: {n} of {total}</title>"
                f'<rect x="{_num(x)}" y="{y}" width="{_num(w)}" height="{BAR}" '
                f'fill="{PALETTE[color]}"/></g>'
            )
            if w >= 22:
                # Dark text on the light grey, white on every other (dark) segment.
                cls = "value" if color == "unknown" else "value inv"
                parts.append(
                    f'<text class="{cls}" x="{_num(x + w / 2)}" y="{y + BAR - 4}" '
                    f'text-anchor="middle">{n}</text>'
                )
            x += w
        out.append("<g>" + "".join(parts) + "</g>")
    svg = (
        f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{esc(caption)}">'
        + "".join(out)
        + "</svg>"
    )
    extra = f'<p class="note">{esc(note)}</p>' if note else ""
    return _figure(caption, svg, legend(list(seen.items())) + extra)


def _tiles(result: ScanResult, data: dict[str, Any], groups: int) -> str:
    cov = result.coverage
    tiles = (
        (f"{data['findings']:,}", f"findings in {groups:,} groups (not waived or accepted)"),
        (data["at_or_above_fail_on"], f"at or above fail-on ({result.fail_on})"),
        (data["waived"], "waived"),
        (data["accepted"], "accepted risk"),
        (f"{len(result.inventory.components):,}", "components"),
        (f"{cov.known:,} / {cov.components:,}", "third-party with known provenance"),
        (len(result.inventory.issues), "inventory issues"),
    )
    cells = "".join(f'<div class="tile"><b>{esc(v)}</b>{esc(t)}</div>' for v, t in tiles)
    return f'<div class="tiles">{cells}</div>\n'


def _banners(result: ScanResult, data: dict[str, Any]) -> str:
    fail_on = esc(result.fail_on)
    over = data["at_or_above_fail_on"]
    out = [
        f'<p class="banner fail">{over} finding(s) at or above fail-on <b>{fail_on}</b>: the '
        "scan exits with status 1.</p>"
        if over
        else f'<p class="banner pass">No findings at or above fail-on <b>{fail_on}</b>.</p>'
    ]
    if result.incomplete:
        out.append(
            '<p class="banner warn">Incomplete scan: some stages could not do all their work. '
            "What could not be established is reported as unknown, never as clear.</p>"
        )
    if not result.csl_complete:
        out.append(
            '<p class="banner warn">The shipped Consolidated Screening List snapshot is a sample: '
            "screening-list matches are not complete until <code>icts-scan feeds update</code> "
            "has run.</p>"
        )
    return "".join(out)


def _coverage(result: ScanResult) -> list[tuple[str, list[Item]]]:
    cov = result.coverage
    reasons = [(r, n, REASON_COLOR.get(r, "unknown")) for r, n in cov.reasons.items()]
    sources = [
        (src, [(st, n, STATUS_COLOR.get(st, "unknown")) for st, n in sorted(by.items())])
        for src, by in sorted(result.enriched.coverage.by_source.items())
    ]
    return [("third-party", [("known", cov.known, "ok"), *reasons]), *sources]


def summary(result: ScanResult, groups: int) -> str:
    """The summary section: verdict banners, headline numbers, charts and stage statuses."""
    data = counts(result)
    names = {f.entity: f.entity_name or f.entity for f in result.findings if f.entity}
    jurisdictions = sorted(data["by_jurisdiction"].items(), key=lambda kv: (-kv[1], kv[0]))
    figures = (
        bars(
            "Findings by severity",
            [(s, data["by_severity"][s], s) for s in SEVERITIES],
            "No findings.",
        ),
        bars(
            "Findings by jurisdiction",
            [(j, n, "accent") for j, n in jurisdictions],
            "No finding names a jurisdiction.",
        ),
        bars(
            "Findings by entity (top 10)",
            [(names.get(e, e), n, "accent") for e, n in list(data["by_entity"].items())[:10]],
            "No finding names an entity.",
        ),
        stacked(
            "Coverage: provenance and sources",
            _coverage(result),
            "No components to cover.",
            "Unknown is not clear: components whose sources failed need review.",
        ),
    )
    stages = "".join(
        f"<li>{status(s.status)} <b>{esc(s.name)}</b> — {esc(s.detail)} "
        f'<span class="muted">({s.seconds:.2f} s)</span></li>'
        for s in result.stages
    )
    return (
        '<section id="summary"><h2>Summary</h2>\n'
        + _banners(result, data)
        + _tiles(result, data, groups)
        + '<div class="charts">\n'
        + "".join(figures)
        + _figure("Stage statuses", f'<ul class="stages">{stages}</ul>')
        + "</div></section>\n"
    )
