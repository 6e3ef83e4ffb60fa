"""The HTML report: golden file, well-formed markup, embedded data, escaping of hostile strings, CSP."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from dataclasses import replace
from html.parser import HTMLParser
from typing import Any

import pytest

from scanner.assess.model import Evidence
from scanner.pipeline import ScanResult
from scanner.report import html, html_data
from scanner.report.groups import group
from scanner.report.html_script import SCRIPT
from tests.conftest import FIXTURES

GOLDEN = FIXTURES / "golden" / "report.html"
VOID = {"meta", "link", "br", "input", "rect", "hr", "img"}
DATA = re.compile(r'<script ([^>]*)id="report-data">(.*?)</script>', re.S)


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
        for key in ("data-filter", "data-select", "data-expand", "data-pager"):
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
    assert checker.errors == [] and checker.stack == []
    assert len(checker.ids) == len(set(checker.ids))
    assert set(checker.refs) <= set(checker.ids)
    return checker


def payload(text: str) -> dict[str, Any]:
    """The page's embedded data, unpacked when packed."""
    match = DATA.search(text)
    assert match is not None
    attrs, body = match.groups()
    if 'data-packed="gzip"' in attrs:
        body = gzip.decompress(base64.b64decode(body)).decode("utf-8")
    else:
        assert "<" not in body  # nothing in the data can end the element
    data: dict[str, Any] = json.loads(body)
    return data


def strings(text: str) -> list[str]:
    table: list[str] = payload(text)["s"]
    return table


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
    parse(text)  # the "schema": well-formed, strictly nested, ids and references resolve
    if update_golden:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8"), "run pytest --update-golden and review"


def test_deterministic(result: ScanResult) -> None:
    assert html.render(result) == html.render(result)


def test_static_content(result: ScanResult) -> None:
    text = html.render(result)
    for needle in (
        "icts-scan 0.0.0-test",
        result.feed_version,
        "2026-11-01",  # as of
        "Findings by severity",
        "Coverage: provenance and sources",
        "Provenance known for 7 of 8 third-party components (12% unknown).",
        'data-show="unknown:lookup-failed"',
        "broken/yarn.lock:4",
        "npm/yarn-lock: unterminated string",
        ">stale<",
        ">used<",
        ">expired<",  # the acceptance A-2
        "CI builds only",
        'value="unknown:lookup-failed"',
    ):
        assert needle in text, needle
    assert "illegal" not in text.lower() and "banned" not in text.lower()
    assert "Consolidated Screening List snapshot is a sample" not in text
    sample = html.render(replace(result, csl_complete=False, fail_on_unknown_above=0.1))
    assert "Consolidated Screening List snapshot is a sample" in sample
    assert "is above the policy's limit of 10%" in sample


def test_data(result: ScanResult) -> None:
    """Every row of the big tables is in the data, none in the markup."""
    text = html.render(result)
    data = payload(text)
    s = data["s"]
    groups = group(result.findings)
    assert [s[g["ti"]] for g in data["groups"]] == [g.title for g in groups]
    assert "2 packages under @antv — AntV" in s
    assert [len(g["f"]) for g in data["groups"]] == [len(g.findings) for g in groups]
    assert len(data["findings"]) == len(result.findings)
    rows = data["components"]
    assert [s[r[0]] for r in rows] == [c.purl for c in result.inventory.components]
    assert all(len(r) == len(html_data.COMPONENT) for r in rows)
    leftover = next(r for r in rows if s[r[1]] == "leftover")
    assert leftover[7] == html_data.UNKNOWN and s[leftover[8]] == "lookup-failed"
    assert s[leftover[9]] == "npm: HTTP 500"
    # A dependency path, a waiver, an acceptance, a supply-path finding's components.
    paths = [[s[p] for p in path] for f in data["findings"] for path in f.get("pa", ())]
    assert [result.inventory.components[0].purl, result.inventory.components[1].purl] in paths
    assert {s[f["w"]] for f in data["findings"] if "w" in f} == {"W-7"}
    supply = next(f for f in data["findings"] if "cs" in f)
    assert s[supply["a"]] == "A-1" and len(supply["cs"]) == 1
    assert {s[g["st"]] for g in data["groups"]} == {"active", "waived", "accepted risk"}
    assert text.count("<tr") < 40  # only the static tables are markup


def test_fixture_hostile_strings_are_escaped(result: ScanResult) -> None:
    text = html.render(result)
    assert "<img" not in text and "<script>alert" not in text
    assert "\x1b" not in text and text.count("<script>") == 1
    s = strings(text)
    assert "<script>alert(1)</script>" in s  # a component's name, shown as text by the page
    assert any(x.startswith("**bold** <img src=x onerror=alert(1)>") for x in s)
    assert any("\\u001b[31mred" in x for x in s)


def test_hostile_finding(result: ScanResult) -> None:
    text = html.render(_hostile(result))
    checker = parse(text)
    assert "<img" not in text and "<b>bold" not in text
    assert "</script><script>" not in text and text.count("<script>") == 1
    for tag, attrs in checker.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
    data = payload(text)
    s = data["s"]
    ev = data["findings"][0]["ev"]
    stride = html_data.EVIDENCE_STRIDE
    links = {s[ev[i + 4]]: ev[i + 5] for i in range(0, len(ev), stride)}
    # Only the plain http(s) URL may become a link; javascript:, spaces and quotes stay text.
    assert links == {
        "javascript:alert(1)": 0,
        'https://ok.invalid/" onmouseover="alert(1)': 0,
        "https://ok.invalid/a b": 0,
        "https://ok.invalid/fine?a=1&b=2": 1,
    }
    assert not any("\u202e" in x for x in s) and any(x.startswith("\\u202eevil") for x in s)
    assert not any("A" * 2001 in x for x in s) and any("more characters]" in x for x in s)


def _surrogates(result: ScanResult) -> ScanResult:
    """Lone surrogates (what a mis-decoded file name or registry field yields) and malformed
    URLs everywhere text from input reaches the report."""
    bad, url = "x\ud800y\udfff", "http://[::1/\ud800"
    comps = result.inventory.components
    inv = replace(
        result.inventory,
        root=bad,
        components=(replace(comps[0], name=bad, version=bad, purl="pkg:npm/" + bad), *comps[1:]),
        files=(replace(result.inventory.files[0], path=bad), *result.inventory.files[1:]),
        issues=(replace(result.inventory.issues[0], message=bad),),
    )
    evidence = (Evidence("fact", bad, bad, bad, url, bad, "self-declared", bad),)
    first = replace(result.findings[0], reason=bad, entity_name=bad, evidence=evidence)
    stages = tuple(replace(s, detail=bad) for s in result.stages)
    waivers = tuple(replace(u, note=bad) for u in result.waivers)
    return replace(
        result,
        inventory=inv,
        findings=(first, *result.findings[1:]),
        stages=stages,
        waivers=waivers,
        feed_version=bad,
    )


@pytest.mark.parametrize("limit", [html_data.PLAIN_LIMIT, 0], ids=["plain", "packed"])
def test_lone_surrogates_and_malformed_urls(
    result: ScanResult, limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(html_data, "PLAIN_LIMIT", limit)
    text = html.render(_surrogates(result))
    text.encode("utf-8")  # strict: a lone surrogate would raise here, in the writer
    parse(text)
    assert "x\ufffdy\ufffd" in text
    s = strings(text)
    assert not any(re.search("[\ud800-\udfff]", x) for x in s)
    assert "x\ufffdy\ufffd" in s and "http://[::1/\ufffd" in s


def test_packed_data_is_the_same(result: ScanResult, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = payload(html.render(result))
    monkeypatch.setattr(html_data, "PLAIN_LIMIT", 0)
    text = html.render(result)
    assert 'data-packed="gzip"' in text and payload(text) == plain


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
    assert (
        "innerHTML" not in SCRIPT and "eval(" not in SCRIPT and "insertAdjacentHTML" not in SCRIPT
    )


def test_empty(empty_result: ScanResult) -> None:
    text = html.render(empty_result)
    parse(text)
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
        ("http://[::1", False),  # urlsplit raises on it
        ("https://a.invalid/\ud800", False),
        (None, False),
    ],
)
def test_links(url: str | None, linked: bool) -> None:
    assert html_data.linkable(url) is linked
