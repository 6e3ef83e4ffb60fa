"""action.yml and the example workflows: zizmor (offline), the schemas, and our own rules."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO

ACTION = REPO / "action.yml"
WORKFLOWS = sorted((REPO / "examples" / "workflows").glob("*.yml"))
# The workflows that use the Action (docs/github-action.md); the others are in docs/store.md.
ACTION_WORKFLOWS = [p for p in WORKFLOWS if p.name in ("icts-scan-pr.yml", "icts-scan-nightly.yml")]
# A full commit SHA and a version comment: "owner/repo[/path]@<40 hex> # v1.2.3".
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40} # v\d+(\.\d+)*\b")


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed (pip install zizmor check-jsonschema)")
    return found


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)


def _load(path: Path) -> dict[Any, Any]:
    doc = yaml.safe_load(path.read_text())
    assert isinstance(doc, dict)
    return doc


def _steps(doc: dict[Any, Any]) -> list[dict[str, Any]]:
    if "runs" in doc:
        return list(doc["runs"]["steps"])
    return [step for job in doc["jobs"].values() for step in job.get("steps", [])]


def test_zizmor_offline_finds_nothing() -> None:
    files = [str(p.relative_to(REPO)) for p in [ACTION, *WORKFLOWS]]
    result = _run(_tool("zizmor"), "--offline", "--no-progress", "--color=never", *files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout


def test_action_matches_the_github_actions_schema() -> None:
    result = _run(
        _tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", "action.yml"
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_match_the_github_workflows_schema() -> None:
    files = [str(p.relative_to(REPO)) for p in WORKFLOWS]
    assert len(files) == 4
    result = _run(_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *files)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", [ACTION, *WORKFLOWS], ids=lambda p: p.name)
def test_every_action_is_pinned_and_no_expression_reaches_a_shell(path: Path) -> None:
    text = path.read_text()
    uses = re.findall(r"^\s*(?:- )?uses:\s*(.+)$", text, re.M)
    assert uses
    for ref in uses:
        assert PINNED.match(ref.strip()), f"{path.name}: not pinned by full SHA: {ref}"
    for step in _steps(_load(path)):
        assert "${{" not in step.get("run", ""), f"{path.name}: expression in run: {step}"


def test_action_inputs_leave_policy_file_settings_alone() -> None:
    action = _load(ACTION)
    inputs = action["inputs"]
    assert set(inputs) == {
        "path",
        "mode",
        "fail-on",
        "profile",
        "config",
        "sarif",
        "comment",
        "offline",
        "cache",
        "github-token",
    }
    # A default would override the policy file, because Actions cannot tell it from "unset".
    for name in ("fail-on", "profile", "config", "offline", "path", "sarif"):
        assert "default" not in inputs[name], name
    assert inputs["github-token"]["default"] == "${{ github.token }}"
    assert set(action["outputs"]) == {
        "findings",
        "new-findings",
        "sarif-file",
        "sbom-file",
        "report-file",
    }
    steps = {step.get("id"): step for step in action["runs"]["steps"]}
    assert steps["python"]["with"]["update-environment"] is False
    scan = steps["scan"]
    for name in inputs:
        if name != "cache":
            key = "INPUT_" + name.upper().replace("-", "_")
            assert scan["env"][key] == f"${{{{ inputs.{name} }}}}", key
    # -I: the scanned repository in the working directory never lands on sys.path.
    assert scan["run"] == '"$ICTS_SCAN_PYTHON" -I -m scanner.github.action'
    assert '"$GITHUB_ACTION_PATH"' in steps["install"]["run"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_ask_for_least_privilege(path: Path) -> None:
    doc = _load(path)
    assert doc["permissions"] == {"contents": "read"}
    for job in doc["jobs"].values():
        granted = job["permissions"]
        assert set(granted) <= {"contents", "security-events", "pull-requests"}
        assert granted["contents"] == "read"
    checkouts = [s for s in _steps(doc) if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts and all(s["with"]["persist-credentials"] is False for s in checkouts)


def test_pr_workflow_fetches_the_base_commit() -> None:
    doc = _load(REPO / "examples" / "workflows" / "icts-scan-pr.yml")
    assert set(doc[True]) == {"pull_request", "merge_group"}  # YAML 1.1 reads "on" as true
    (checkout,) = [s for s in _steps(doc) if s.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"]["fetch-depth"] == 0
    assert doc["concurrency"]["cancel-in-progress"] is True


def test_nightly_workflow_scans_each_project_and_keeps_artifacts() -> None:
    doc = _load(REPO / "examples" / "workflows" / "icts-scan-nightly.yml")
    assert set(doc[True]) == {"schedule", "workflow_dispatch"}
    assert doc["concurrency"]["cancel-in-progress"] is False
    (job,) = doc["jobs"].values()
    assert len(job["strategy"]["matrix"]["include"]) > 1
    uses = [s.get("uses", "").split("@")[0] for s in job["steps"]]
    assert "actions/upload-artifact" in uses and "github/codeql-action/upload-sarif" in uses
    (upload,) = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
    assert "${{ matrix.name }}" in upload["with"]["name"]  # names must be unique in a run


def test_docs_show_the_example_workflows_and_every_input() -> None:
    text = (REPO / "docs" / "github-action.md").read_text()
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.S)]
    assert blocks == [_load(p) for p in sorted(ACTION_WORKFLOWS, key=lambda p: "nightly" in p.name)]
    documented = set(re.findall(r"^\| `([\w-]+)` \|", text, re.M))
    action = _load(ACTION)
    assert set(action["inputs"]) | set(action["outputs"]) <= documented
