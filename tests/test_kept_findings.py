"""Kept findings: a repeat scan of the same inventory, provenance and knowledge base takes
its findings as kept, reports exactly what the first scan did, and assesses again whenever
any of them changed (scanner/assess/kept.py)."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from feeds.load import PACKAGED_DIR
from scanner.assess import kept, run
from scanner.assess.model import Evidence, Finding
from scanner.cli import main
from scanner.net.cache import Cache
from tests import e2e_registry
from tests.e2e_registry import E2E
from tests.feeds.conftest import edit_json
from tests.loopback import LoopbackServer, Reply

# What differs between two runs of one scan: the clock.
_VOLATILE = ("started", "finished", "stages")
FORMATS = ("json", "sarif", "markdown", "html", "cyclonedx-json")


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[LoopbackServer]:
    yield from e2e_registry.serve(monkeypatch, tmp_path)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(E2E / "project", root)
    return root


@pytest.fixture
def assessed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the assessments that actually ran."""
    calls: list[int] = []
    real = run.assess

    def counting(*args: Any, **kwargs: Any) -> list[Finding]:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(run, "assess", counting)
    return calls


def _scan(project: Path, out: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    out.mkdir(exist_ok=True)
    reports = [a for fmt in FORMATS for a in ("--report", f"{fmt}={out / fmt}")]
    code = main(["scan", str(project), *reports, "--fail-on", "high", *extra])
    doc = json.loads((out / "json").read_text())
    return code, {k: v for k, v in doc.items() if k not in _VOLATILE}


@pytest.mark.usefixtures("registry")
def test_a_repeat_scan_reports_the_same_without_assessing_or_building_the_knowledge_base(
    project: Path, tmp_path: Path, assessed: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, first = _scan(project, tmp_path / "first")
    assert code == 1 and len(first["findings"]) >= 3 and assessed == [1]

    def never(*args: object) -> None:
        raise AssertionError("the knowledge base was built")

    monkeypatch.setattr("feeds.build.build", never)
    again, second = _scan(project, tmp_path / "second")
    assert assessed == [1], "the findings were taken as kept"
    assert (again, second) == (code, first)
    for fmt in ("sarif", "markdown", "cyclonedx-json"):
        a, b = ((tmp_path / run_ / fmt).read_text() for run_ in ("first", "second"))
        assert _timeless(a) == _timeless(b), fmt


def _timeless(text: str) -> str:
    """A report without its times (start, end, the serial number drawn for each BOM)."""
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?", "T", text)
    text = re.sub(r"urn:uuid:[0-9a-f-]{36}", "U", text)
    return re.sub(r'"(seconds|durationMs)": [0-9.e-]+', "S", text)


@pytest.mark.usefixtures("registry")
def test_every_input_of_the_findings_is_part_of_their_key(
    project: Path, tmp_path: Path, assessed: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    _scan(project, out)
    _scan(project, out)
    assert len(assessed) == 1
    _scan(project, out, "--profile", "connected-vehicles")
    assert len(assessed) == 2, "another profile"
    _scan(project, out, "--as-of", "2025-06-01")
    assert len(assessed) == 3, "another day"
    # Another inventory: one more dependency, and only a moved line of a lockfile.
    req = project / "requirements.txt"
    req.write_text("\n" + req.read_text())
    _scan(project, out)
    assert len(assessed) == 4, "the same packages, found on other lines"
    # Another knowledge base: the same records with one name changed.
    data = tmp_path / "data"
    shutil.copytree(PACKAGED_DIR, data)

    def note(doc: dict[str, Any]) -> None:
        doc["records"][0]["name"] += " (as renamed)"

    edit_json(data, "jurisdictions.json", note)
    monkeypatch.setenv("ICTS_SCAN_FEEDS_DIR", str(data))
    _scan(project, out)
    assert len(assessed) == 5, "another knowledge base"
    _scan(project, out)
    assert len(assessed) == 5


@pytest.mark.usefixtures("registry")
def test_waivers_apply_to_kept_findings(project: Path, tmp_path: Path, assessed: list[int]) -> None:
    out = tmp_path / "out"
    _, first = _scan(project, out)
    target = next(f for f in first["findings"] if f["severity"] == "high")
    (project / ".icts-scan.toml").write_text(
        "[[waivers]]\n"
        'id = "SEC-1"\n'
        f'purl = "{target["purl"]}"\n'
        f'check = "{target["check"]}"\n'
        'reason = "reviewed"\napprover = "security"\ndate = 2026-01-01\nexpires = 2099-01-01\n'
    )
    _, second = _scan(project, out)
    assert len(assessed) == 1, "a policy file changes what is excused, not what is found"
    waived = [f for f in second["findings"] if f["purl"] == target["purl"]]
    assert waived and all(f["waiver"] == "SEC-1" for f in waived if f["check"] == target["check"])


def test_a_failed_lookup_keeps_no_findings(
    registry: LoopbackServer,
    project: Path,
    tmp_path: Path,
    assessed: list[int],
) -> None:
    registry.route("/is-number", Reply(503))
    out = tmp_path / "out"
    for _ in range(2):
        _scan(project, out, "--max-time", "30")
    assert len(assessed) == 2, "an outage is asked again, and what rests on it assessed again"


def _finding(**changes: Any) -> Finding:
    evidence = Evidence("fact", "info.author_email", "x@example.invalid", "pypi", None, None, "self-declared", "note \ud800")  # fmt: skip
    base: dict[str, Any] = {
        "purl": "pkg:pypi/x@1.0",
        "check": "maintenance",
        "outcome": "maintenance-link",
        "tier": "medium",
        "severity": "medium",
        "reason": "r",
        "provision": "p",
        "remediation": "m",
        "entity": "e",
        "entity_name": "E",
        "jurisdiction": "CN",
        "chain": ("e", "parent"),
        "confidence": "high",
        "evidence": (evidence, evidence),
        "locations": (("requirements.txt", 3), ("other.txt", None)),
        "paths": (("a", "b"), ("c",)),
        "basis": "b",
        "namespace": "n",
        "notes": ("one",),
        "listings": ("L",),
        "components": (),
    }
    base.update(changes)
    return Finding(**base)


def test_kept_findings_round_trip_exactly() -> None:
    findings = [_finding(), _finding(purl="pkg:npm/y@2", entity=None, chain=(), evidence=())]
    assert kept.load(kept.dump(findings, False)) == (findings, False)
    assert kept.load(kept.dump([], True)) == ([], True)
    assert kept.load(b"[true]") is None and kept.load(b"not json") is None
    assert kept.load(b'[true, [["too", "few"]]]') is None


def test_kept_findings_expire_with_the_provenance_they_rest_on(tmp_path: Path) -> None:
    with Cache(tmp_path / "cache.sqlite3") as cache:
        kept.Kept(cache, "k", until=200.0, now=100.0).put([_finding()], True)
        assert kept.Kept(cache, "k", until=200.0, now=150.0).get() == ([_finding()], True)
        assert kept.Kept(cache, "k", until=200.0, now=250.0).get() is None
        kept.Kept(cache, "old", until=100.0, now=150.0).put([_finding()], True)
        assert cache.info().derived == 1, "what has expired already is not kept"


def test_the_key_names_every_field_a_finding_has() -> None:
    one = kept.key("settled", "sha256:feeds", "2026-01-01", "icts")
    assert one == kept.key("settled", "sha256:feeds", "2026-01-01", "icts")
    changed: list[Callable[[], str]] = [
        lambda: kept.key("other", "sha256:feeds", "2026-01-01", "icts"),
        lambda: kept.key("settled", "sha256:other", "2026-01-01", "icts"),
        lambda: kept.key("settled", "sha256:feeds", "2026-01-02", "icts"),
        lambda: kept.key("settled", "sha256:feeds", "2026-01-01", "bulk-data"),
    ]
    assert all(make() != one for make in changed)


def test_findings_rest_on_the_network_results_themselves_not_only_on_their_key(
    registry: LoopbackServer,
    project: Path,
    tmp_path: Path,
    assessed: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two scans sharing a cache may keep different answers under one inventory row key (a
    registry changed between them, one scan's write lost): findings kept for the one are
    never read for the other."""
    first = tmp_path / "first"
    monkeypatch.setenv("ICTS_SCAN_CACHE_DIR", str(first))
    _, before = _scan(project, tmp_path / "a")
    assert not [f for f in before["findings"] if f["purl"].startswith("pkg:pypi/requests@")]
    # The registry now names a linked company's address for `requests`; another cache sees it.
    doc = json.loads((E2E / "registry" / "pypi" / "requests-2.32.3.json").read_text())
    doc["info"]["author_email"] = "dev@alibaba-inc.com"
    registry.route("/pypi/requests/2.32.3/json", Reply.json(doc))
    monkeypatch.setenv("ICTS_SCAN_CACHE_DIR", str(tmp_path / "second"))
    _scan(project, tmp_path / "b")
    # Its inventory row lands in the first cache, over the first scan's, under the same key.
    (newer,) = _rows(tmp_path / "second", "inventory")
    (older,) = _rows(first, "inventory")
    assert newer[0] == older[0] and newer[1] != older[1]
    with sqlite3.connect(next(first.glob("*.sqlite3"))) as conn:
        conn.execute("UPDATE derived SET payload = ? WHERE key = ?", (newer[1], newer[0]))
    monkeypatch.setenv("ICTS_SCAN_CACHE_DIR", str(first))
    _, after = _scan(project, tmp_path / "c")
    assert len(assessed) == 3, "the first scan's findings do not rest on these results"
    linked = [f for f in after["findings"] if f["purl"].startswith("pkg:pypi/requests@")]
    assert linked and linked[0]["entity"] in ("alibaba-group", "alibaba-cloud")


def _rows(cache: Path, source: str) -> list[tuple[str, bytes]]:
    with sqlite3.connect(next(cache.glob("*.sqlite3"))) as conn:
        found = conn.execute("SELECT key, payload FROM derived WHERE source = ?", (source,))
        return [(str(k), bytes(v)) for k, v in found]


@pytest.mark.usefixtures("registry")
def test_a_tree_with_installed_packages_is_kept_too(
    project: Path, tmp_path: Path, assessed: list[int]
) -> None:
    """Installed metadata is read every scan; while it is unchanged its facts are the same,
    and the findings are taken as kept."""
    installed = project / "node_modules" / "is-number"
    installed.mkdir(parents=True)
    (installed / "package.json").write_text(
        json.dumps({"name": "is-number", "version": "7.0.0", "author": {"name": "someone"}})
    )
    out = tmp_path / "out"
    _, first = _scan(project, out)
    _, second = _scan(project, out)
    assert len(assessed) == 1 and second == first
    facts = [f for c in second["components"] for f in c["provenance"]["facts"]]
    assert any(f["source"] == "local" for f in facts), "the installed copy was read"
