"""``icts-scan fleet`` on a real Dask local cluster over git repositories made here, registry on loopback."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from scanner import cli
from scanner.store import open_store
from scanner.store import schema as s
from tests.loopback import LoopbackServer, Reply, source_env
from tests.test_diff import commit, git, lockfile

# Five repositories; left-pad is in all of them, is-number and @antv/g2 in several.
REPOS = {
    "web": {"left-pad": "1.3.0", "is-number": "7.0.0", "@antv/g2": "5.1.0"},
    "api": {"left-pad": "1.3.0", "is-number": "7.0.0", "ms": "2.1.3"},
    "cli": {"left-pad": "1.3.0", "@antv/g2": "5.1.0", "chalk": "5.3.0"},
    "docs": {"left-pad": "1.3.0", "is-number": "7.0.0"},
    "broken": {"left-pad": "1.3.0", "debug": "4.3.4"},
}


def _packument(name: str, version: str) -> dict[str, object]:
    user = {"name": "maintainer", "email": "maintainer@example.invalid"}
    return {"name": name, "maintainers": [user], "versions": {version: {"_npmUser": user}}}


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> LoopbackServer:
    server = LoopbackServer().start()
    for deps in REPOS.values():
        for name, version in deps.items():
            server.route("/" + quote(name, safe="@"), Reply.json(_packument(name, version)))
    # Worker processes inherit this environment: every source on loopback, a fresh cache.
    for name, value in source_env(server.base_url).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ICTS_SCAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    yield server  # type: ignore[misc]
    server.stop()


def _repositories(root: Path) -> dict[str, Path]:
    paths = {}
    for name, deps in REPOS.items():
        path = root / name
        path.mkdir(parents=True)
        git(path, "init", "-q")
        commit(path, {"package-lock.json": lockfile(deps)}, "lockfile")
        paths[name] = path
    # Damaged: the commit HEAD names is gone from the object database.
    shutil.rmtree(paths["broken"] / ".git" / "objects")
    (paths["broken"] / ".git" / "objects").mkdir()
    return paths


def test_fleet_on_two_workers_looks_each_package_up_once(
    registry: LoopbackServer, tmp_path: Path
) -> None:
    paths = _repositories(tmp_path / "repos")
    listing = tmp_path / "repos.txt"
    listing.write_text("# the fleet\n" + "".join(f"repos/{name}\n" for name in REPOS))
    report, store = tmp_path / "fleet.json", tmp_path / "results.db"
    args = [
        "fleet",
        str(listing),
        "--workers",
        "2",
        "--store",
        str(store),
        "--report",
        f"json={report}",
        "--no-progress",
    ]
    assert cli.main(args) == 1  # @antv/g2 is at or above high
    doc = json.loads(report.read_text())
    by_name = {r["repository"]: r for r in doc["repositories"]}
    assert doc["summary"]["scanned"] == 4 and doc["summary"]["failed"] == 1
    broken = by_name[str(paths["broken"])]
    assert broken["status"] == "failed" and "no readable commit at HEAD" in broken["reason"]
    assert {n: by_name[str(paths[n])]["components"] for n in ("web", "api", "cli", "docs")} == {
        "web": 3,
        "api": 3,
        "cli": 3,
        "docs": 2,
    }
    assert doc["summary"]["distinct_components"] == 5  # left-pad, is-number, @antv/g2, ms, chalk
    # Each package is asked for once for the whole fleet (no second request for any resource).
    hits = Counter(seen.path for seen in registry.requests)
    assert all(
        hits["/" + quote(name, safe="@")] == 1
        for name in ("left-pad", "is-number", "@antv/g2", "ms", "chalk")
    )
    assert hits and max(hits.values()) == 1, hits.most_common(3)
    assert "/debug" not in hits  # the broken repository never got that far
    with open_store(str(store)) as results, results.begin() as conn:
        runs = conn.execute(sa.select(s.runs.c.repository, s.runs.c.kind, s.runs.c.revision)).all()
    assert sorted(r.repository for r in runs) == sorted(
        str(paths[n]) for n in ("web", "api", "cli", "docs")
    )
    assert {r.kind for r in runs} == {"fleet"} and all(len(r.revision) == 40 for r in runs)


def test_fleet_of_a_github_organization_clones_each_repository(
    registry: LoopbackServer, tmp_path: Path
) -> None:
    paths = _repositories(tmp_path / "repos")
    listed = [
        {"full_name": f"acme/{n}", "clone_url": p.resolve().as_uri()}
        for n, p in paths.items()
        if n != "broken"
    ]
    listed.append({"full_name": "acme/gone", "clone_url": (tmp_path / "gone").as_uri()})
    registry.route("/orgs/acme/repos", Reply.json(listed))
    report = tmp_path / "fleet.json"
    args = [
        "fleet",
        "--github-org",
        "acme",
        "--workers",
        "1",
        "--retries",
        "0",
        "--no-network",
        "--report",
        f"json={report}",
        "--no-progress",
        "--fail-on",
        "critical",
    ]
    assert cli.main(args) == 0
    doc = json.loads(report.read_text())
    status = {r["repository"]: (r["status"], r["components"]) for r in doc["repositories"]}
    assert status[paths["web"].resolve().as_uri()] == ("scanned", 3)
    assert status[(tmp_path / "gone").as_uri()][0] == "failed"
    assert doc["summary"]["scanned"] == 4
    assert cli.main([*args, "--strict"]) == 3  # a failed repository makes the fleet incomplete


def test_fleet_refuses_unsafe_or_missing_lists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = tmp_path / "repos.txt"
    listing.write_text(
        "ext::sh -c touch% /tmp/pwned\nhttps://git.example.invalid/a.git\nhttps://git.example.invalid/a\n"
    )
    assert cli.main(["fleet", str(listing)]) == 2
    err = capsys.readouterr().err
    assert f"{listing}:1: " in err and "not a clone URL" in err
    assert f"{listing}:3: https://git.example.invalid/a is already listed on line 2" in err
    assert cli.main(["fleet", str(tmp_path / "missing.txt")]) == 2
    assert cli.main(["fleet"]) == 2
