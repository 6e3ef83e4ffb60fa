"""The HTML report in a real headless Chromium: renders, charts and tables, search, sort, no requests."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.assess.model import SEVERITY_RANK
from scanner.pipeline import ScanResult
from scanner.report import html
from tests.report.cdp import Browser, Page, find_browser

BINARY = find_browser()
pytestmark = pytest.mark.skipif(
    BINARY is None or os.name != "posix",
    reason="no Chromium binary (apt-get install chromium, or set ICTS_SCAN_CHROMIUM)",
)

FINDING_ROWS = "Array.from(document.querySelectorAll('#findings > tbody'))"
VISIBLE = f"{FINDING_ROWS}.filter(b => b.offsetParent !== null).length"
KEYS = f"{FINDING_ROWS}.map(b => b.rows[0].cells[2].dataset.sort)"


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
    if os.environ.get("ICTS_SCAN_SCREENSHOT"):  # for looking at the page during development
        page.screenshot(Path(os.environ["ICTS_SCAN_SCREENSHOT"]))
    return page, url


def _type(page: Page, selector: str, text: str) -> None:
    """Replace the box's text the way a user would: focus, select all, type."""
    page.evaluate(f"document.querySelector({json.dumps(selector)}).select()")
    if text:
        page.send("Input.insertText", {"text": text})
    else:
        page.send(
            "Input.dispatchKeyEvent",
            {
                "type": "keyDown",
                "key": "Backspace",
                "code": "Backspace",
                "windowsVirtualKeyCode": 8,
            },
        )
        page.send(
            "Input.dispatchKeyEvent", {"type": "keyUp", "key": "Backspace", "code": "Backspace"}
        )


def test_report_in_chromium(browser: Browser, tmp_path: Path, result: ScanResult) -> None:
    page, url = _load(browser, tmp_path, html.render(result))
    n = len(result.findings)

    # It renders: the script ran without errors, the hashed stylesheet applied, no console noise.
    assert page.events("Runtime.exceptionThrown") == []
    assert [e["entry"]["text"] for e in page.events("Log.entryAdded")] == []
    assert page.evaluate("document.documentElement.classList.contains('js')")
    assert (
        page.evaluate("getComputedStyle(document.querySelector('header.top')).backgroundColor")
        == "rgb(31, 58, 95)"
    )

    # Charts and tables are there.
    assert page.evaluate("document.querySelectorAll('figure.chart svg[role=img]').length") == 4
    assert page.evaluate("document.querySelectorAll('figure.chart svg rect').length") >= 5
    assert page.evaluate(VISIBLE) == n
    assert page.evaluate("document.querySelectorAll('#components > tbody').length") == len(
        result.inventory.components
    )
    assert page.evaluate("document.querySelector('#waivers-section table').rows.length") == 3

    # Search filters rows; the counter follows; clearing the box brings every row back.
    box = "input[data-filter=findings]"
    _type(page, box, "qq mail")
    assert page.evaluate(VISIBLE) == 1
    assert (
        page.evaluate(
            f"{FINDING_ROWS}.find(b => b.offsetParent !== null).rows[0].cells[1].textContent"
        )
        == "individual"
    )
    assert page.evaluate("document.getElementById('findings-count').textContent") == (
        f"1 of {n} shown"
    )
    _type(page, box, "no such thing anywhere")
    assert page.evaluate(VISIBLE) == 0
    _type(page, box, "")
    assert page.evaluate(VISIBLE) == n

    # Sorting: component ascending, then descending; severity puts the most severe first.
    keys = page.evaluate(KEYS)
    assert keys != sorted(keys)  # so that sorting visibly changes the order
    page.evaluate("document.querySelector('#findings th.comp button').click()")
    assert page.evaluate(KEYS) == sorted(keys)
    assert page.evaluate("document.querySelector('#findings th.comp').ariaSort") == "ascending"
    page.evaluate("document.querySelector('#findings th.comp button').click()")
    assert page.evaluate(KEYS) == sorted(keys, reverse=True)
    page.evaluate("document.querySelector('#findings th.sev button').click()")
    ranks = [
        SEVERITY_RANK[s]
        for s in page.evaluate(f"{FINDING_ROWS}.map(b => b.querySelector('.badge').textContent)")
    ]
    assert ranks == sorted(ranks, reverse=True)

    # A details row opens with its evidence, and closes again.
    first = "document.querySelector('#findings > tbody')"
    assert page.evaluate(f"{first}.rows[1].offsetParent") is None
    page.evaluate(f"{first}.querySelector('button.toggle').click()")
    assert page.evaluate(f"{first}.rows[1].offsetHeight") > 0
    assert page.evaluate(f"{first}.querySelector('button.toggle').ariaExpanded") == "true"
    assert page.evaluate(f"{first}.querySelectorAll('table.evidence tbody tr').length") >= 1

    # Nothing but the page itself was ever requested.
    requested = [e["request"]["url"] for e in page.events("Network.requestWillBeSent")]
    assert requested == [url]


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
