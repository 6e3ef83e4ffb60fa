"""Fixtures for the GitHub Action tests: a real pull request in a temporary git repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from scanner import cli
from scanner.net.endpoints import ENDPOINTS
from tests.conftest import REPO
from tests.loopback import LoopbackServer

FIXTURES = Path(__file__).parent / "fixtures"
# Spawned git reads no user or system configuration and runs no hooks.
GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
}


def git(repo: Path, *args: str) -> str:
    env = {"PATH": os.environ.get("PATH", ""), **GIT_ENV}
    cmd = ["git", "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false", *args]
    done = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@dataclass
class PullRequest:
    """A work tree at the PR head, the two commits, and a simulated runner."""

    workspace: Path
    base: str
    head: str
    runner: Path

    def event(self, name: str = "pull_request", fork: bool = False) -> Path:
        repo = {"full_name": "octo/app"}
        head_repo = {"full_name": "someone/app" if fork else "octo/app"}
        payloads = {
            "pull_request": {
                "number": 7,
                "pull_request": {
                    "number": 7,
                    "base": {"sha": self.base, "repo": repo},
                    "head": {"sha": self.head, "repo": head_repo},
                },
                "repository": repo,
            },
            "merge_group": {"merge_group": {"base_sha": self.base, "head_sha": self.head}},
            "push": {"after": self.head, "repository": repo},
        }
        path = self.runner / f"event-{name}.json"
        path.write_text(json.dumps(payloads[name]))
        return path

    def env(self, event: str = "pull_request", fork: bool = False, **inputs: str) -> dict[str, str]:
        """The step's environment: GITHUB_* files in tmp, INPUT_* as the action passes them."""
        env = {
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": event,
            "GITHUB_EVENT_PATH": str(self.event(event, fork)),
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_REPOSITORY": "octo/app",
            "RUNNER_TEMP": str(self.runner / "temp"),
            "GITHUB_STEP_SUMMARY": str(self.runner / "summary.md"),
            "GITHUB_OUTPUT": str(self.runner / "output.txt"),
            "INPUT_MODE": "auto",
            "INPUT_COMMENT": "false",
            "INPUT_OFFLINE": "true",
        }
        env.update({f"INPUT_{k.upper()}": v for k, v in inputs.items()})
        return env

    def outputs(self) -> dict[str, str]:
        path = self.runner / "output.txt"
        lines = path.read_text().splitlines() if path.exists() else []
        return dict(line.split("=", 1) for line in lines if "=" in line)

    def summary(self) -> str:
        path = self.runner / "summary.md"
        return path.read_text() if path.exists() else ""


@pytest.fixture
def pull_request(tmp_path: Path) -> PullRequest:
    """Base: one China-linked npm package; head (the PR) adds a second one."""
    work = tmp_path / "repo"
    work.mkdir()
    git(work, "init", "-q", "-b", "main")
    for side in ("base", "head"):
        for name in ("package.json", "package-lock.json"):
            shutil.copy(FIXTURES / side / name, work / name)
        git(work, "add", "-A")
        git(work, "commit", "-q", "-m", side)
        if side == "base":
            base = git(work, "rev-parse", "HEAD")
    runner = tmp_path / "runner"
    (runner / "temp").mkdir(parents=True)
    return PullRequest(work, base, git(work, "rev-parse", "HEAD"), runner)


@pytest.fixture
def with_diff(monkeypatch: pytest.MonkeyPatch) -> None:
    """``icts-scan diff`` registered (until scanner/cli.py lists it); skip while it is absent."""
    if not (REPO / "scanner" / "commands" / "diff.py").is_file():
        pytest.skip("icts-scan diff is not there yet")
    if "diff" not in cli.COMMANDS:
        monkeypatch.setattr(cli, "COMMANDS", (*cli.COMMANDS, "diff"))


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy from the environment must not intercept loopback traffic."""
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(proxy, raising=False)
        monkeypatch.delenv(proxy.lower(), raising=False)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[LoopbackServer]:
    """Every provenance source pointed at a loopback server that must see no request."""
    with LoopbackServer() as server:
        for e in ENDPOINTS:
            monkeypatch.setenv(e.env, server.base_url)
        monkeypatch.setenv("ICTS_SCAN_GOGET_URL", server.base_url)
        monkeypatch.setenv("ICTS_SCAN_CACHE_DIR", str(tmp_path / "cache"))
        monkeypatch.delenv("GITHUB_TOKEN", raising=False)
        yield server
        assert server.requests == [], "an offline run made network requests"
