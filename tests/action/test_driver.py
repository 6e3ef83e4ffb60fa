"""The action driver in a simulated runner against a real pull request in a git repository."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from scanner.github import action as ghaction
from scanner.github import workflow as ghworkflow
from tests.action.conftest import FIXTURES, PullRequest
from tests.loopback import LoopbackServer


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def _commands(out: str, level: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(f"::{level} ")]


@pytest.mark.usefixtures("with_diff")
def test_pull_request_reports_exactly_the_new_finding(
    pull_request: PullRequest, no_network: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = ghaction.run(pull_request.env(sarif="icts-scan.sarif"))
    out = capsys.readouterr().out
    assert code == 1  # a new high finding, and the default fail-on is high

    summary = pull_request.summary()
    assert summary.startswith("<!-- icts-scan -->")
    assert "pkg:npm/%40antv/event-emitter@0.1.3" in summary
    assert "antv/util" not in summary  # already in the base: not new
    assert len(re.findall(r"^#### \d+\. ", summary, re.M)) == 1

    outputs = pull_request.outputs()
    assert outputs["new-findings"] == "1"
    assert outputs["mode"] == "pr"
    assert outputs["sarif-file"] == str(pull_request.workspace / "icts-scan.sarif")
    sarif = json.loads(Path(outputs["sarif-file"]).read_text())
    assert [r["properties"]["purls"] for r in sarif["runs"][0]["results"]] == [
        ["pkg:npm/%40antv/event-emitter@0.1.3"]
    ]
    report = json.loads(Path(outputs["report-file"]).read_text())
    assert [f["purl"] for f in report["new_findings"] if f["severity"] != "info"] == [
        "pkg:npm/%40antv/event-emitter@0.1.3"
    ]
    if "head_findings" in report["summary"]:  # the head's total, when the diff report has it
        assert outputs["findings"] == "2"
    sbom = json.loads(Path(outputs["sbom-file"]).read_text())
    assert sbom["bomFormat"] == "CycloneDX"

    lock = (FIXTURES / "head" / "package-lock.json").read_text()
    line = _line_of(lock, '"node_modules/@antv/event-emitter"')
    (error,) = _commands(out, "error")
    assert error.startswith(f"::error file=package-lock.json,line={line},title=icts-scan%3A high")
    assert "@antv/event-emitter@0.1.3" in error
    assert _commands(out, "warning") == []


@pytest.mark.usefixtures("with_diff")
def test_merge_group_diffs_base_and_head(
    pull_request: PullRequest, no_network: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = ghaction.run(pull_request.env("merge_group", fail_on="critical"))
    capsys.readouterr()
    assert code == 0  # the new finding is high, below critical
    assert pull_request.outputs()["new-findings"] == "1"
    assert pull_request.outputs()["mode"] == "pr"


@pytest.mark.usefixtures("with_diff")
def test_missing_base_commit_fails_with_exit_2(
    pull_request: PullRequest, no_network: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    pull_request.base = "0" * 40  # as in a shallow clone without the base commit
    code = ghaction.run(pull_request.env())
    captured = capsys.readouterr()
    assert code == 2
    assert "::error title=icts-scan::no report was written" in captured.out
    assert "fetch-depth" in captured.err


def test_full_scan_outside_pull_requests(
    pull_request: PullRequest, no_network: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = ghaction.run(pull_request.env("push", fail_on="critical"))
    out = capsys.readouterr().out
    assert code == 0
    outputs = pull_request.outputs()
    assert (outputs["mode"], outputs["findings"], outputs["new-findings"]) == ("full", "2", "2")
    assert outputs["sarif-file"] == ""  # not asked for
    # Both linked packages; below fail-on, so warnings rather than errors.
    warnings = _commands(out, "warning")
    assert len(warnings) == 2 and _commands(out, "error") == []
    assert "pkg:npm/%40antv/util@3.3.10" in pull_request.summary()


def test_pr_mode_outside_a_pull_request_is_a_usage_error(
    pull_request: PullRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    code = ghaction.run(pull_request.env("push", mode="pr"))
    assert code == 2
    assert "mode pr needs a pull_request or merge_group event" in capsys.readouterr().out
    assert pull_request.outputs() == {}


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"fail_on": "severe"}, "input fail-on: 'severe' is not one of"),
        ({"mode": "quick"}, "input mode: 'quick' is not one of"),
        ({"comment": "maybe"}, "input comment: expected true or false"),
        ({"path": "no/such/dir"}, "is not a folder"),
    ],
)
def test_bad_inputs_are_named(
    pull_request: PullRequest,
    capsys: pytest.CaptureFixture[str],
    inputs: dict[str, str],
    message: str,
) -> None:
    assert ghaction.run(pull_request.env("push", **inputs)) == 2
    assert message in capsys.readouterr().out


def test_annotations_are_capped_and_escaped(tmp_path: Path) -> None:
    (tmp_path / "a,b:c.lock").write_text("x\n")
    findings = [
        {
            "purl": f"pkg:npm/p{n}@1.0.0",
            "check": "development",
            "severity": "high" if n % 2 else "medium",
            "reason": "100% linked\r\nsee: evidence",
            "entity_name": None,
            "entity": "e",
            "locations": [{"path": "a,b:c.lock", "line": n + 1}],
            "waiver": None,
        }
        for n in range(13)
    ]
    lines = ghworkflow.annotation_lines(
        {"fail_on": "high", "findings": findings}, str(tmp_path), str(tmp_path)
    )
    assert len(lines) == ghworkflow.MAX_ANNOTATIONS + 1
    assert sum(line.startswith("::error ") for line in lines) == 6  # every high one, first
    assert lines[0].startswith("::error file=a%2Cb%3Ac.lock,line=12,title=")
    assert "100%25 linked%0D%0Asee: evidence" in lines[0]
    assert lines[-1] == "::notice::icts-scan: 3 more findings; see the job summary or SARIF."


def test_outputs_use_a_heredoc_for_multiline_values(tmp_path: Path) -> None:
    out = tmp_path / "out"
    ghworkflow.set_output(str(out), "one", "a=b")
    ghworkflow.set_output(str(out), "many", "x\ny")
    lines = out.read_text().splitlines()
    assert lines[0] == "one=a=b"
    name, _, delimiter = lines[1].partition("<<")
    assert name == "many" and delimiter.startswith("ghadelimiter_")
    assert lines[2:] == ["x", "y", delimiter]


def test_the_token_reaches_online_scans_only_and_is_restored(
    pull_request: PullRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    seen = []
    monkeypatch.setattr(
        "scanner.cli.main", lambda argv: seen.append(os.environ.get("GITHUB_TOKEN")) or 0
    )
    for offline in ("false", "true"):
        ghaction.run(pull_request.env("push", offline=offline, github_token="ghs_secret_value"))
    assert seen == ["ghs_secret_value", None, None, None]  # (scan, sbom) online, then offline
    assert "GITHUB_TOKEN" not in os.environ
