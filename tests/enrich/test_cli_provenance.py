"""`icts-scan provenance` and `icts-scan cache` end to end against a loopback registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.net.endpoints import ENDPOINTS
from tests.enrich.conftest import ENRICH_FIXTURES
from tests.loopback import LoopbackServer, Reply

LOCK = {
    "name": "app",
    "lockfileVersion": 3,
    "packages": {
        "": {"name": "app", "dependencies": {"@acme/widget": "^1.2.3"}},
        "node_modules/@acme/widget": {
            "version": "1.2.3",
            "resolved": "https://registry.npm.invalid/@acme/widget/-/widget-1.2.3.tgz",
        },
    },
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: LoopbackServer) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "package-lock.json").write_text(json.dumps(LOCK))
    for e in ENDPOINTS:
        monkeypatch.setenv(e.env, server.base_url)
    monkeypatch.setenv("ICTS_SCAN_CACHE_DIR", str(tmp_path / "cache"))
    server.route("/@acme%2Fwidget", Reply.file(ENRICH_FIXTURES / "npm" / "@acme%2fwidget.json"))
    return root


def test_provenance_json_then_offline_from_cache(
    project: Path, capsys: pytest.CaptureFixture[str], server: LoopbackServer
) -> None:
    assert main(["provenance", str(project), "--purl", "pkg:npm/%40acme/widget@1.2.3"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["coverage"]["known"] == 1
    facts = doc["components"][0]["facts"]
    publisher = next(f for f in facts if f["kind"] == "publisher-account")
    assert publisher["strength"] == "registry-asserted" and publisher["source"] == "npm"
    assert publisher["url"] == server.url("/@acme%2Fwidget")
    hits = server.hits("/@acme%2Fwidget")
    assert main(["provenance", str(project), "--offline"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["components"][0]["facts"] == facts
    assert server.hits("/@acme%2Fwidget") == hits
    assert main(["cache", "info"]) == 0
    # The packument, and the attestation, deps.dev and GitHub lookups that found nothing.
    info = capsys.readouterr().out
    assert "entries: 4 (3 of them 'not found')" in info and "npm: 2" in info
    assert main(["cache", "clear", "--negative"]) == 0
    assert "removed 3 entries" in capsys.readouterr().out
    assert main(["cache", "clear"]) == 0
    assert "removed 1 entries" in capsys.readouterr().out
    assert main(["provenance", str(project), "--offline"]) == 0
    cold = json.loads(capsys.readouterr().out)
    assert cold["coverage"]["known"] == 0
    assert cold["coverage"]["by_source"]["npm"] == {"offline": 1}


def test_unknown_purl_and_bad_config_are_usage_errors(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["provenance", str(project), "--purl", "pkg:npm/nope@1"]) == 2
    (project / ".icts-scan.toml").write_text('colour = "blue"\n')
    assert main(["provenance", str(project)]) == 2
    assert "unknown key 'colour'" in capsys.readouterr().err


def test_tree_endpoints_need_the_operator_and_config_beats_environment(
    project: Path, capsys: pytest.CaptureFixture[str], server: LoopbackServer, tmp_path: Path
) -> None:
    with LoopbackServer() as other:
        other.route("/@acme%2Fwidget", Reply.file(ENRICH_FIXTURES / "npm" / "@acme%2fwidget.json"))
        table = f'[endpoints]\nnpm = "{other.base_url}"\n'
        (project / ".icts-scan.toml").write_text(table)
        # The scanned tree's policy may not redirect lookups: ignored, and said so.
        assert main(["provenance", str(project), "--no-cache"]) == 0
        assert "ignoring [endpoints] (npm)" in capsys.readouterr().err
        assert (other.hits("/@acme%2Fwidget"), server.hits("/@acme%2Fwidget")) == (0, 1)
        # The operator may trust it.
        assert main(["provenance", str(project), "--no-cache", "--trust-tree-endpoints"]) == 0
        assert "--trust-tree-endpoints" in capsys.readouterr().err
        assert other.hits("/@acme%2Fwidget") == 1
        # A policy from outside the tree is the operator's: it beats the environment.
        (project / ".icts-scan.toml").unlink()
        (tmp_path / "operator.toml").write_text(table)
        config = ["--config", str(tmp_path / "operator.toml")]
        assert main(["provenance", str(project), "--no-cache", *config]) == 0
        assert (
            other.hits("/@acme%2Fwidget") == 2 and capsys.readouterr().err.count("[endpoints]") == 0
        )
    assert server.hits("/@acme%2Fwidget") == 1


def test_tokens_never_go_to_an_endpoint_the_tree_names(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    server: LoopbackServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tokens = {"GITHUB_TOKEN": "ghp_" + "x" * 36, "GITLAB_TOKEN": "glpat-" + "y" * 20}
    tokens["GITEE_TOKEN"] = "z" * 32
    for name, value in tokens.items():
        monkeypatch.setenv(name, value)
    with LoopbackServer() as sink:
        hosts = ("github-api", "gitlab-api", "gitee-api")
        table = "[endpoints]\n" + "".join(f'{h} = "{sink.base_url}"\n' for h in hosts)
        (project / ".icts-scan.toml").write_text(table)
        # Even trusted for lookups, a tree-named endpoint never receives a credential.
        assert main(["provenance", str(project), "--no-cache", "--trust-tree-endpoints"]) == 0
        assert sink.hits("/repos/acme/widget") == 1
        leaked = [r for r in sink.requests for v in tokens.values() if v in str(r.headers)]
        assert leaked == []
        assert not any("authorization" in r.headers for r in sink.requests)
    # The operator's own endpoint (here: the environment's) does get the token.
    (project / ".icts-scan.toml").unlink()
    assert main(["provenance", str(project), "--no-cache"]) == 0
    asked = [r for r in server.requests if r.path == "/repos/acme/widget"]
    assert asked and asked[-1].headers["authorization"] == f"Bearer {tokens['GITHUB_TOKEN']}"


def test_max_time_reports_what_was_not_looked_up(
    project: Path, capsys: pytest.CaptureFixture[str], server: LoopbackServer
) -> None:
    slow = Reply.file(ENRICH_FIXTURES / "npm" / "@acme%2fwidget.json", delay=2.0)
    server.route("/@acme%2Fwidget", slow)
    argv = ["--no-cache", "--max-time", "0.5"]
    assert main(["provenance", str(project), *argv]) == 0
    doc = json.loads(capsys.readouterr().out)
    statuses = {s["source"]: s for s in doc["components"][0]["statuses"]}
    assert statuses["npm"]["status"] == "deadline"
    assert statuses["npm"]["reason"].startswith("deadline: ")
    assert doc["coverage"]["by_source"]["npm"] == {"deadline": 1}
    # The scan still reports, and its enrichment stage says why provenance stayed unknown.
    report = project.parent / "report.json"
    main(["scan", str(project), "--max-time", "0.5", "--report", f"json={report}"])
    stages = {s["name"]: s for s in json.loads(report.read_text())["stages"]}
    assert "1 not looked up by the deadline" in stages["enrichment"]["detail"]
    assert main(["provenance", str(project), "--max-time", "soon"]) == 2
