"""The HTML report: golden file, well-formed markup, escaping of hostile strings, CSP, determinism."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from scanner.assess.model import Evidence
from scanner.pipeline import ScanResult
from scanner.report import html
from scanner.report.html_assets import SCRIPT
from tests.conftest import FIXTURES

GOLDEN = FIXTURES / "golden" / "report.html"
VOID = {"meta", "link", "br", "input", "rect", "hr", "img"}


class Structure(HTMLParser):
    """Checks strict nesting (every element closed, in order), unique ids, and collects facts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.refs: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if "id" in attributes:
            self.ids.append(str(attributes["id"]))
        for key in ("aria-controls", "data-filter", "data-count", "data-expand"):
            if key in attributes:
                self.refs.append(str(attributes[key]))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))  # SVG's self-closing <rect/>

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def parse(text: str) -> Structure:
    checker = Structure()
    checker.feed(text)
    checker.close()
    return checker


def _hostile(result: ScanResult) -> ScanResult:
    """Every hostile value a registry could hand us, in a finding's most exposed places."""
    evil = (
        Evidence("fact", "info.home_page", "javascript:alert(1)", "pypi", "javascript:alert(1)",
                 None, "self-declared"),
        Evidence("fact", "info.x", 'x" onmouseover="alert(1)', "pypi",
                 'https://ok.invalid/" onmouseover="alert(1)', None, "self-declared"),
        Evidence("fact", "info.y", "\u202eevil\u202c " + "A" * 5000, "pypi",
                 "https://ok.invalid/a b", None, "self-declared"),
        Evidence("fact", "info.z", "</script><script>alert(2)</script>", "pypi",
                 "https://ok.invalid/fine?a=1&b=2", None, "self-declared"),
    )  # fmt: skip
    first = replace(
        result.findings[0],
        entity_name='"><img src=x onerror=alert(3)>',
        reason="<b>bold</b> \x1b[31mred\x1b[0m",
        evidence=evil,
    )
    return replace(result, findings=(first, *result.findings[1:]))


def test_golden(result: ScanResult, update_golden: bool) -> None:
    text = html.render(result)
    checker = parse(text)  # the "schema": well-formed, strictly nested, ids resolve
    assert checker.errors == [] and checker.stack == []
    assert len(checker.ids) == len(set(checker.ids))
    assert set(checker.refs) <= set(checker.ids)
    if update_golden:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8"), "run pytest --update-golden and review"


def test_deterministic(result: ScanResult) -> None:
    assert html.render(result) == html.render(result)


def test_content(result: ScanResult) -> None:
    text = html.render(result)
    for needle in (
        "icts-scan 0.0.0-test",
        result.feed_version,
        "Findings by severity",
        "Findings by jurisdiction",
        "Findings by entity (top 10)",
        "Coverage: provenance and sources",
        "broken/yarn.lock:4",
        "npm/yarn-lock: unterminated string",
        "W-8",
        ">stale<",
        ">used<",
        "app-ui@2.0.0</code> › <code>@antv/g2@5.1.0",
        "15 CFR 791.103(b)(2)",
    ):
        assert needle in text, needle
    assert text.count('<tbody class="rec') == len(result.findings) + len(
        result.inventory.components
    )
    assert "illegal" not in text.lower() and "banned" not in text.lower()


def test_fixture_hostile_strings_are_escaped(result: ScanResult) -> None:
    text = html.render(result)
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<img" not in text and "<script>alert" not in text
    assert "\x1b" not in text and "\\u001b[31mred" in text
    assert text.count("<script>") == 1


def test_hostile_finding(result: ScanResult) -> None:
    text = html.render(_hostile(result))
    checker = parse(text)
    assert checker.errors == [] and checker.stack == []
    assert "<img" not in text and "<script>alert" not in text and "<b>bold" not in text
    assert "</script><script>" not in text and text.count("<script>") == 1
    hrefs = {str(a.get("href")) for tag, a in checker.tags if tag == "a"}
    # Only the plain http(s) URL becomes a link; javascript:, spaces and quotes stay text.
    assert "https://ok.invalid/fine?a=1&b=2" in hrefs
    assert all(h.startswith(("https://", "http://", "#")) for h in hrefs)
    assert not any('"' in h or " " in h for h in hrefs)
    for tag, attrs in checker.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        if tag == "a" and not str(attrs["href"]).startswith("#"):
            assert attrs["rel"] == "noreferrer noopener"
    assert "\u202e" not in text and "\\u202eevil" in text
    assert "A" * 2001 not in text and "more characters]" in text


def test_csp_allows_exactly_the_inline_script_and_style(result: ScanResult) -> None:
    text = html.render(result)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', text)
    assert csp is not None
    policy = dict(p.strip().split(" ", 1) for p in csp.group(1).split(";"))
    assert policy["default-src"] == "'none'" and policy["img-src"] == "data:"

    def digest(pattern: str) -> str:
        match = re.search(pattern, text, re.S)
        assert match is not None
        raw = hashlib.sha256(match.group(1).encode()).digest()
        return f"'sha256-{base64.b64encode(raw).decode()}'"

    assert policy["script-src"] == digest(r"<script>(.*?)</script>")
    assert policy["style-src"] == digest(r"<style>(.*?)</style>")
    assert "innerHTML" not in SCRIPT and "eval(" not in SCRIPT


def test_empty(empty_result: ScanResult) -> None:
    text = html.render(empty_result)
    checker = parse(text)
    assert checker.errors == [] and checker.stack == []
    assert "No findings." in text and "No components." in text
    assert "No waivers configured." in text and "<table" not in text


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://example.invalid/x", True),
        ("http://example.invalid/x", True),
        ("javascript:alert(1)", False),
        ("data:text/html,hi", False),
        ("web/package-lock.json", False),
        ("https:///nohost", False),
        ("https://a.invalid/\x00", False),
    ],
)
def test_links(url: str, linked: bool) -> None:
    assert ("<a href=" in html._link(url)) is linked
