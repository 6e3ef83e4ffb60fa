"""The HTML report: one self-contained page (charts, searchable tables, evidence), no requests.

The page is a shell (this module), static sections (html_sections, html_charts) and the rows of
its big tables as compact embedded data (html_data) that the script (html_script) draws a page at
a time, so a 20,000-component report stays small and opens at once.
"""

from __future__ import annotations

from scanner.pipeline import ScanResult
from scanner.report import html_charts as charts
from scanner.report import html_sections as sections
from scanner.report.html_assets import STYLE, csp_hash, esc
from scanner.report.html_data import embed, payload
from scanner.report.html_script import SCRIPT

NAME = "html"
TITLE = "HTML report (self-contained, for security teams)"
EXTENSION = ".html"

_GROUP_HEADS = (
    ("Severity", "sev"),
    ("Check", "check"),
    ("Cause", "cause"),
    ("Entity", "entity"),
    ("Jurisdiction", "juris"),
    ("Components", "num"),
    ("State", "state"),
)
_COMPONENT_HEADS = (
    ("Component", "comp"),
    ("Version", "version"),
    ("Ecosystem", "eco"),
    ("Scope", "scope"),
    ("Relation", "relation"),
    ("Found at", "where"),
    ("Provenance", "prov"),
    ("Findings", "num"),
)


def _csp() -> str:
    # A meta CSP so that even a missed escape cannot load anything or run foreign script:
    # only this exact stylesheet and script run, and nothing may be fetched.
    return (
        f"default-src 'none'; script-src {csp_hash(SCRIPT)}; style-src {csp_hash(STYLE)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def _header(result: ScanResult) -> str:
    meta = (
        ("Tool", f"icts-scan {result.tool_version}"),
        ("Feeds", result.feed_version),
        ("As of", result.as_of or "—"),
        ("Profile", result.profile),
        ("Fail-on", result.fail_on),
        ("Started", result.started),
        ("Finished", result.finished),
    )
    items = "".join(f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in meta)
    links = (
        ("summary", "Summary"),
        ("coverage-section", "Coverage"),
        ("groups-section", "Findings"),
        ("components-section", "Components"),
        ("waivers-section", "Waivers"),
        ("inventory-section", "Inventory"),
    )
    return (
        f'<header class="top"><h1>ICTS supply-chain report · {esc(result.inventory.root)}</h1>'
        f"<dl>{items}</dl></header>\n"
        '<nav class="sections">'
        + "".join(f'<a href="#{a}">{esc(t)}</a>' for a, t in links)
        + "</nav>\n"
        '<noscript><p class="banner warn">The findings and components tables are drawn by the '
        "page's own script: allow it, or read the JSON report.</p></noscript>\n"
    )


def _groups(result: ScanResult, groups: int) -> str:
    choices = (
        ("", "All groups"),
        ("active", "Not waived or accepted"),
        ("excused", "Waived or accepted risk"),
        ("fail", f"At or above fail-on ({result.fail_on})"),
    )
    return (
        '<section id="groups-section"><h2>Findings by cause</h2><p class="note">One row per '
        "cause: the same check and entity through the same namespace, or one mirror in one file. "
        "Expand a row for its components and evidence. Each is an indicator for human review, "
        "not a legal determination: only an issued Final Determination or class rule makes a "
        "component prohibited (15 CFR 791). Waived and accepted findings are listed but not "
        "counted.</p>\n"
        + sections.data_table("groups", "findings", groups, _GROUP_HEADS, choices, expand=True)
        + "</section>\n"
    )


def _components(result: ScanResult) -> str:
    choices = [
        ("", "All components"),
        ("findings", "With findings"),
        ("known", "Provenance known"),
        ("unknown", "Provenance unknown"),
    ]
    choices += [(f"unknown:{r}", f"Unknown: {r}") for r in result.coverage.reasons]
    if result.coverage.first_party:
        choices.append(("first-party", "First-party"))
    count = len(result.inventory.components)
    return (
        '<section id="components-section"><h2>Components</h2>\n'
        + sections.data_table("components", "components", count, _COMPONENT_HEADS, choices)
        + "</section>\n"
    )


def render(result: ScanResult) -> str:
    """The complete page; byte-identical for the same result."""
    data = payload(result)
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
        + charts.summary(result, len(data["groups"]))
        + sections.coverage(result)
        + _groups(result, len(data["groups"]))
        + _components(result)
        + sections.waivers(result)
        + sections.inventory(result)
        + "</main>\n<footer>Generated by icts-scan "
        + esc(result.tool_version)
        + " with feeds "
        + esc(result.feed_version)
        + ". This file is self-contained and makes no network requests.</footer>\n"
        # Data, not script: the browser never runs it, so the CSP need not allow it.
        + '<script {} id="report-data">{}</script>\n'.format(*embed(data))
        + f"<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )
