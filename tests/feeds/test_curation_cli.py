"""``icts-scan feeds propose|accept|stats`` through scanner.cli.main."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.cli import main
from tests.loopback import LoopbackServer

from .recorded import environ


@pytest.fixture
def online(server: LoopbackServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name, value in environ(server).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ICTS_SCAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)


@pytest.mark.usefixtures("online")
def test_propose_then_accept(
    acme_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "acme.proposal.json"
    data = ["feeds", "--data-dir", str(acme_root)]
    assert main([*data, "propose", "test-acme", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"wrote {out}: 12 identifier(s) proposed, 4 not added" in printed
    assert "  npm_scope:@acme-widgets  (4 source(s))" in printed
    assert json.loads(out.read_text(encoding="utf-8"))["feed"] == "proposals"

    assert main([*data, "accept", str(out), "--only", "npm_scope:@acme-widgets", "--dry-run"]) == 0
    assert "dry run: the merged data passes every check" in capsys.readouterr().out
    args = [*data, "accept", str(out), "--only", "npm_scope:@acme-widgets"]
    args += ["--reject", "npm_package:acme-cli", "--date", "2026-12-07"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "added: test-acme npm_scope:@acme-widgets" in printed
    assert "rejected: npm_package:acme-cli" in printed
    assert "MANIFEST.json" in printed
    assert main([*data, "verify"]) == 0


def test_unknown_entity_and_bad_selection_are_usage_errors(
    acme_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = ["feeds", "--data-dir", str(acme_root)]
    assert main([*data, "propose", "no-such-entity"]) == 2
    assert "no entity 'no-such-entity'" in capsys.readouterr().err
    assert main([*data, "accept", str(tmp_path / "x.json"), "--only", "npm_scope"]) == 2
    assert "expected KIND:VALUE" in capsys.readouterr().err
    assert main([*data, "accept", str(tmp_path / "missing.json")]) == 1
    assert "cannot read" in capsys.readouterr().out


def test_stats_shows_code_level_coverage_and_the_csl_sample(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["feeds", "stats"]) == 0
    text = capsys.readouterr().out
    assert "code-level identifiers: " in text and "  by ecosystem: github " in text
    assert "  resting on: pinned-or-official " in text
    assert "entities without any identifier: " in text
    assert "csl: SAMPLE, not the full list" in text
    assert "`icts-scan feeds update` fetches the full list from https://" in text
    assert main(["feeds", "stats", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    code = doc["code_level"]
    assert code["identifiers"] == sum(code["by_ecosystem"].values())
    assert code["identifiers"] == sum(code["by_basis"].values())
    assert doc["csl"]["complete"] is False and doc["csl"]["full_list_from"].startswith("https://")


def test_stats_flags_a_dispute_held_too_long(
    acme_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fix = {
        "identifier": {"kind": "npm_scope", "value": "@acme-ui"},
        "action": "dispute",
        "why": "issue 7",
    }
    doc = {"group": "d", "researched": "2026-01-02", "sources": [], "entities": [
        {"id": "test-acme", "new": False, "corrections": [fix]}
    ]}  # fmt: skip
    path = tmp_path / "d.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    data = ["feeds", "--data-dir", str(acme_root)]
    assert main([*data, "accept", str(path), "--date", "2026-01-02"]) == 0
    assert "disputed: test-acme npm_scope:@acme-ui" in capsys.readouterr().out
    assert main([*data, "stats"]) == 0
    text = capsys.readouterr().out
    assert "    test-acme npm_scope:@acme-ui disputed since 2026-01-02  OVERDUE: held " in text
