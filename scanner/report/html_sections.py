"""The HTML report's sections: coverage, table shells the script fills, waivers, acceptances, inputs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from scanner.assess.coverage import REASONS
from scanner.pipeline import ScanResult
from scanner.report.html_assets import badge, esc, status

PAGE_SIZES = (25, 100, 500)


def plain(heads: Sequence[str], rows: Iterable[Sequence[str]], empty: str) -> str:
    """A static table whose cells are already escaped."""
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    if not body:
        return f'<p class="note">{esc(empty)}</p>\n'
    ths = "".join(f'<th scope="col">{esc(h)}</th>' for h in heads)
    return f"<table><thead><tr>{ths}</tr></thead><tbody>{body}</tbody></table>\n"


def _mono(text: object) -> str:
    return f'<span class="mono">{esc(text)}</span>'


def _nowrap(text: object) -> str:
    return f'<span class="nowrap">{esc(text)}</span>'


def data_table(
    tid: str,
    what: str,
    count: int,
    heads: Sequence[tuple[str, str]],
    choices: Sequence[tuple[str, str]],
    expand: bool = False,
) -> str:
    """A table the page's script fills one page of rows at a time from the embedded data, with
    its search box, its "show" choice, sortable headings and pager; each control is a native
    input, select or button, so all of it works from the keyboard."""
    if not count:
        return f'<p class="note">No {esc(what)}.</p>\n'
    options = "".join(f'<option value="{esc(v)}">{esc(label)}</option>' for v, label in choices)
    tools = (
        f'<div class="toolbar"><input type="search" placeholder="Search {esc(what)}…" '
        f'aria-label="Search {esc(what)}" data-filter="{tid}">'
        f'<select data-select="{tid}" aria-label="Which {esc(what)} to show">{options}</select>'
    )
    if expand:
        tools += (
            f'<button type="button" data-expand="{tid}" data-open="true">Expand all</button>'
            f'<button type="button" data-expand="{tid}" data-open="false">Collapse all</button>'
        )
    tools += (
        f'<span class="count" id="{tid}-count" role="status">{count:,} {esc(what)}</span></div>'
    )
    ths = "".join(
        f'<th scope="col" class="{cls}"><button type="button">{esc(h)}</button></th>'
        for h, cls in heads
    )
    sizes = "".join(
        f'<option value="{n}"{" selected" if n == 100 else ""}>{n} per page</option>'
        for n in PAGE_SIZES
    )
    pager = (
        f'<div class="pager" data-pager="{tid}" hidden>'
        '<button type="button" data-page="first">First</button>'
        '<button type="button" data-page="prev">Previous</button>'
        '<span class="where"></span>'
        '<button type="button" data-page="next">Next</button>'
        '<button type="button" data-page="last">Last</button>'
        f'<select data-size="{tid}" aria-label="Rows per page">{sizes}</select></div>'
    )
    # aria-busy until the script has drawn the first page (the benchmark waits for it too).
    return (
        f'{tools}\n<table id="{tid}" aria-busy="true"><thead><tr>{ths}</tr></thead>'
        f"<tbody></tbody></table>\n{pager}\n"
    )


def coverage(result: ScanResult) -> str:
    """Coverage: how much provenance is known, why the rest is not, and where to see those."""
    cov = result.coverage
    if not cov.components:
        head = "No third-party components to look up."
    else:
        head = (
            f"Provenance known for {cov.known:,} of {cov.components:,} third-party components "
            f"({cov.unknown_fraction:.0%} unknown)."
        )
    if cov.first_party:
        head += (
            f" {cov.first_party:,} first-party components (the project's own) are not looked up."
        )
    if not cov.looked_up:
        head += " Lookups were skipped (--no-network): unknown is not clear."
    rows = [
        (
            _mono(reason),
            f"{n:,}",
            esc(REASONS.get(reason, reason)),
            f'<button type="button" class="more" data-show="unknown:{esc(reason)}">'
            f"Show these components</button>",
        )
        for reason, n in cov.reasons.items()
    ]
    limit = ""
    if result.fail_on_unknown_above is not None:
        state = "above" if result.unknown_over_limit else "within"
        limit = (
            f'<p class="banner {"fail" if result.unknown_over_limit else "pass"}">Unknown provenance '
            f"{cov.unknown_fraction:.0%} is {state} the policy's limit of "
            f"{result.fail_on_unknown_above:.0%} (fail_on_unknown_above).</p>"
        )
    return (
        '<section id="coverage-section"><h2>Coverage</h2>\n'
        f"<p>{esc(head)}</p>{limit}\n"
        + plain(
            ("Unknown because", "Components", "Meaning", ""), rows, "No component stayed unknown."
        )
        + "</section>\n"
    )


def waivers(result: ScanResult) -> str:
    """Waivers (one exact version each) and scope acceptances, with how each fared."""
    rows = [
        (
            status(u.state),
            _nowrap(u.waiver.id),
            _mono(u.waiver.purl),
            esc(u.waiver.check),
            esc(u.waiver.reason),
            esc(u.waiver.approver),
            esc(u.waiver.ticket or "—"),
            _nowrap(u.waiver.date),
            _nowrap(u.waiver.expires),
            str(u.findings),
            esc(u.note),
        )
        for u in result.waivers
    ]
    accepted = [
        (
            status(u.state),
            _nowrap(a.id),
            f"{esc(a.scope)} {_mono(a.value)}",
            esc(a.check),
            esc(a.versions or "any"),
            esc(a.reason),
            esc(a.approver),
            esc(a.ticket or "—"),
            _nowrap(a.date),
            _nowrap(a.expires),
            str(u.findings),
        )
        for u in result.acceptances
        for a in (u.acceptance,)
    ]
    heads = ("State", "Id", "Component", "Check", "Reason", "Approver", "Ticket", "Granted")
    scope = ("State", "Id", "Scope", "Check", "Versions", "Reason", "Approver", "Ticket")
    return (
        '<section id="waivers-section"><h2>Waivers and accepted risks</h2><p class="note">A '
        "waiver covers one exact component version; a new version is a new transaction, so its "
        "waiver turns stale. An acceptance covers a whole namespace, entity or mirror until it "
        "expires; the findings it covers are reported as accepted risk.</p>\n<h3>Waivers</h3>\n"
        + plain((*heads, "Expires", "Findings", "Note"), rows, "No waivers configured.")
        + "<h3>Accepted risks</h3>\n"
        + plain((*scope, "Granted", "Expires", "Findings"), accepted, "No acceptances configured.")
        + "</section>\n"
    )


def inventory(result: ScanResult) -> str:
    """The input files read and the problems met reading them."""
    inv = result.inventory
    files = [
        (_mono(f.path), esc(f.format), _mono(f.sha256), str(f.size), str(f.components))
        for f in inv.files
    ]
    issues = [
        (
            _mono(f"{i.path}:{i.line}" if i.line else i.path),
            badge(i.severity, "sev-high" if i.severity == "error" else "sev-medium"),
            esc(i.message),
        )
        for i in inv.issues
    ]
    return (
        '<section id="inventory-section"><h2>Inventory</h2><h3>Inputs</h3>\n'
        + plain(("File", "Format", "SHA-256", "Bytes", "Components"), files, "No input files.")
        + "<h3>Issues</h3>\n"
        + plain(("Where", "Severity", "Problem"), issues, "Every input file was read.")
        + "</section>\n"
    )
