"""One version for the distribution: the CLI, the SBOM, every report and the evidence record read it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import defusedxml.ElementTree as ET
import pytest

import feeds
import scanner
from scanner.cli import main
from tests.conftest import FIXTURES, REPO

LOCKFILE = FIXTURES / "precommit" / "after"


def test_version_prints_the_tool_and_the_knowledge_base() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "scanner", "--version"],
        capture_output=True, text=True, cwd=REPO, check=True,
    )  # fmt: skip
    assert out.stdout == f"icts-scan {scanner.__version__} (feeds {feeds.load().version.label})\n"


def test_version_names_an_unusable_knowledge_base(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ICTS_SCAN_FEEDS_DIR", str(tmp_path / "missing"))
    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"icts-scan {scanner.__version__} (feeds unusable (")
    assert "icts-scan feeds verify" in out


def test_sbom_metadata_names_the_version(tmp_path: Path) -> None:
    cdx, spdx = tmp_path / "sbom.cdx.json", tmp_path / "sbom.spdx.json"
    assert main(["sbom", str(LOCKFILE), "--no-git", "-o", str(cdx)]) == 0
    assert main(["sbom", str(LOCKFILE), "--no-git", "--format", "spdx-json", "-o", str(spdx)]) == 0
    (tool,) = json.loads(cdx.read_text())["metadata"]["tools"]["components"]
    assert (tool["name"], tool["version"]) == ("icts-scan", scanner.__version__)
    creators = json.loads(spdx.read_text())["creationInfo"]["creators"]
    assert creators == [f"Tool: icts-scan-{scanner.__version__}"]


def test_reports_and_evidence_record_name_the_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ICTS_SCAN_CACHE_DIR", str(tmp_path / "cache"))
    names = {"json": "r.json", "evidence": "e.json", "sarif": "r.sarif"}
    names |= {"cyclonedx-json": "r.cdx.json", "cyclonedx-xml": "r.cdx.xml"}
    args = [f"--report={fmt}={tmp_path / name}" for fmt, name in names.items()]
    main(["scan", str(LOCKFILE), "--no-network", *args])
    doc = {fmt: tmp_path / name for fmt, name in names.items()}
    version = scanner.__version__
    assert json.loads(doc["json"].read_text())["tool"]["version"] == version
    assert json.loads(doc["evidence"].read_text())["tool"]["version"] == version
    (run,) = json.loads(doc["sarif"].read_text())["runs"]
    assert run["tool"]["driver"]["version"] == version
    (tool,) = json.loads(doc["cyclonedx-json"].read_text())["metadata"]["tools"]["components"]
    assert tool["version"] == version
    xml = ET.parse(doc["cyclonedx-xml"])
    found = [e.text for e in xml.iter() if e.tag.endswith("version") and e.text == version]
    assert found, "CycloneDX XML metadata names no tool version"


def test_the_version_lives_in_scanner_only() -> None:
    pattern = re.compile(r"^__version__\s*=", re.M)
    owners = [
        p.relative_to(REPO).as_posix()
        for pkg in ("sbom", "feeds", "scanner")
        for p in (REPO / pkg).rglob("*.py")
        if pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert owners == ["scanner/__init__.py"]
    # sbom and feeds know nothing of scanner (docs/architecture: one direction of dependency).
    imports = re.compile(r"^\s*(?:from|import)\s+scanner\b", re.M)
    for pkg in ("sbom", "feeds"):
        for p in (REPO / pkg).rglob("*.py"):
            assert not imports.search(p.read_text(encoding="utf-8")), p
