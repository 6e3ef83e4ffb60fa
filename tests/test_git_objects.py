"""Reading lockfiles from git objects fails closed: a damaged store or a crafted tree is exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner import cli
from tests.test_diff import commit, git, lockfile


@pytest.fixture(autouse=True)
def _no_lookups(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ICTS_SCAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PRE_COMMIT_FROM_REF", raising=False)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Base: two lockfiles; head: one of them changed."""
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q")
    files = {"a/package-lock.json": lockfile({"left-pad": "1.3.0"}), "b/requirements.txt": "x==1\n"}
    commit(path, files, "base")
    commit(path, {"a/package-lock.json": lockfile({"left-pad": "1.3.1"})}, "head")
    return path


def _damage(repo: Path, spec: str) -> None:
    """Remove the loose object ``spec`` names, as a broken disk or a bad copy would."""
    sha = git(repo, "rev-parse", spec)
    (repo / ".git" / "objects" / sha[:2] / sha[2:]).unlink()


def _one_plain_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.mark.parametrize("spec", ["HEAD~1:b/requirements.txt", "HEAD~1:a/package-lock.json"])
def test_diff_fails_when_a_base_object_is_missing(
    repo: Path, spec: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _damage(repo, spec)
    code = cli.main(["diff", str(repo), "--base", "HEAD~1", "--head", "HEAD", "--no-network"])
    line = _one_plain_line(capsys.readouterr().err)
    assert code == 2
    assert line.startswith("icts-scan: error: ") and "missing or damaged" in line


def test_diff_fails_when_a_base_tree_is_missing(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _damage(repo, "HEAD~1:b")
    code = cli.main(["diff", str(repo), "--base", "HEAD~1", "--head", "HEAD", "--no-network"])
    assert code == 2 and "cannot list" in _one_plain_line(capsys.readouterr().err)


def test_pre_commit_fails_when_the_baseline_object_is_missing(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The file changed since HEAD: its old version must be read, not taken for a new file.
    (repo / "b" / "requirements.txt").write_text("x==2\n")
    _damage(repo, "HEAD:b/requirements.txt")
    monkeypatch.chdir(repo)
    code = cli.main(["pre-commit", "b/requirements.txt"])
    assert code == 2 and "missing or damaged" in _one_plain_line(capsys.readouterr().err)


def _object(repo: Path, kind: str, body: bytes) -> str:
    """Write an object git itself would refuse to build (hash-object --literally)."""
    path = repo / "obj"
    path.write_bytes(body)
    sha = git(repo, "hash-object", "--literally", "-w", "-t", kind, str(path))
    path.unlink()
    return sha


def _tree(repo: Path, entries: list[tuple[str, str, str]]) -> str:
    body = b"".join(
        f"{mode} {name}".encode() + b"\0" + bytes.fromhex(sha) for mode, name, sha in entries
    )
    return _object(repo, "tree", body)


def test_a_tree_entry_named_dot_dot_is_refused(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gomod = _object(repo, "blob", b"module x\n\nrequire example.invalid/m v1.0.0\n")
    inner = _tree(repo, [("100644", "go.mod", gomod)])
    top = _tree(repo, [("40000", "..", inner)])
    evil = git(repo, "commit-tree", top, "-p", "HEAD", "-m", "crafted")
    code = cli.main(["diff", str(repo), "--base", "HEAD", "--head", evil, "--no-network"])
    line = _one_plain_line(capsys.readouterr().err)
    assert code == 2 and "'../go.mod': refused" in line
