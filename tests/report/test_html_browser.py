"""The HTML report in a real headless Chromium: renders, search, sort, pages, keyboard, no requests."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.assess.model import SEVERITY_RANK
from scanner.pipeline import ScanResult
from scanner.report import html, html_data
from scanner.report.groups import group
from tests.report.cdp import Browser, Page, find_browser
from tests.report.scale import padded
from tests.report.test_html import _hostile

BINARY = find_browser()
pytestmark = pytest.mark.skipif(
    BINARY is None or os.name != "posix",
    reason="no Chromium binary (apt-get install chromium, or set ICTS_SCAN_CHROMIUM)",
)


def rows(table: str) -> str:
    return f"Array.from(document.querySelectorAll('#{table} > tbody > tr.main'))"


def cells(table: str, col: int) -> str:
    return f"{rows(table)}.map(r => r.cells[{col}].textContent)"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert BINARY is not None
    chromium = Browser(BINARY)
    try:
        yield chromium
    finally:
        chromium.close()


def _load(browser: Browser, tmp_path: Path, text: str) -> tuple[Page, str]:
    path = tmp_path / "report.html"
    path.write_text(text, encoding="utf-8")
    page = Page(browser)
    url = page.open(path)
    page.settle()
    if os.environ.get("ICTS_SCAN_SCREENSHOT"):  # for looking at the page during development
        page.screenshot(Path(os.environ["ICTS_SCAN_SCREENSHOT"]))
    return page, url


def _type(page: Page, selector: str, text: str) -> None:
    """Replace the box's text the way a user would: focus, select all, type."""
    page.evaluate(f"document.querySelector({json.dumps(selector)}).select()")
    if text:
        page.send("Input.insertText", {"text": text})
    else:
        _key(page, "Backspace", 8)


def _key(page: Page, key: str, code: int) -> None:
    """One key press on whatever has the focus."""
    down = {"type": "keyDown", "key": key, "code": key, "windowsVirtualKeyCode": code}
    if key == "Enter":
        down["text"] = "\r"
    page.send("Input.dispatchKeyEvent", down)
    page.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": key, "code": key})


def _quiet(page: Page, url: str) -> None:
    """No script error, no console message, and nothing requested but the page itself."""
    assert page.events("Runtime.exceptionThrown") == []
    assert [e["entry"]["text"] for e in page.events("Log.entryAdded")] == []
    requested = [e["request"]["url"] for e in page.events("Network.requestWillBeSent")]
    assert requested == [url]


def test_report_in_chromium(browser: Browser, tmp_path: Path, result: ScanResult) -> None:
    page, url = _load(browser, tmp_path, html.render(result))
    groups = group(result.findings)
    n = len(groups)

    # It renders: the script ran, the hashed stylesheet applied, charts and both tables drawn.
    assert page.evaluate("document.documentElement.classList.contains('js')")
    assert (
        page.evaluate("getComputedStyle(document.querySelector('header.top')).backgroundColor")
        == "rgb(31, 58, 95)"
    )
    assert page.evaluate("document.querySelectorAll('figure.chart svg[role=img]').length") == 4
    assert page.evaluate(cells("groups", 2)) == [g.title for g in groups]
    assert page.evaluate(f"{rows('components')}.length") == len(result.inventory.components)
    assert page.evaluate("document.querySelector('[data-pager=groups]').hidden")

    # Search filters rows; the counter follows; clearing the box brings every row back.
    box = "input[data-filter=groups]"
    _type(page, box, "qq mail")
    assert page.evaluate(cells("groups", 1)) == ["individual"]
    assert page.evaluate("document.getElementById('groups-count').textContent") == (
        f"1 of {n} shown"
    )
    _type(page, box, "no such thing anywhere")
    assert page.evaluate(f"{rows('groups')}.length") == 0
    _type(page, box, "")
    assert page.evaluate(f"{rows('groups')}.length") == n

    # The choice: waived or accepted groups only.
    page.evaluate(
        "const s = document.querySelector('select[data-select=groups]'); s.value = 'excused';"
        "s.dispatchEvent(new Event('change'))"
    )
    assert page.evaluate(cells("groups", 6)) == ["waived", "accepted risk"]
    page.evaluate(
        "const t = document.querySelector('select[data-select=groups]'); t.value = '';"
        "t.dispatchEvent(new Event('change'))"
    )

    # Sorting: cause ascending, then descending; severity puts the most severe first.
    titles = page.evaluate(cells("groups", 2))
    page.evaluate("document.querySelector('#groups th.cause button').click()")
    assert page.evaluate(cells("groups", 2)) == sorted(titles, key=str.lower)
    assert page.evaluate("document.querySelector('#groups th.cause').ariaSort") == "ascending"
    page.evaluate("document.querySelector('#groups th.cause button').click()")
    assert page.evaluate(cells("groups", 2)) == sorted(titles, key=str.lower, reverse=True)
    page.evaluate("document.querySelector('#groups th.sev button').click()")
    badges = f"{rows('groups')}.map(r => r.querySelector('.badge').textContent)"
    ranks = [SEVERITY_RANK[s] for s in page.evaluate(badges)]
    assert ranks == sorted(ranks, reverse=True)

    # From the keyboard: focus the first row's toggle, press Enter, its details open with the
    # evidence of every finding in the group; Enter again closes them.
    toggle = "document.querySelector('#groups button.toggle')"
    page.evaluate(f"{toggle}.focus()")
    _key(page, "Enter", 13)
    assert page.evaluate(f"{toggle}.ariaExpanded") == "true"
    detail = f"document.getElementById({toggle}.getAttribute('aria-controls'))"
    assert page.evaluate(f"{detail}.offsetHeight") > 0
    members = len(groups[0].findings)
    assert page.evaluate(f"{detail}.querySelectorAll('table.evidence').length") == members
    assert page.evaluate(f"{detail}.textContent").count("Fingerprint") == members
    _key(page, "Enter", 13)
    assert page.evaluate(f"{toggle}.ariaExpanded") == "false"
    assert page.evaluate("document.querySelectorAll('#groups tr.detail').length") == 0

    # A component's details name the groups it is in.
    page.evaluate("document.querySelectorAll('#components button.toggle')[1].click()")
    assert "2 packages under @antv — AntV" in page.evaluate(
        "document.querySelector('#components tr.detail').textContent"
    )
    _quiet(page, url)


def test_twenty_thousand_rows(
    browser: Browser, tmp_path: Path, result: ScanResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only one page of rows exists; paging, search and the coverage link reach every row; the
    packed data is unpacked in the page."""
    monkeypatch.setattr(html_data, "PLAIN_LIMIT", 100_000)
    big = padded(result, 20_000)
    text = html.render(big)
    assert 'data-packed="gzip"' in text and len(text) < 5_000_000
    page, url = _load(browser, tmp_path, text)
    assert page.evaluate(f"{rows('components')}.length") == 100
    assert page.evaluate("document.querySelectorAll('#components tr').length") == 101  # + head
    where = "document.querySelector('[data-pager=components] .where').textContent"
    assert page.evaluate(where) == "Rows 1–100 · page 1 of 200"
    page.evaluate("document.querySelector('[data-pager=components] [data-page=next]').focus()")
    _key(page, "Enter", 13)
    assert page.evaluate(where) == "Rows 101–200 · page 2 of 200"
    page.evaluate("document.querySelector('[data-pager=components] [data-page=last]').click()")
    assert page.evaluate(where) == "Rows 19,901–20,000 · page 200 of 200"
    last = big.inventory.components[-1]
    assert page.evaluate(f"{rows('components')}.pop().textContent").endswith("unknown skipped0")
    assert last.purl in page.evaluate(f"{rows('components')}.pop().textContent")

    _type(page, "input[data-filter=components]", "pad19990")
    count = "document.getElementById('components-count').textContent"
    assert page.evaluate(count) == "1 of 20,000 shown"
    _type(page, "input[data-filter=components]", "")

    # "Show these components" in the coverage section picks the reason in the table's choice.
    page.evaluate("document.querySelector('button[data-show=\"unknown:lookup-failed\"]').click()")
    assert page.evaluate(count) == "1 of 20,000 shown"
    assert page.evaluate(cells("components", 0)) == ["▸leftoverpkg:npm/leftover@0.1.0"]
    assert page.evaluate("document.activeElement.dataset.select") == "components"
    _quiet(page, url)


def test_hostile_text_stays_text(browser: Browser, tmp_path: Path, result: ScanResult) -> None:
    """Markup in registry text is shown as text, never becomes an element or a script link."""
    page, url = _load(browser, tmp_path, html.render(_hostile(result)))
    page.evaluate("document.querySelector('[data-expand=groups][data-open=true]').click()")
    page.evaluate("document.querySelectorAll('#components button.toggle').forEach(b => b.click())")
    assert page.evaluate("document.querySelectorAll('img, main script, b > b').length") == 0
    text = page.evaluate("document.querySelector('main').textContent")
    assert '"><img src=x onerror=alert(3)>' in text and "</script><script>alert(2)" in text
    assert "<script>alert(1)</script>" in text  # the component's name
    hrefs = page.evaluate("Array.from(document.querySelectorAll('main a')).map(a => a.href)")
    assert "https://ok.invalid/fine?a=1&b=2" in hrefs
    assert all(h.startswith(("https://", "http://", url + "#")) for h in hrefs)
    assert page.evaluate("document.title") == "icts-scan report · demo"
    _quiet(page, url)


def test_csp_stops_a_missed_escape(browser: Browser, tmp_path: Path, result: ScanResult) -> None:
    """Markup smuggled past escaping can neither fetch nor run script: the CSP blocks it."""
    injected = (
        '<img src="http://127.0.0.1:9/pixel.png">'
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
        "<script>document.title = 'pwned'; fetch('http://127.0.0.1:9/beacon');</script>"
    )
    text = html.render(result).replace("</main>", injected + "</main>", 1)
    page, url = _load(browser, tmp_path, text)
    assert page.evaluate("document.title") != "pwned"
    failed = {e["requestId"]: e.get("blockedReason") for e in page.events("Network.loadingFailed")}
    attempts = {
        e["request"]["url"]: failed.get(e["requestId"])
        for e in page.events("Network.requestWillBeSent")
        if e["request"]["url"] != url
    }
    # Chromium reports the attempts, each blocked by the policy before it leaves the page.
    assert attempts == {"http://127.0.0.1:9/pixel.png": "csp", "http://127.0.0.1:9/x.css": "csp"}
    assert [e["response"]["url"] for e in page.events("Network.responseReceived")] == [url]
    blocked = [e["entry"]["text"] for e in page.events("Log.entryAdded")]
    assert any("inline script" in t and "Content Security Policy" in t for t in blocked)
