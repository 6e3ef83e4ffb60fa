"""Finding lockfiles and manifests in a tree: git-aware, skips vendored folders, never leaves the root."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

# Folders that hold installed or generated copies of dependencies, not declarations.
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "bower_components",
        "jspm_packages",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "__pycache__",
        "site-packages",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".yarn",
        ".pnpm-store",
        ".gradle",
        ".m2",
        ".terraform",
        ".dart_tool",
        ".pub-cache",
        "Pods",
        "Carthage",
        ".build",
        "third_party",
        "third-party",
        "thirdparty",
        "external",
        "vendor",
    }
)
# Kept despite a skipped folder: Go's vendor manifest is the lockfile of vendored modules.
KEEP_UNDER_SKIPPED = ("vendor/modules.txt",)


@dataclass(frozen=True, slots=True)
class Found:
    """A candidate file: path relative to the root (/-separated) and absolute path."""

    relpath: str
    abspath: str


def skipped(relpath: str, include_vendored: bool) -> bool:
    parts = relpath.split("/")[:-1]
    if not parts:
        return False
    if relpath.endswith(KEEP_UNDER_SKIPPED) and parts[-1] == "vendor":
        parts = parts[:-1]
    for part in parts:
        if part in (".git", ".hg", ".svn"):
            return True
        if not include_vendored and part in SKIP_DIRS:
            return True
    return False


def _git_files(root: str) -> list[str] | None:
    """Tracked plus untracked-but-not-ignored files, or None when root is not in a git work tree."""
    if not os.path.exists(os.path.join(root, ".git")):
        # Only trust git for the tree it owns at this root: a subfolder of a bigger
        # repository is walked directly, which sees the same files minus ignore rules.
        return None
    cmd = [
        "git",
        # Never let the scanned repository's config run a program (fsmonitor, hooks).
        "-c",
        "core.fsmonitor=false",
        "-c",
        "core.hooksPath=/dev/null",
        "-c",
        f"safe.directory={root}",
        "-C",
        root,
        "ls-files",
        "-z",
        "--cached",
        "--others",
        "--exclude-standard",
        "--deduplicate",
    ]
    import subprocess  # only needed inside a git work tree

    try:
        out = subprocess.run(cmd, capture_output=True, check=True, timeout=120).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]


def _walk(root: str, include_vendored: bool) -> Iterator[str]:
    # os.walk does not follow symlinked folders, so loops cannot trap it.
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        keep = []
        for d in dirnames:
            if d in (".git", ".hg", ".svn"):
                continue
            if not include_vendored and d in SKIP_DIRS:
                if d == "vendor" and os.path.isfile(os.path.join(dirpath, d, "modules.txt")):
                    yield rel_dir + "vendor/modules.txt"
                continue
            keep.append(d)
        dirnames[:] = sorted(keep)
        for name in filenames:
            yield rel_dir + name


def inside(root_real: str, abspath: str) -> bool:
    """Whether ``abspath``, links resolved, is ``root_real`` (already resolved) or below it."""
    try:
        real = os.path.realpath(abspath)
    except (OSError, ValueError):
        return False
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def discover(
    root: str,
    wanted: Callable[[str], bool] | None = None,
    include_vendored: bool = False,
    use_git: bool = True,
) -> tuple[list[Found], list[str]]:
    """Candidate files under ``root`` and the relative paths refused as escaping it.

    ``wanted`` is a callable ``relpath -> bool`` that keeps only paths some parser matches.
    """
    root = os.path.abspath(root)
    root_real = os.path.realpath(root)
    paths = _git_files(root) if use_git else None
    if paths is None:
        paths = list(_walk(root, include_vendored))
    found: list[Found] = []
    refused: list[str] = []
    for rel in sorted(set(paths)):
        if skipped(rel, include_vendored):
            continue
        if wanted is not None and not wanted(rel):
            continue
        abspath = os.path.join(root, *rel.split("/"))
        # A symlink (of the file or a folder above it) may point anywhere: only
        # files that really live under the root are read.
        if not inside(root_real, abspath):
            refused.append(rel)
            continue
        if not os.path.isfile(abspath):
            continue
        found.append(Found(rel, abspath))
    return found, refused
