"""End to end: a real project with China- and Russia-linked dependencies, registries on loopback.

The scan must flag exactly the linked components, with the right strength and evidence,
and nothing else (tests/fixtures/e2e/README.md says how the fixture was made).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.cli import main
from tests import e2e_registry
from tests.e2e_registry import E2E
from tests.loopback import LoopbackServer


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[LoopbackServer]:
    yield from e2e_registry.serve(monkeypatch, tmp_path)


def test_scan_flags_exactly_the_linked_components(registry: LoopbackServer, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(E2E / "project", project)
    out = tmp_path / "report.json"
    code = main(["scan", str(project), "--report", f"json={out}", "--fail-on", "high"])
    doc = json.loads(out.read_text())
    flagged = {
        (f["purl"], f["check"], f["severity"], f["entity"])
        for f in doc["findings"]
        if f["severity"] != "info"
    }
    assert flagged == {
        ("pkg:npm/%40antv/util@3.3.10", "development", "high", "antv"),
        ("pkg:golang/github.com/mailru/easyjson@v0.7.7", "development", "high", "mail-ru"),
        ("pkg:pypi/alibabacloud-tea@0.4.3", "maintenance", "medium", "alibaba-cloud"),
    }
    assert [f for f in doc["findings"] if f["check"] == "unknown"] == []
    assert code == 1
    by_purl = {f["purl"]: f for f in doc["findings"]}
    easyjson = by_purl["pkg:golang/github.com/mailru/easyjson@v0.7.7"]
    assert easyjson["jurisdiction"] == "RU"
    assert easyjson["locations"] == [{"path": "go.mod", "line": 6}]
    tea = by_purl["pkg:pypi/alibabacloud-tea@0.4.3"]
    sources = {(e["kind"], e["source"]) for e in tea["evidence"]}
    assert ("fact", "pypi") in sources and ("feed", "feeds") in sources
    email = next(e for e in tea["evidence"] if e["field"] == "info.author_email")
    assert email["value"].endswith("@list.alibaba-inc.com") and email["strength"] == "self-declared"
    assert email["url"] == registry.url("/pypi/alibabacloud-tea/0.4.3/json")
    assert doc["coverage"]["known"] == doc["coverage"]["components"] == 9
