"""Git as the release script uses it: no hooks, no prompts, the user's identity and signing kept."""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from pathlib import Path


class ReleaseError(Exception):
    """A release step refused or failed; the message says what to do."""


def git(root: Path, *args: str, check: bool = True) -> str:
    """Run git in ``root`` and return its stripped output; ReleaseError when it fails."""
    # No hooks: the release commits only touch files the script wrote, and a repository's own
    # pre-commit hook (maybe this very scanner) must not block or alter them half-way.
    cmd = ["git", "-c", f"core.hooksPath={os.devnull}", *args]
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    done = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)} failed:\n{done.stderr.strip()}")
    return done.stdout.strip()


def ok(root: Path, *args: str) -> bool:
    """Whether a git command succeeds (for questions such as "is this an ancestor")."""
    return (
        subprocess.run(["git", *args], cwd=root, capture_output=True, check=False).returncode == 0
    )


def tag_commit(root: Path, tag: str) -> str | None:
    """The commit a tag points at, or None when the tag is not in this clone."""
    out = git(root, "rev-parse", "-q", "--verify", f"refs/tags/{tag}^{{commit}}", check=False)
    return out or None


def is_annotated(root: Path, tag: str) -> bool:
    return git(root, "cat-file", "-t", f"refs/tags/{tag}", check=False) == "tag"


def has_commit(root: Path, sha: str) -> bool:
    return ok(root, "cat-file", "-e", f"{sha}^{{commit}}")


def is_ancestor(root: Path, sha: str, of: str = "HEAD") -> bool:
    return ok(root, "merge-base", "--is-ancestor", sha, of)


def show(root: Path, rev: str, path: str) -> str | None:
    """A file's text at a revision, or None when it is not there."""
    done = subprocess.run(
        ["git", "show", f"{rev}:{path}"], cwd=root, capture_output=True, text=True, check=False
    )
    return done.stdout if done.returncode == 0 else None


def export(root: Path, rev: str, dest: Path) -> Path:
    """The tracked files of ``rev`` (nothing uncommitted, nothing ignored) extracted to ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", rev], cwd=root, capture_output=True, check=False
    )
    if archive.returncode != 0:
        raise ReleaseError(f"git archive {rev} failed:\n{archive.stderr.decode().strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        if hasattr(tarfile, "data_filter"):  # refuses links and paths that leave ``dest``
            tar.extractall(dest, filter="data")
        else:  # pragma: no cover - Pythons before 3.10.12 / 3.11.4
            tar.extractall(dest)  # our own repository's archive
    return dest
