"""The release record, the docs' pins, the CHANGELOG, and the pieces of scripts/release.py.

The docs pin the latest release by tag and by commit SHA. These tests check the pins against
releases.json, and the record against git wherever git can answer: a clone without tags checks
the commit itself, a tarball without history checks what the files alone can show.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

import feeds
import scanner
from scripts import release
from scripts import release_checks as checks
from scripts import release_notes as notes
from scripts import release_pins as pins
from scripts.release_git import (
    ReleaseError,
    git,
    has_commit,
    is_ancestor,
    is_annotated,
    show,
    tag_commit,
)
from tests.conftest import REPO

RECORDED = pins.releases(REPO)
IDENTITY = {
    "GIT_AUTHOR_NAME": "release test",
    "GIT_AUTHOR_EMAIL": "release@example.invalid",
    "GIT_COMMITTER_NAME": "release test",
    "GIT_COMMITTER_EMAIL": "release@example.invalid",
}
LOG = (REPO / notes.CHANGELOG).read_text(encoding="utf-8")


def _in_git() -> bool:
    return subprocess.run(["git", "rev-parse"], cwd=REPO, capture_output=True).returncode == 0


# -- the repository as it is -----------------------------------------------------------------


def test_docs_pin_the_latest_release() -> None:
    found = pins.all_pins(REPO)
    kinds = {p.kind for p in found}
    assert {"action", "pre-commit", "pip", "git"} <= kinds, kinds
    paths = {p.path for p in found}
    assert {"README.md", "docs/pre-commit.md", "docs/github-action.md"} <= paths
    assert {p.path for p in found if p.kind == "action"} >= {
        "examples/workflows/icts-scan-pr.yml",
        "examples/workflows/icts-scan-nightly.yml",
    }
    if RECORDED:
        version, sha = RECORDED[0]["version"], RECORDED[0]["commit"]
    else:  # before the first release: the version being prepared, no commit yet
        version, sha = scanner.__version__, pins.PLACEHOLDER_SHA
    for pin in found:
        where = f"{pin.path}:{pin.line} ({pin.kind})"
        assert pin.version == version, f"{where} pins {pin.version}, the latest is {version}"
        assert pin.sha in (None, sha), f"{where} pins {pin.sha}, v{version} is {sha}"


@pytest.mark.skipif(not RECORDED, reason="no release recorded yet")
def test_recorded_releases_are_the_tags_commits() -> None:
    if not _in_git():
        pytest.skip("not a git checkout: the record cannot be compared with history")
    unverifiable = []
    for r in RECORDED:
        tag, sha = r["tag"], r["commit"]
        at = tag_commit(REPO, tag)
        if at is not None:
            assert at == sha, f"tag {tag} is at {at}; releases.json and the docs say {sha}"
            assert is_annotated(REPO, tag), f"{tag} is a lightweight tag"
        if not has_commit(REPO, sha):
            unverifiable.append(tag)
            continue
        assert is_ancestor(REPO, sha), f"{tag}'s commit {sha} is not in this branch's history"
        assert checks.read_version(show(REPO, sha, checks.VERSION_FILE) or "") == r["version"]
        shipped = show(REPO, sha, "feeds/data/MANIFEST.json")
        assert shipped is not None and r["feeds"] in _labels(shipped)
    if unverifiable:
        pytest.skip(f"history lacks the commits of {unverifiable} (shallow clone?)")


def _labels(manifest: str) -> str:
    as_of = re.search(r'"as_of": "([^"]+)"', manifest)
    digest = re.search(r'"content_hash": "sha256:([0-9a-f]{12})', manifest)
    assert as_of and digest
    return f"{as_of[1]}+{digest[1]}"


def test_changelog_has_every_release_with_its_knowledge_base() -> None:
    names = [s.name for s in notes.sections(LOG)]
    assert names[0] == notes.UNRELEASED
    assert names[1:] == [r["version"] for r in RECORDED]
    for r in RECORDED:
        assert notes.feeds_of(LOG, r["version"]) == r["feeds"]
    for name in names[1:]:
        assert re.search(r"^- \S", notes.body(LOG, name) or "", re.M), f"{name} lists nothing"
    if not RECORDED:  # the first release is being prepared: its entries wait in [Unreleased]
        assert notes.unreleased_problems(LOG) == []


def test_version_in_the_tree_follows_the_record() -> None:
    if RECORDED:
        from packaging.version import Version

        assert Version(scanner.__version__) >= Version(RECORDED[0]["version"])
    # The label the release script writes is the one the scanner computes.
    assert checks.feeds_label(REPO) == feeds.load().version.label


# -- CHANGELOG handling ----------------------------------------------------------------------

SAMPLE = """# Changelog

Intro with a [link](https://example.invalid).

## [Unreleased]

### Added

- A new check.

## [0.1.0] - 2026-01-02

Knowledge base (feeds): `2026-01-01+aaaaaaaaaaaa`

### Added

- Everything.

[Unreleased]: https://github.com/icts-scan/icts-scan/compare/v0.1.0...HEAD
[0.1.0]: https://github.com/icts-scan/icts-scan/releases/tag/v0.1.0
"""


def test_roll_moves_unreleased_into_a_release_with_its_knowledge_base() -> None:
    out = notes.roll(SAMPLE, "0.2.0", "2026-02-03", "2026-02-01+bbbbbbbbbbbb", "0.1.0")
    assert [(s.name, s.date) for s in notes.sections(out)] == [
        ("Unreleased", None),
        ("0.2.0", "2026-02-03"),
        ("0.1.0", "2026-01-02"),
    ]
    assert notes.body(out, "Unreleased") == ""
    assert notes.body(out, "0.2.0") == (
        "Knowledge base (feeds): `2026-02-01+bbbbbbbbbbbb`\n\n### Added\n\n- A new check."
    )
    assert notes.feeds_of(out, "0.2.0") == "2026-02-01+bbbbbbbbbbbb"
    assert out.endswith(
        "\n\n[Unreleased]: https://github.com/icts-scan/icts-scan/compare/v0.2.0...HEAD\n"
        "[0.2.0]: https://github.com/icts-scan/icts-scan/compare/v0.1.0...v0.2.0\n"
        "[0.1.0]: https://github.com/icts-scan/icts-scan/releases/tag/v0.1.0\n"
    )
    assert notes.tag_message(out, "0.2.0").startswith("icts-scan 0.2.0\n\nKnowledge base")
    assert notes.unreleased_problems(out) == ["`## [Unreleased]` in CHANGELOG.md lists no change"]


def test_placeholders_and_missing_sections_stop_a_release() -> None:
    note = f"<!-- Replace each entry that says {notes.PLACEHOLDER}. -->\n\n"
    pending = SAMPLE.replace(
        "### Added\n\n- A new check.", f"{note}### Added\n\n- Grouped (#9). {notes.PLACEHOLDER}"
    )
    assert notes.unreleased_problems(pending) == [
        f"1 entry(ies) under [Unreleased] still say {notes.PLACEHOLDER!r}"
    ]
    done = pending.replace(f" {notes.PLACEHOLDER}", "")
    assert notes.unreleased_problems(done) == []
    rolled = notes.roll(done, "0.2.0", "2026-02-03", "x+y", "0.1.0")
    assert "<!--" not in rolled and "- Grouped (#9)." in (notes.body(rolled, "0.2.0") or "")
    assert notes.unreleased_problems("# Changelog\n") == [
        "CHANGELOG.md has no `## [Unreleased]` section"
    ]
    first = "# Changelog\n\n## [Unreleased]\n\n- First.\n"
    out = notes.roll(first, "0.1.0", "2026-01-02", "x+y", None)
    assert out.endswith("[0.1.0]: https://github.com/icts-scan/icts-scan/releases/tag/v0.1.0\n")


# -- pins and the version line ---------------------------------------------------------------

OLD, NEW = "a" * 40, "b" * 40
DOC = f"""uses: icts-scan/icts-scan@{OLD} # v0.1.0 (was a placeholder)
uses: other/icts-scan/icts-scan@{OLD} # v0.1.0
  - repo: https://github.com/icts-scan/icts-scan
    rev: v0.1.0
  - repo: https://github.com/icts-scan/icts-scan
    rev: {OLD}  # frozen: v0.1.0
pipx install icts-scan==0.1.0 'icts-scan[verify]==0.1.0' my-icts-scan==0.1.0
pip install "git+https://github.com/icts-scan/icts-scan@v0.1.0"
"""


def test_pins_are_found_and_moved_together() -> None:
    assert [(p.line, p.kind, p.version, p.sha) for p in pins.pins(DOC)] == [
        (1, "action", "0.1.0", OLD),
        (4, "pre-commit", "0.1.0", None),
        (6, "pre-commit", "0.1.0", OLD),
        (7, "pip", "0.1.0", None),
        (7, "pip", "0.1.0", None),
        (8, "git", "0.1.0", None),
    ]
    moved = pins.repin(DOC, "0.2.0", NEW)
    assert moved.splitlines() == [
        f"uses: icts-scan/icts-scan@{NEW} # v0.2.0",
        f"uses: other/icts-scan/icts-scan@{OLD} # v0.1.0",  # someone else's action
        "  - repo: https://github.com/icts-scan/icts-scan",
        "    rev: v0.2.0",
        "  - repo: https://github.com/icts-scan/icts-scan",
        f"    rev: {NEW}  # frozen: v0.2.0",
        "pipx install icts-scan==0.2.0 'icts-scan[verify]==0.2.0' my-icts-scan==0.1.0",
        'pip install "git+https://github.com/icts-scan/icts-scan@v0.2.0"',
    ]
    assert pins.repin(moved, "0.2.0", NEW) == moved


def test_version_line_is_read_and_written() -> None:
    text = (REPO / checks.VERSION_FILE).read_text(encoding="utf-8")
    assert checks.read_version(text) == scanner.__version__
    bumped = checks.write_version(text, "9.8.7")
    assert checks.read_version(bumped) == "9.8.7"
    assert bumped.replace("9.8.7", scanner.__version__) == text


# -- refusals and undo, on a tiny repository --------------------------------------------------


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with just what the release script reads before it builds."""
    for k, v in IDENTITY.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    root = tmp_path / "tiny"
    (root / "scanner").mkdir(parents=True)
    (root / "feeds" / "data").mkdir(parents=True)
    (root / checks.VERSION_FILE).write_text('__version__ = "0.1.0"\n')
    (root / notes.CHANGELOG).write_text(SAMPLE)
    manifest = {"as_of": "2026-02-01", "content_hash": "sha256:" + "c" * 64}
    (root / "feeds" / "data" / "MANIFEST.json").write_text(json.dumps(manifest))
    pins.record(root, {"version": "0.1.0", "tag": "v0.1.0", "commit": OLD, "date": "", "feeds": ""})
    git(root, "init", "--quiet", "--initial-branch", "main")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "start")
    return root


def test_cut_refuses_before_changing_anything(tiny: Path) -> None:
    def refusal(version: str) -> str:
        with pytest.raises(ReleaseError) as err:
            release.preflight(tiny, version)
        return str(err.value)

    assert "not a version" in refusal("two")
    assert "normalized form" in refusal("0.2.0.dev1")
    assert "0.1.0 is already in releases.json; `restore-tags`" in refusal("0.1.0")
    assert "not newer than the last release, 0.1.0" in refusal("0.0.9")
    assert release.preflight(tiny, "0.2.0") == ("main", "0.1.0")
    assert release.next_dev("0.2.0") == "0.3.0.dev0"
    git(tiny, "tag", "v0.2.0")
    assert "tag v0.2.0 already exists" in refusal("0.2.0")
    log = tiny / notes.CHANGELOG
    log.write_text(SAMPLE.replace("- A new check.", f"- Grouped findings. {notes.PLACEHOLDER}"))
    assert "uncommitted changes" in refusal("0.3.0")
    git(tiny, "commit", "--quiet", "-am", "placeholder")
    assert "still say 'TO COMPLETE'" in refusal("0.3.0")
    git(tiny, "checkout", "--quiet", "--detach")
    assert "detached" in refusal("0.3.0")


def test_cut_undoes_its_commit_when_a_check_fails(tiny: Path, tmp_path: Path) -> None:
    start = git(tiny, "rev-parse", "HEAD")
    with pytest.raises(ReleaseError, match="python -m build failed"):
        release.cut(tiny, "0.2.0", tmp_path / "work", sign=False, date="2026-02-03")
    assert git(tiny, "rev-parse", "HEAD") == start
    assert git(tiny, "status", "--porcelain") == "" and tag_commit(tiny, "v0.2.0") is None
