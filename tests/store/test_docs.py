"""The store's example workflows are the ones docs/store.md shows, and the README has each command."""

from __future__ import annotations

import re
from typing import Any

import yaml

from tests.conftest import REPO

WORKFLOWS = REPO / "examples" / "workflows"
NEW = WORKFLOWS / "icts-scan-new-since-last-run.yml"
MATRIX = WORKFLOWS / "icts-scan-matrix-merge.yml"


def _load(text: str) -> dict[Any, Any]:
    doc = yaml.safe_load(text)
    assert isinstance(doc, dict)
    return doc


def test_docs_show_the_store_workflows() -> None:
    text = (REPO / "docs" / "store.md").read_text()
    blocks = [_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.S)]
    assert blocks == [_load(NEW.read_text()), _load(MATRIX.read_text())]


def test_nightly_workflow_posts_only_what_is_new() -> None:
    (job,) = _load(NEW.read_text())["jobs"].values()
    (script,) = [s["run"] for s in job["steps"] if "run" in s]
    assert "--store" in script.split("history new", 1)[0]
    last = script.strip().splitlines()[-2:]
    assert "history new" in last[0] and "--fail-on high" in last[0]
    assert 'markdown="$GITHUB_STEP_SUMMARY"' in last[1]


def test_matrix_workflow_merges_every_shard() -> None:
    doc = _load(MATRIX.read_text())
    shard, merge = doc["jobs"]["shard"], doc["jobs"]["merge"]
    (scan,) = [s for s in shard["steps"] if "run" in s]
    assert scan["env"]["SHARDS"] == str(len(shard["strategy"]["matrix"]["shard"]))
    assert '--shard "$SHARD/$SHARDS"' in scan["run"]
    assert merge["needs"] == "shard"
    (step,) = [s for s in merge["steps"] if "run" in s]
    assert "merge shards/shard-*.json --store" in step["run"] and "history new" in step["run"]


def test_readme_has_a_command_for_store_history_and_fleets() -> None:
    readme = (REPO / "README.md").read_text()
    section = readme.split("### Results store, history and fleets", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)```", section, re.S)
    assert [c.split("icts-scan ", 2)[-1].split()[0] for c in commands] == [
        "scan",
        "history",
        "fleet",
        "fleet",
        "merge",
    ]
    assert "--store results.db" in commands[0] and "--scheduler tcp://" in commands[3]
