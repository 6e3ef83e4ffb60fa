"""The HTML report: one self-contained page (charts, searchable tables, evidence), no requests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from sbom.model import Component
from scanner.assess.checks import CHECKS
from scanner.assess.model import SEVERITY_RANK, Evidence, Finding
from scanner.assess.policy import WaiverUse
from scanner.pipeline import ScanResult
from scanner.report import html_charts as charts
from scanner.report.common import fingerprint
from scanner.report.html_assets import SCRIPT, STYLE, badge, csp_hash, esc, status

NAME = "html"
TITLE = "HTML report (self-contained, for security teams)"
EXTENSION = ".html"

_TITLES = {record.id: record.title for record, _ in CHECKS}
_CONFIDENCE = {"high": 0, "medium": 1, "low": 2}


def _csp() -> str:
    # A meta CSP so that even a missed escape cannot load anything or run foreign script:
    # only this exact stylesheet and script run, and nothing may be fetched.
    return (
        f"default-src 'none'; script-src {csp_hash(SCRIPT)}; style-src {csp_hash(STYLE)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def _link(url: str | None) -> str:
    """A link only for plain http(s) URLs; anything else (paths, javascript:) stays text."""
    if not url:
        return '<span class="muted">—</span>'
    parts = urlsplit(url) if url.isprintable() and " " not in url else None
    if parts and parts.scheme in ("http", "https") and parts.netloc and len(url) <= 2000:
        return f'<a href="{esc(url)}" rel="noreferrer noopener" target="_blank">{esc(url)}</a>'
    return f'<span class="mono">{esc(url)}</span>'


def _where(locations: Iterable[tuple[str, int | None]]) -> str:
    items = [f"{path}:{line}" if line else path for path, line in locations]
    return "<br>".join(f'<span class="mono">{esc(i)}</span>' for i in items) or "—"


def _label(comp: Component | None, purl: str) -> str:
    return f"{comp.name}@{comp.version}" if comp and comp.version else comp.name if comp else purl


def _table(
    tid: str, heads: Sequence[tuple[str, str]], bodies: Sequence[tuple[str, str]], what: str
) -> str:
    """A sortable, filterable table of (extra tbody class, rows) records: each record is its own
    <tbody>, so a finding's details row moves and hides with it."""
    if not bodies:
        return f'<p class="note">No {esc(what)}.</p>'
    ths = "".join(
        f'<th scope="col" class="{cls}"><button type="button">{esc(h)}</button></th>'
        for h, cls in heads
    )
    n = len(bodies)
    tools = (
        f'<div class="toolbar"><input type="search" placeholder="Filter {esc(what)}…" '
        f'aria-label="Filter {esc(what)}" data-filter="{tid}" data-count="{tid}-count">'
        f'<span class="count" id="{tid}-count" aria-live="polite">{n} of {n} shown</span>'
    )
    if tid == "findings":
        tools += (
            '<button type="button" data-expand="findings" data-open="true">Expand all</button>'
            '<button type="button" data-expand="findings" data-open="false">Collapse all</button>'
        )
    rows = "".join(
        f'<tbody class="rec{extra}" data-order="{i}">{body}</tbody>\n'
        for i, (extra, body) in enumerate(bodies)
    )
    return (
        f'{tools}</div>\n<table id="{tid}" class="sortable"><thead><tr>{ths}</tr></thead>\n'
        f"{rows}</table>\n"
    )


def _evidence(items: Sequence[Evidence]) -> str:
    if not items:
        return '<p class="muted">No evidence records: see the reason.</p>'
    rows = "".join(
        f'<tr><td>{esc(e.kind)}</td><td class="mono">{esc(e.field)}</td>'
        f'<td class="mono">{esc(e.value)}</td><td>{esc(e.source)}</td><td>{_link(e.url)}</td>'
        f"<td>{esc(e.strength)}</td><td>{esc(e.retrieved or '—')}</td><td>{esc(e.note)}</td></tr>"
        for e in items
    )
    return (
        '<table class="evidence"><thead><tr><th>Kind</th><th>Field</th><th>Value</th>'
        "<th>Source</th><th>Document</th><th>Strength</th><th>Retrieved</th><th>Note</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def _waiver_text(use: WaiverUse | None, wid: str) -> str:
    if use is None:
        return f"<p>Waived by {esc(wid)}.</p>"
    w = use.waiver
    return (
        f"<p><b>Waived by {esc(w.id)}</b> ({esc(use.state)}): {esc(w.reason)}. Approved by "
        f"{esc(w.approver)} on {esc(w.date)}, expires {esc(w.expires)}"
        f"{', ticket ' + esc(w.ticket) if w.ticket else ''}.</p>"
    )


def _finding(
    n: int, f: Finding, comps: dict[str, Component], waivers: dict[str, WaiverUse]
) -> tuple[str, str]:
    comp = comps.get(f.purl)
    rank = SEVERITY_RANK[f.severity]
    waived = f' <span class="tag">waived {esc(f.waiver)}</span>' if f.waiver else ""
    if f.accepted and not f.waiver:
        waived = f' <span class="tag">accepted risk {esc(f.accepted)}</span>'
    label = f"{len(f.components)} components" if f.components else _label(comp, f.purl)
    entity = (
        f'{esc(f.entity_name or f.entity)} <span class="muted mono">{esc(f.entity)}</span>'
        if f.entity
        else '<span class="muted">—</span>'
    )
    main = (
        f'<tr class="main"><td data-sort="{4 - rank}"><button type="button" class="toggle" '
        f'aria-expanded="false" aria-controls="f{n}" aria-label="Details">▸</button>'
        f"{badge(f.severity, 'sev-' + f.severity)}{waived}</td>"
        f'<td title="{esc(_TITLES.get(f.check, f.check))}">{esc(f.check)}</td>'
        f'<td data-sort="{esc(label.lower())}"><span class="mono">{esc(label)}</span>'
        f' <span class="tag">{esc(comp.ecosystem if comp else "file" if f.components else "?")}</span></td>'
        f'<td data-sort="{esc((f.entity_name or "~").lower())}">{entity}</td>'
        f"<td>{esc(f.jurisdiction or '—')}</td>"
        f'<td data-sort="{_CONFIDENCE.get(f.confidence, 3)}">{esc(f.confidence)}</td>'
        f"<td>{esc(f.reason)}</td></tr>"
    )
    if f.paths:
        items = "".join(
            "<li>"
            + " › ".join(f"<code>{esc(_label(comps.get(p), p))}</code>" for p in path)
            + "</li>"
            for path in f.paths
        )
        paths = f'<ol class="paths">{items}</ol>'
    elif comp and comp.direct:
        paths = "<p>Direct dependency declared by the project.</p>"
    else:
        paths = '<p class="muted">No dependency path recorded.</p>'
    chain = " → ".join(esc(c) for c in f.chain) or "—"
    detail = (
        f'<tr class="detail" id="f{n}"><td colspan="7"><div class="detail-grid"><div>'
        + (
            f"<p><b>Components</b> {', '.join(esc(p) for p in f.components)}</p>"
            if f.components
            else f'<p><b>Component</b> <span class="mono">{esc(f.purl)}</span></p>'
        )
        + f"<p><b>Outcome</b> {esc(f.outcome)} · evidence tier {esc(f.tier)} · "
        f"entity chain {chain}</p><p><b>Found at</b> {_where(f.locations)}</p>"
        f"<p><b>Provision</b> {esc(f.provision)}</p></div><div>"
        f"<p><b>Remediation</b> {esc(f.remediation)}</p><p><b>Dependency paths</b></p>{paths}"
        f"{_waiver_text(waivers.get(f.waiver), f.waiver) if f.waiver else ''}"
        f'<p class="muted">Fingerprint <span class="mono">{fingerprint(f)}</span> '
        f"({esc(f.identity)})</p>"
        f"</div></div><h3>Evidence</h3>{_evidence(f.evidence)}</td></tr>"
    )
    return (" waived" if f.excused else ""), main + detail


def _findings(result: ScanResult) -> str:
    comps = result.inventory.by_purl()
    waivers = {u.waiver.id: u for u in result.waivers}
    bodies = [_finding(n, f, comps, waivers) for n, f in enumerate(result.findings, 1)]
    heads = [
        ("Severity", "sev"),
        ("Check", "check"),
        ("Component", "comp"),
        ("Entity", "entity"),
        ("Jurisdiction", "juris"),
        ("Confidence", "conf"),
        ("Reason", "reason"),
    ]
    return (
        '<section id="findings-section"><h2>Findings</h2><p class="note">Each finding is an '
        "indicator for human review, not a legal determination: only an issued Final "
        "Determination or class rule makes a component prohibited (15 CFR 791). Waived findings "
        "are listed but not counted.</p>\n" + _table("findings", heads, bodies, "findings")
    ) + "</section>\n"


def _component(c: Component, result: ScanResult, found: Counter[str]) -> tuple[str, str]:
    prov = result.enriched.provenance.get(c.purl)
    known = bool(prov and prov.known)
    statuses = "".join(
        f"<br>{esc(s.source)}: {esc(s.status)}{' — ' + esc(s.reason) if s.reason else ''}"
        for s in (prov.statuses if prov else ())
    )
    facts = ""
    if prov and prov.facts:
        items = "".join(
            f'<li>{esc(x.kind)}: <span class="mono">{esc(x.value)}</span> '
            f'<span class="muted">({esc(x.source)} {esc(x.field)}, {esc(x.strength)})</span></li>'
            for x in prov.facts
        )
        facts = f'<details class="facts"><summary>{len(prov.facts)} facts</summary><ul>{items}</ul></details>'
    relation = {True: "direct", False: "transitive", None: "—"}[c.direct]
    return "", (
        f'<tr class="main"><td data-sort="{esc(c.name.lower())}"><b>{esc(c.name)}</b><br>'
        f'<span class="mono muted">{esc(c.purl)}</span>{facts}</td>'
        f"<td>{esc(c.version or c.requirement or '—')}</td><td>{esc(c.ecosystem)}</td>"
        f"<td>{esc(c.scope or '—')}</td><td>{relation}</td><td>{_where((loc.path, loc.line) for loc in c.locations)}</td>"
        f'<td data-sort="{int(not known)}">'
        f"{badge('known', 'st-ok') if known else badge('unknown', 'st-unknown')}{statuses}</td>"
        f'<td data-sort="{found[c.purl]}">{found[c.purl]}</td></tr>'
    )


def _components(result: ScanResult) -> str:
    found = Counter(
        p for f in result.findings if not f.excused for p in (f.components or (f.purl,))
    )
    bodies = [_component(c, result, found) for c in result.inventory.components]
    heads = [
        (h, h.lower())
        for h in ("Component", "Version", "Ecosystem", "Scope", "Relation", "Found at")
    ] + [("Provenance", "prov"), ("Findings", "num")]
    return (
        '<section id="components-section"><h2>Components</h2>\n'
        + _table("components", heads, bodies, "components")
        + "</section>\n"
    )


def _nowrap(text: str) -> str:
    return f'<span class="nowrap">{text}</span>'


def _plain(heads: Sequence[str], rows: Iterable[Sequence[str]], empty: str) -> str:
    """A static table whose cells are already escaped."""
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    if not body:
        return f'<p class="note">{esc(empty)}</p>\n'
    ths = "".join(f'<th scope="col">{esc(h)}</th>' for h in heads)
    return f"<table><thead><tr>{ths}</tr></thead><tbody>{body}</tbody></table>\n"


def _waivers(result: ScanResult) -> str:
    rows = [
        (
            status(u.state),
            _nowrap(esc(u.waiver.id)),
            f'<span class="mono">{esc(u.waiver.purl)}</span>',
            esc(u.waiver.check),
            esc(u.waiver.reason),
            esc(u.waiver.approver),
            esc(u.waiver.ticket or "—"),
            _nowrap(esc(u.waiver.date)),
            _nowrap(esc(u.waiver.expires)),
            str(u.findings),
            esc(u.note),
        )
        for u in result.waivers
    ]
    heads = ("State", "Id", "Component", "Check", "Reason", "Approver", "Ticket", "Granted")
    return (
        '<section id="waivers-section"><h2>Waivers</h2><p class="note">A waiver covers one '
        "exact component version; a new version is a new transaction, so its waiver turns stale."
        "</p>\n"
        + _plain((*heads, "Expires", "Findings", "Note"), rows, "No waivers configured.")
        + "</section>\n"
    )


def _inventory(result: ScanResult) -> str:
    inv = result.inventory
    files = [
        (
            f'<span class="mono">{esc(f.path)}</span>',
            esc(f.format),
            f'<span class="mono">{esc(f.sha256)}</span>',
            str(f.size),
            str(f.components),
        )
        for f in inv.files
    ]
    issues = [
        (
            f'<span class="mono">{esc(i.path)}{f":{i.line}" if i.line else ""}</span>',
            badge(i.severity, "sev-high" if i.severity == "error" else "sev-medium"),
            esc(i.message),
        )
        for i in inv.issues
    ]
    return (
        '<section id="inventory-section"><h2>Inventory</h2><h3>Inputs</h3>\n'
        + _plain(("File", "Format", "SHA-256", "Bytes", "Components"), files, "No input files.")
        + "<h3>Issues</h3>\n"
        + _plain(("Where", "Severity", "Problem"), issues, "Every input file was read.")
        + "</section>\n"
    )


def _header(result: ScanResult) -> str:
    meta = (
        ("Tool", f"icts-scan {result.tool_version}"),
        ("Feeds", result.feed_version),
        ("Profile", result.profile),
        ("Fail-on", result.fail_on),
        ("Started", result.started),
        ("Finished", result.finished),
    )
    items = "".join(f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in meta)
    return (
        f'<header class="top"><h1>ICTS supply-chain report · {esc(result.inventory.root)}</h1>'
        f"<dl>{items}</dl></header>\n"
        '<nav class="sections"><a href="#summary">Summary</a><a href="#findings-section">'
        'Findings</a><a href="#components-section">Components</a><a href="#waivers-section">'
        'Waivers</a><a href="#inventory-section">Inventory</a></nav>\n'
    )


def render(result: ScanResult) -> str:
    """The complete page; byte-identical for the same result."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_csp()}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        # An explicit empty icon: otherwise a browser asks the server for /favicon.ico.
        '<link rel="icon" href="data:,">\n'
        f"<title>icts-scan report · {esc(result.inventory.root)}</title>\n"
        f"<style>{STYLE}</style>\n</head>\n<body>\n"
        + _header(result)
        + "<main>\n"
        + charts.summary(result)
        + _findings(result)
        + _components(result)
        + _waivers(result)
        + _inventory(result)
        + "</main>\n<footer>Generated by icts-scan "
        + esc(result.tool_version)
        + " with feeds "
        + esc(result.feed_version)
        + ". This file is self-contained and makes no network requests.</footer>\n"
        + f"<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )
