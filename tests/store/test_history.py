"""``icts-scan history`` on both databases: new since the last run, trends, who depends on what."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from scanner import cli
from scanner.store import open_store
from scanner.store.record import record
from tests.store.conftest import ALIBABA, MakeResult
from tests.test_diff import commit, git, lockfile

G2, L7 = "pkg:npm/%40antv/g2@5.1.0", "pkg:npm/%40antv/l7@2.20.0"


@pytest.fixture(autouse=True)
def _cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ICTS_SCAN_CACHE_DIR", str(tmp_path / "cache"))


def _history(store_url: str, tmp_path: Path, *args: str) -> tuple[int, dict[str, object]]:
    out = tmp_path / "history.json"
    out.unlink(missing_ok=True)
    code = cli.main(["history", *args, "--store", store_url, "--report", f"json={out}"])
    return code, json.loads(out.read_text()) if out.exists() else {}


def test_after_two_nightly_runs_only_the_added_dependency_is_new(
    store_url: str, tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    commit(
        repo, {"package-lock.json": lockfile({"@antv/g2": "5.1.0", "left-pad": "1.3.0"})}, "base"
    )
    night = [
        "scan",
        str(repo),
        "--no-network",
        "--store",
        store_url,
        "--report",
        f"json={tmp_path / 'r.json'}",
    ]
    assert cli.main(night) == 1  # g2 is a known finding at or above high
    deps = {"@antv/g2": "5.1.0", "left-pad": "1.3.0", "@antv/l7": "2.20.0"}
    head = commit(repo, {"package-lock.json": lockfile(deps)}, "add l7")
    assert cli.main(night) == 1

    code, doc = _history(store_url, tmp_path, "new", str(repo), "--fail-on", "high")
    assert code == 1
    assert doc["repository"] == str(repo.resolve())
    assert doc["run"]["revision"] == head and doc["previous"]["revision"] != head
    assert [c["purl"] for c in doc["new_components"]] == [L7]
    assert {(f["purl"], f["check"]) for f in doc["new_findings"]} == {(L7, "development")}
    assert doc["gone_findings"] == doc["removed_components"] == doc["changed_versions"] == []
    # Recording the second night again is a no-op, so it is still the latest against the first.
    assert (
        _history(store_url, tmp_path, "new", str(repo))[1]["new_components"]
        == doc["new_components"]
    )
    code, _ = _history(store_url, tmp_path, "new", str(repo), "--fail-on", "critical")
    assert code == 0

    md = tmp_path / "new.md"
    cli.main(["history", "new", str(repo), "--store", store_url, "--report", f"markdown={md}"])
    text = md.read_text()
    assert "**1 new finding at or above high.**" in text and "%40antv/l7" in text
    assert "%40antv/g2" not in text.split("<details><summary>New components")[0]


def test_findings_gone_and_waivers_that_expired(
    store_url: str, tmp_path: Path, make_result: MakeResult
) -> None:
    waiver = {
        "id": "W-7",
        "purl": "pkg:npm/left-pad@1.3.0",
        "check": "*",
        "reason": "reviewed",
        "approver": "sec",
        "date": "2026-01-01",
        "expires": "2026-05-15",
    }
    accepted = {**waiver, "id": "A-3", "entity": "alibaba-group", "check": "maintenance"}
    del accepted["purl"]
    with open_store(store_url) as store:
        first = make_result(
            {"@antv/g2": ("5.1.0", ALIBABA), "left-pad": ("1.3.0", ALIBABA)},
            started="2026-05-01T02:00:00Z",
            waivers=(waiver,),
            acceptances=(accepted,),
        )
        record(store, first, repository="app")
        second = make_result(
            {"left-pad": ("1.3.0", ALIBABA)},
            started="2026-05-20T02:00:00Z",
            waivers=(waiver,),
            acceptances=(accepted,),
            today=date(2026, 5, 20),
        )
        record(store, second, repository="app")
    code, doc = _history(store_url, tmp_path, "new", "--repository", "app")
    assert {f["purl"] for f in doc["gone_findings"]} == {G2}
    assert [w["id"] for w in doc["expired_waivers"]] == ["W-7"]
    assert [a["id"] for a in doc["expired_acceptances"]] == ["A-3"]
    # left-pad's finding was known (waived) last night: listed under the expired waiver, not new.
    assert doc["new_findings"] == [] and code == 0
    code, doc = _history(store_url, tmp_path, "new", "--repository", "nothing")
    assert code == 2
    missing = tmp_path / "typo.db"
    assert cli.main(["history", "trends", "--store", str(missing)]) == 2
    assert not missing.exists()  # a question never creates an empty store


def test_trends_and_who_depends_on_an_entity_or_namespace(
    store_url: str, tmp_path: Path, make_result: MakeResult
) -> None:
    with open_store(store_url) as store:
        for day, repo, deps in (
            ("2026-05-01", "web", {"@antv/g2": ("5.1.0", None)}),
            ("2026-05-01", "api", {"left-pad": ("1.3.0", ALIBABA)}),
            ("2026-05-02", "web", {"@antv/g2": ("5.1.0", None), "@antv/l7": ("2.20.0", None)}),
            ("2026-05-02", "api", {"left-pad": ("1.3.0", None)}),
        ):
            record(store, make_result(deps, started=f"{day}T02:00:00Z"), repository=repo)
    code, doc = _history(store_url, tmp_path, "trends")
    assert code == 0
    days = {d["day"]: d for d in doc["days"]}
    assert days["2026-05-01"]["repositories"] == days["2026-05-02"]["repositories"] == 2
    assert (
        days["2026-05-01"]["by_severity"]["high"] == 1
        and days["2026-05-02"]["by_severity"]["high"] == 2
    )
    assert (
        days["2026-05-01"]["by_entity"]["antv"] == 1
        and days["2026-05-02"]["by_entity"]["antv"] == 2
    )
    assert (
        _history(store_url, tmp_path, "trends", "--repository", "api", "--since", "2026-05-02")[1][
            "days"
        ][0]["findings"]
        == 0
    )

    # AntV belongs to Ant Group: asking for the parent finds the brand's packages too.
    for entity in ("antv", "ant-group", "AntV"):
        _, doc = _history(store_url, tmp_path, "depends", "--entity", entity)
        (web,) = doc["repositories"]
        assert (
            web["repository"] == "web" and web["packages"] == [G2, L7] and web["severity"] == "high"
        )
    _, doc = _history(store_url, tmp_path, "depends", "--entity", "alibaba-group")
    assert [r["repository"] for r in doc["repositories"]] == [
        "web"
    ]  # api's e-mail finding was the first night's
    _, doc = _history(store_url, tmp_path, "depends", "--namespace", "npm/@antv")
    assert [(r["repository"], r["findings"]) for r in doc["repositories"]] == [("web", 2)]
    _, doc = _history(store_url, tmp_path, "depends", "--package", "pkg:npm/left-pad@9")
    assert [r["repository"] for r in doc["repositories"]] == ["api"]
    table = tmp_path / "t.txt"
    assert (
        cli.main(
            [
                "history",
                "depends",
                "--store",
                store_url,
                "--namespace",
                "npm/@antv",
                "--report",
                f"table={table}",
            ]
        )
        == 0
    )
    assert "1 repositories depend on npm/@antv" in table.read_text()
