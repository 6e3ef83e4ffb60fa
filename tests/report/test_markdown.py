"""Markdown report: golden, GitHub's size limits, and hostile registry text kept inert."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.assess.model import Evidence, Finding
from scanner.assess.policy import Waiver, WaiverUse
from scanner.pipeline import ScanResult
from scanner.report import markdown
from tests.conftest import FIXTURES

GOLDEN = FIXTURES / "golden" / "report.md"
FOOTER = "These are indicators for review, not legal determinations"


def _html(text: str) -> str:
    """Render like GitHub does (CommonMark + tables, raw HTML allowed, then sanitized)."""
    markdown_it = pytest.importorskip("markdown_it")
    return str(markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table").render(text))


def _hostile(result: ScanResult) -> str:
    # The fixture's hostile registry text (HTML, Markdown, a pipe, ANSI escapes).
    fact = next(
        f for p in result.enriched.provenance.values() for f in p.facts if "<img" in f.value
    )
    return fact.value


def test_golden(result: ScanResult, update_golden: bool) -> None:
    text = markdown.render(result)
    if update_golden:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert GOLDEN.exists(), "missing golden file: run pytest --update-golden"
    assert text == GOLDEN.read_text(encoding="utf-8"), (
        "Markdown changed: review, then --update-golden"
    )
    assert markdown.render(result) == text  # deterministic


def test_shape(result: ScanResult) -> None:
    text = markdown.render(result)
    lines = text.splitlines()
    assert lines[0] == "<!-- icts-scan -->"
    assert (
        "**2 findings at or above high.** 4 in total in 3 groups, 1 waived, 1 accepted risk."
        in lines
    )
    assert "| high | 2 |" in lines and "| waived | 1 |" in lines
    assert "| accepted risk | 1 |" in lines and "| info |" not in text
    assert "| AntV | CN | 2 |" in lines
    assert "| CN | 4 |" in lines
    assert "Provenance known for 7 of 8 third-party components." in lines
    assert "| lookup-failed | 1 | every applicable source failed" in text
    assert any("Incomplete scan" in line for line in lines)
    assert "| broken/yarn.lock | 4 | npm/yarn-lock: unterminated string |" in lines
    # One block per cause, most severe first; waived and accepted ones are listed apart.
    headings = [line for line in lines if line.startswith("#### ")]
    assert headings[0] == "#### 1. HIGH · 2 packages under @\u200bantv — AntV"
    assert headings[-1].startswith("#### 3. LOW")
    assert "easyjson" not in "".join(headings) and "npmmirror" not in "".join(headings)
    assert "**Dependency path:** app-ui@2.0.0 → @\u200bantv/g2@5.1.0" in text
    assert re.search(r"^\| W-7 \| used \|", text, re.M) and re.search(
        r"^\| W-8 \| stale \|", text, re.M
    )
    assert re.search(r"^\| A-1 \| used \| mirror npmmirror \| 1 \|", text, re.M)
    assert text.count("<details>") == text.count("</details>") == 4
    assert FOOTER in lines[-1]
    for word in ("illegal", "banned"):
        assert word not in text.lower()


def test_renders_as_html(result: ScanResult) -> None:
    html = _html(markdown.render(result))
    assert "<table>" in html and "<details><summary>Evidence (5)</summary>" in html
    assert '<a href="https://github.com/antvis/G2">feeds</a>' in html


def test_empty_result(empty_result: ScanResult) -> None:
    text = markdown.render(empty_result)
    assert text.startswith("<!-- icts-scan -->\n")
    assert "**No findings at or above high.** 0 in total in 0 groups, 0 waived" in text
    assert "Findings by cause" not in text and "### Waivers" not in text
    assert FOOTER in text
    assert "<p>" in _html(text)


def _hostile_result(result: ScanResult) -> ScanResult:
    bad = _hostile(result)
    script = next(c.purl for c in result.inventory.components if "script" in c.name)
    ev = Evidence("fact", bad, bad, bad, "javascript:alert(1)", None, bad, bad)
    link = Evidence(
        "fact", "x", "@octocat #1 owner/repo#2", "s", 'https://x.invalid/"><img src=x>', None, "s"
    )
    f = Finding(
        script,
        "development",
        "development-link",
        "strong",
        "high",
        bad,
        bad,
        bad,
        entity=bad,
        entity_name=bad,
        jurisdiction=bad,
        chain=(bad, bad),
        evidence=(ev, link),
        locations=((bad, 3),),
        paths=((bad, script),),
    )
    waiver = Waiver(bad, script, bad, bad, bad, "2026-01-01", bad)
    issue = replace(result.inventory.issues[0], path=bad, message=bad)
    inv = replace(result.inventory, issues=(issue,))
    return replace(
        result,
        inventory=inv,
        findings=(f,),
        waivers=(WaiverUse(waiver, "stale", 0, bad),),
        tool_version=bad,
        feed_version=bad,
    )


def test_hostile_strings_cannot_inject_markup(result: ScanResult) -> None:
    text = markdown.render(_hostile_result(result))
    for raw in ("<img", "<script", "\x1b", 'href="javascript:'):
        assert raw not in text
    # Every unescaped pipe is a cell border: each table row keeps its column count.
    for block in re.findall(r"(?:^\|.*\|\n)+", text, re.M):
        rows = block.splitlines()
        widths = {len(re.split(r"(?<!\\)\|", row)) for row in rows}
        assert len(widths) == 1, rows
    html = _html(text)
    assert "<img" not in html and "<script" not in html and "<strong>bold" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # shown as text
    assert "@\u200boctocat" in text and "#\u200b1" in text and "#\u200b2" in text  # no pings
    assert 'href="https://x.invalid/&quot;&gt;&lt;img src=x&gt;"' in text


@given(st.text(max_size=300))
def test_any_text_stays_in_its_table_cell(value: str) -> None:
    cell = markdown.md(value)
    assert "\x1b" not in cell and "\n" not in cell
    html = _html(f"| a |\n| --- |\n| {cell} |\n")
    assert html.count("<td>") == 1
    inner = html.split("<td>", 1)[1].split("</td>", 1)[0]
    assert "<" not in inner


@given(st.text(max_size=300))
def test_any_text_is_inert_html(value: str) -> None:
    cell = markdown.esc(value)
    assert "<" not in cell and ">" not in cell and '"' not in cell and "\n" not in cell


def _many(result: ScanResult, n: int, heavy: bool) -> ScanResult:
    base = next(f for f in result.findings if f.check == "development" and not f.waiver)
    evidence = base.evidence
    if heavy:  # every value at its cap: each finding's block is large
        evidence = tuple(replace(e, value="v" * 400, note="n" * 400) for e in base.evidence * 4)
    findings = tuple(
        replace(
            base,
            purl=f"pkg:npm/p{i:05d}@1.0.0",
            entity=f"e{i:05d}",  # one cause each: the worst case for the comment's size
            reason="r" * 600,
            evidence=evidence,
        )
        for i in range(n)
    )
    return replace(result, findings=findings)


@pytest.mark.parametrize("heavy", [False, True])
def test_size_limit_with_5000_findings(result: ScanResult, heavy: bool) -> None:
    text = markdown.render(_many(result, 5000, heavy))
    assert markdown.size(text) <= markdown.MAX_CHARS
    assert len(text.encode()) <= 1024 * 1024  # the job-summary limit
    shown = text.count("\n#### ")
    assert 0 < shown <= markdown.MAX_FINDINGS
    assert f"### Findings by cause ({shown} of 5,000, most severe first)" in text
    assert f"_{5000 - shown:,} more groups not shown here" in text
    assert text.count("<details>") == text.count("</details>") == shown
    assert FOOTER in text.splitlines()[-1]
    if heavy:
        assert shown < markdown.MAX_FINDINGS  # the size budget, not the count, cut the list


@pytest.mark.parametrize("limit", [9_000, 15_000, 30_000])
def test_cut_between_findings_never_inside_one(result: ScanResult, limit: int) -> None:
    text = markdown.render(_many(result, 200, heavy=True), limit=limit)
    assert markdown.size(text) <= limit
    assert text.count("<details>") == text.count("</details>")
    assert text.count("<table>") == text.count("</table>")
    assert FOOTER in text
