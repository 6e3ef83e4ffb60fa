"""scripts/release.py for real, in a scratch clone: tags, pinned docs, the wheel, pre-commit by tag.

The clone holds this branch's history plus the working tree as it is, without tags (they may
not travel with a clone or a submission). The release script re-creates the recorded tags
(v0.1.0 at its commit), then cuts the next release from this tree: build, twine, the wheel in
a fresh venv, annotated tag, docs pinned. Then the wheel scans examples/ragflow outside any
checkout, and pre-commit runs the hook from `rev: v0.1.0` of the clone, offline.

Slow (an isolated build, a fresh venv with the wheel's dependencies, pre-commit's own hook
environment): about a minute here; pip may use the package index for those installs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.version import Version

from scanner.net.endpoints import ENDPOINTS
from scripts import release_checks as checks
from scripts import release_notes as notes
from scripts import release_pins as pins
from scripts.release_git import has_commit, is_annotated, tag_commit
from tests.conftest import REPO
from tests.test_precommit import GIT_ENV, NEW, git, needs_pre_commit_env, put

pytestmark = pytest.mark.slow

FIRST = "0.1.0"
IDENTITY = {
    "GIT_AUTHOR_NAME": "release test",
    "GIT_AUTHOR_EMAIL": "release@example.invalid",
    "GIT_COMMITTER_NAME": "release test",
    "GIT_COMMITTER_EMAIL": "release@example.invalid",
}


@dataclass(frozen=True)
class Released:
    clone: Path
    work: Path
    version: str
    output: str


def _clone(dest: Path) -> Path:
    """This branch's history, the working tree on top (uncommitted changes too), no tags."""
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout: the release process needs history")
    head = git(REPO, "rev-parse", "HEAD").strip()
    git(dest.parent, "clone", "--quiet", "--no-checkout", str(REPO), dest.name)
    git(dest, "checkout", "--quiet", "-B", "release-test", head)
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, env={**os.environ, **GIT_ENV}, capture_output=True, check=True,
    ).stdout.decode()  # fmt: skip
    for name in filter(None, listed.split("\0")):
        if (REPO / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(REPO / name, dest / name)
        elif (dest / name).is_file():
            (dest / name).unlink()  # deleted in the working tree
    git(dest, "add", "-A")
    if git(dest, "status", "--porcelain").strip():
        git(dest, "commit", "--quiet", "-m", "working tree under test")
    for tag in git(dest, "tag", "--list").split():
        git(dest, "tag", "--delete", tag)
    return dest


def _release(clone: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV, **IDENTITY}
    done = subprocess.run(
        [sys.executable, str(clone / "scripts" / "release.py"), *args],
        cwd=clone, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _next_version(clone: Path) -> str:
    recorded = pins.releases(clone)
    if not recorded:
        return FIRST
    latest = Version(recorded[0]["version"])
    return f"{latest.major}.{latest.minor + 1}.0"


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Released:
    base = tmp_path_factory.mktemp("release")
    clone = _clone(base / "icts-scan")
    recorded = pins.releases(clone)
    if any(not has_commit(clone, r["commit"]) for r in recorded):
        pytest.skip("the recorded release commits are not in this history (shallow clone?)")
    out = _release(clone, "restore-tags") if recorded else ""
    # What the lead does before a release: complete the entries that are still placeholders.
    log = clone / notes.CHANGELOG
    text = log.read_text(encoding="utf-8").replace(notes.PLACEHOLDER, "done")
    if notes.unreleased_problems(text):
        text = text.replace("## [Unreleased]\n", "## [Unreleased]\n\n- A change.\n", 1)
    if text != log.read_text(encoding="utf-8"):
        log.write_text(text, encoding="utf-8")
        git(clone, "commit", "--quiet", "-am", "Complete the changelog")
    version = _next_version(clone)
    out += _release(clone, "cut", version, "--work", str(base / "work"))
    return Released(clone, base / "work", version, out)


def test_release_tags_pins_the_docs_and_ships_a_working_wheel(
    released: Released, tmp_path: Path
) -> None:
    clone, version = released.clone, released.version
    commit = tag_commit(clone, f"v{version}")
    first = tag_commit(clone, f"v{FIRST}")
    assert commit and first, released.output
    assert is_annotated(clone, f"v{version}") and is_annotated(clone, f"v{FIRST}")
    assert git(clone, "rev-parse", "HEAD~1").strip() == commit  # then the docs commit
    following = checks.read_version((clone / checks.VERSION_FILE).read_text())
    assert Version(following).is_devrelease and Version(following) > Version(version)
    latest = pins.releases(clone)[0]
    assert (latest["version"], latest["commit"]) == (version, commit)
    assert notes.feeds_of((clone / notes.CHANGELOG).read_text(), version) == latest["feeds"]
    for pin in pins.all_pins(clone):
        assert (pin.version, pin.sha or commit) == (version, commit), pin
    message = git(clone, "tag", "--list", "--format=%(contents)", f"v{version}")
    assert message.startswith(f"icts-scan {version}\n\nKnowledge base (feeds): `")

    # The README's demo scan, from the wheel the script built and installed in a fresh venv,
    # in a folder that holds the example and no source checkout.
    shutil.copytree(clone / "examples" / "ragflow", tmp_path / "examples" / "ragflow")
    bindir = released.work / "venv" / ("Scripts" if os.name == "nt" else "bin")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "ICTS_SCAN_"))}
    env["ICTS_SCAN_CACHE_DIR"] = str(tmp_path / "cache")
    done = subprocess.run(
        [str(bindir / "icts-scan"), "scan", "examples/ragflow", "--no-network"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    out = done.stdout + done.stderr
    assert done.returncode == 1, out  # findings at or above high: the demo's known links
    assert f"icts-scan {version} · profile icts · feeds {latest['feeds']}" in out
    assert re.search(r"stage inventory: ok \(\d{4} components from 4 files\)", out), out
    where = subprocess.run(
        [str(bindir / "python"), "-I", "-c", "import scanner; print(scanner.__file__)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert Path(where.strip()).is_relative_to(released.work / "venv"), where


@needs_pre_commit_env
def test_pre_commit_runs_the_hook_from_the_first_release_tag(
    released: Released, tmp_path: Path
) -> None:
    root = tmp_path / "app"
    root.mkdir()
    git(root, "init", "-q")
    put("before", root)
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {released.clone}\n  rev: v{FIRST}\n  hooks:\n  - id: icts-scan\n"
    )
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "before")
    put("after", root)
    git(root, "add", "-A")
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(tmp_path / "store"), "NO_COLOR": "1"}
    env["ICTS_SCAN_CACHE_DIR"] = str(tmp_path / "cache")
    env.pop("PRE_COMMIT_FROM_REF", None)
    for e in ENDPOINTS:  # offline: a request would fail at once instead of leaving the machine
        env[e.env] = "http://127.0.0.1:9"
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--color", "never",
         "--files", "package-lock.json", "package.json"],
        cwd=root, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "icts-scan (foreign-adversary provenance, offline)" in out and "Failed" in out
    assert f"package-lock.json:27: high development {NEW} → Douyin (CN)" in out
