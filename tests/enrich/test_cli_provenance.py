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
    assert "npm: 1" in capsys.readouterr().out
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


def test_config_endpoint_beats_environment(
    project: Path, capsys: pytest.CaptureFixture[str], server: LoopbackServer, tmp_path: Path
) -> None:
    with LoopbackServer() as other:
        other.route("/@acme%2Fwidget", Reply.file(ENRICH_FIXTURES / "npm" / "@acme%2fwidget.json"))
        (project / ".icts-scan.toml").write_text(f'[endpoints]\nnpm = "{other.base_url}"\n')
        assert main(["provenance", str(project), "--no-cache"]) == 0
        assert other.hits("/@acme%2Fwidget") == 1
    assert server.hits("/@acme%2Fwidget") == 0
