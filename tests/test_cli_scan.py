"""`icts-scan scan` end to end without network: reports, exit codes, policy file."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from scanner.cli import main
from tests.conftest import REPO

LOCK = {
    "name": "app",
    "lockfileVersion": 3,
    "packages": {
        "": {"name": "app", "dependencies": {"@antv/g2": "^5.0.0", "left-pad": "^1.0.0"}},
        "node_modules/@antv/g2": {"version": "5.0.0"},
        "node_modules/left-pad": {"version": "1.0.0"},
    },
}
SCHEMA = json.loads((REPO / "scanner" / "report" / "schema" / "report-2.json").read_text())


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "package-lock.json").write_text(json.dumps(LOCK))
    return tmp_path


def test_json_report_is_schema_valid_and_exit_code_follows_fail_on(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.json"
    code = main(
        ["scan", str(project), "--no-network", "--report", f"json={out}", "--report", "table"]
    )
    assert code == 1
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, SCHEMA)
    dev = [f for f in doc["findings"] if f["check"] == "development"]
    assert [(f["purl"], f["entity"], f["severity"]) for f in dev] == [
        ("pkg:npm/%40antv/g2@5.0.0", "antv", "high")
    ]
    # Without lookups provenance is unknown (never clean): coverage says so, with the reason.
    cov = doc["coverage"]
    assert (cov["components"], cov["known"], cov["reasons"]) == (2, 0, {"skipped": 2})
    assert "pkg:npm/left-pad@1.0.0" in {u["purl"] for u in cov["unknown_components"]}
    assert not any(f["check"] == "unknown" for f in doc["findings"])
    assert "development" in capsys.readouterr().out
    assert main(["scan", str(project), "--no-network", "--fail-on", "critical"]) == 0
    assert main(["scan", str(project), "--no-network", "--fail-on", "critical", "--strict"]) == 3


def test_waiver_in_policy_file_clears_the_exit_code(project: Path) -> None:
    (project / ".icts-scan.toml").write_text(
        "[[waivers]]\n"
        'id = "W-1"\npurl = "pkg:npm/%40antv/g2@5.0.0"\ncheck = "development"\n'
        'reason = "reviewed"\napprover = "sec@example.invalid"\ndate = "2026-01-01"\nexpires = "2099-01-01"\n'
    )
    assert main(["scan", str(project), "--no-network"]) == 0


def test_usage_errors(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(project), "--report", "pdf"]) == 2
    assert main(["scan", str(project), "--report", "json", "--report", "table"]) == 2
    (project / ".icts-scan.toml").write_text("surprise = 1\n")
    assert main(["scan", str(project), "--no-network"]) == 2
    assert "unknown key 'surprise'" in capsys.readouterr().err


def test_sbom_with_missing_and_bad_purls_is_reported_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "components": [
            {"type": "library", "name": "no-purl", "version": "1.0"},
            {"type": "library", "name": "bad", "version": "2", "purl": "pkg-:nonsense"},
            {
                "type": "library",
                "name": "\x1b[31mred\x1b[0m",
                "version": "1",
                "purl": "pkg:npm/%40antv/g2@5.0.0",
            },
        ],
    }
    path = tmp_path / "bom.json"
    path.write_text(json.dumps(bom))
    out = tmp_path / "r.json"
    assert (
        main(
            [
                "scan",
                "--sbom",
                str(path),
                "--no-network",
                "--report",
                f"json={out}",
                "--report",
                "table",
            ]
        )
        == 1
    )
    doc = json.loads(out.read_text())
    assert {c["purl"] for c in doc["components"]} >= {
        "pkg:generic/no-purl@1.0",
        "pkg:generic/bad@2",
    }
    assert any("invalid purl" in i["message"] for i in doc["issues"])
    assert "\x1b" not in capsys.readouterr().out


def test_as_of_changes_what_the_listings_say(tmp_path: Path) -> None:
    # vconsole is Tencent's; DoD listed Tencent under section 1260H on 2025-01-07 (90 FR 1105).
    lock = {
        "name": "app",
        "lockfileVersion": 3,
        "packages": {
            "": {"name": "app", "dependencies": {"vconsole": "^3.15.1"}},
            "node_modules/vconsole": {"version": "3.15.1"},
        },
    }
    (tmp_path / "package-lock.json").write_text(json.dumps(lock))

    def listings(day: str) -> list[str]:
        out = tmp_path / f"{day}.json"
        main(["scan", str(tmp_path), "--no-network", "--as-of", day, "--report", f"json={out}"])
        doc = json.loads(out.read_text())
        assert doc["as_of"] == day
        [finding] = [f for f in doc["findings"] if f["entity"] == "tencent"]
        return finding["listings"]

    assert not any("DOD-1260H" in x for x in listings("2024-12-01"))
    assert any("DOD-1260H listed from 2025-01-07" in x for x in listings("2025-02-01"))


def test_a_typo_never_looks_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["scan", str(empty), "--no-network"]) == 4  # nothing to scan
    assert main(["scan", "--sbom", str(tmp_path / "missing.json"), "--no-network"]) == 2
    (tmp_path / "not-an-sbom.json").write_text('{"hello": 1}')
    assert main(["scan", "--sbom", str(tmp_path / "not-an-sbom.json"), "--no-network"]) == 2
    out = tmp_path / "no" / "such" / "dir" / "r.json"
    assert main(["scan", str(tmp_path), "--no-network", "--report", f"json={out}"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "nothing to scan" in err and "no such file" in err and "no such folder" in err


def test_an_unreadable_lockfile_is_incomplete_and_findings_win(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "package-lock.json").write_text(json.dumps(LOCK))
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "package-lock.json").write_text('{"lockfileVersion": 3, "packages": {')
    report = tmp_path / "r.json"
    base = ["scan", str(tmp_path), "--no-network", "--report", f"json={report}"]
    assert main(base) == 1  # @antv/g2 is high: findings win over incomplete
    assert main([*base, "--fail-on", "critical"]) == 3
    assert main([*base, "--fail-on", "critical", "--allow-incomplete"]) == 0
    err = capsys.readouterr().err
    assert "b/package-lock.json:1:" in err
    # Every report went to a file, and the summary still went to stderr.
    assert "components · provenance known for" in err
