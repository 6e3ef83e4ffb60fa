"""``icts-scan merge``: a sharded scan's JSON reports become the unsharded result and one stored run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from scanner import cli
from scanner.store import open_store
from scanner.store import schema as s
from tests.test_diff import commit, git, lockfile

PROJECTS = {
    "a": {"@antv/g2": "5.1.0", "left-pad": "1.3.0"},
    "b": {"left-pad": "1.3.0", "is-number": "7.0.0"},
    "c": {"@antv/l7": "2.20.0", "left-pad": "1.3.0"},
}


@pytest.fixture
def mono(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ICTS_SCAN_CACHE_DIR", str(tmp_path / "cache"))
    repo = tmp_path / "mono"
    repo.mkdir()
    git(repo, "init", "-q")
    commit(
        repo,
        {f"{p}/package-lock.json": lockfile(deps) for p, deps in PROJECTS.items()},
        "three projects",
    )
    return repo


def _scan(repo: Path, out: Path, *args: str) -> dict[str, object]:
    cli.main(["scan", str(repo), "--no-network", "--report", f"json={out}", *args])
    return json.loads(out.read_text())  # type: ignore[no-any-return]


def _findings(doc: dict[str, object]) -> set[tuple[str, str, str, tuple[str, ...]]]:
    return {
        (f["purl"], f["check"], f["severity"], tuple(sorted(loc["path"] for loc in f["locations"])))
        for f in doc["findings"]  # type: ignore[attr-defined]
    }


def test_merged_shards_are_the_unsharded_scan_and_one_run(
    mono: Path, tmp_path: Path, store_url: str
) -> None:
    full = _scan(mono, tmp_path / "full.json")
    shards = [tmp_path / f"shard-{i}.json" for i in (1, 2)]
    for i, path in enumerate(shards, 1):
        _scan(mono, path, "--shard", f"{i}/2")
    merged_path = tmp_path / "merged.json"
    args = [
        "merge",
        *map(str, shards),
        "--report",
        f"json={merged_path}",
        "--store",
        store_url,
        "--repository",
        "mono",
        "--revision",
        "c" * 40,
    ]
    assert cli.main(args) == 1  # the AntV packages are at or above high
    merged = json.loads(merged_path.read_text())
    components = {
        c["purl"]: sorted(loc["path"] for loc in c["locations"]) for c in merged["components"]
    }
    assert components == {
        c["purl"]: sorted(loc["path"] for loc in c["locations"]) for c in full["components"]
    }
    assert components["pkg:npm/left-pad@1.3.0"] == [
        "a/package-lock.json",
        "b/package-lock.json",
        "c/package-lock.json",
    ]
    assert _findings(merged) == _findings(full)
    assert merged["summary"] == full["summary"]
    assert {p["path"] for p in merged["projects"]} == {"a", "b", "c"}
    assert next(s["detail"] for s in merged["stages"]).endswith("(merged from 2 shards)")

    assert cli.main(args) == 1  # recorded again: nothing changes
    with open_store(store_url) as store, store.begin() as conn:
        runs = conn.execute(sa.select(s.runs.c.kind, s.runs.c.components, s.runs.c.revision)).all()
    assert [tuple(r) for r in runs] == [("merge", len(components), "c" * 40)]


def test_merge_refuses_what_is_not_a_report_or_not_one_scan(
    mono: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"report_version": "1.0",\n  "components": [}\n')
    assert cli.main(["merge", str(broken)]) == 2
    assert f"{broken}:2: not JSON" in capsys.readouterr().err
    one, other = tmp_path / "one.json", tmp_path / "other.json"
    _scan(mono, one, "--shard", "1/2")
    doc = _scan(mono, other, "--shard", "2/2", "--profile", "connected-vehicles")
    assert doc["profile"] == "connected-vehicles"
    assert cli.main(["merge", str(one), str(other)]) == 2
    assert "differ in profile" in capsys.readouterr().err
    assert cli.main(["merge", str(one), "--report", "cyclonedx-json"]) == 2
