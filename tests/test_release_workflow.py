"""The release workflow: zizmor-clean, schema-valid, pinned, least privilege, trusted publishing."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import tomli
import yaml

from tests.action.test_workflow_lint import PINNED, _tool
from tests.conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "release.yml"


def _load() -> dict[Any, Any]:
    doc = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)


def test_zizmor_and_the_workflow_schema_find_nothing() -> None:
    rel = str(WORKFLOW.relative_to(REPO))
    for persona in ("regular", "pedantic"):
        done = _run(_tool("zizmor"), "--offline", "--no-progress", "--color=never",
                    f"--persona={persona}", rel)  # fmt: skip
        assert done.returncode == 0 and "No findings" in done.stdout, done.stdout + done.stderr
    done = _run(_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", rel)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actions_are_pinned_and_no_expression_reaches_a_shell() -> None:
    doc = _load()
    steps = [s for job in doc["jobs"].values() for s in job["steps"]]
    for step in steps:
        if "uses" in step:
            line = re.search(rf"uses: ({re.escape(step['uses'])}.*)$", WORKFLOW.read_text(), re.M)
            assert line and PINNED.match(line[1]), f"not pinned by full SHA: {step['uses']}"
        assert "${{" not in step.get("run", ""), step


def test_tag_push_builds_without_rights_and_publishes_with_attestations() -> None:
    doc = _load()
    assert doc[True] == {"push": {"tags": ["v*"]}}  # YAML 1.1 reads "on" as true
    assert doc["permissions"] == {}
    build, publish = doc["jobs"]["build"], doc["jobs"]["publish"]
    assert build["permissions"] == {"contents": "read"}
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["needs"] == "build" and "repository ==" in publish["if"]
    (checkout,) = [s for s in build["steps"] if s.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"]["persist-credentials"] is False
    runs = "\n".join(s.get("run", "") for s in build["steps"])
    assert 'scripts/release.py check --expect-version "$GITHUB_REF_NAME"' in runs
    (upload,) = [s for s in publish["steps"] if "gh-action-pypi-publish" in s.get("uses", "")]
    assert upload["with"]["attestations"] is True
    assert "password" not in upload["with"]  # trusted publishing: no stored token
    assert not any("cache" in str(s.get("with", {})) for s in build["steps"])


def test_workflow_installs_the_release_extra() -> None:
    extra = tomli.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"][
        "release"
    ]
    runs = " ".join(s.get("run", "") for s in _load()["jobs"]["build"]["steps"])
    assert re.findall(r'"([^"]+>=[^"]+)"', runs) == extra
