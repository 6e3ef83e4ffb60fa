"""Where a component's git checkout is inside the scanned tree, and whether it is safe to read."""

from __future__ import annotations

import os
import re
import stat

from sbom.model import Component

_SMALL = 1 << 20  # .git files, config, .gitmodules
# GitPython reads config itself and would follow [include] to any file (/dev/zero hangs it).
_INCLUDE = re.compile(rb"\[\s*include", re.IGNORECASE)


class Refused(Exception):
    """A repository this source will not read; the message is the status reason."""


def preflight(path: str, allowed: str | None) -> str:
    """The git directory of ``path``, after checking the files GitPython reads by itself."""
    dotgit = os.path.join(path, ".git")
    mode = os.lstat(dotgit).st_mode
    if stat.S_ISDIR(mode):
        git_dir = dotgit
    elif stat.S_ISREG(mode):
        text = read_small(dotgit, 4096).decode("utf-8", "replace").strip()
        if not text.startswith("gitdir:"):
            raise Refused(".git file has no gitdir line")
        git_dir = os.path.join(path, text[7:].strip())
    else:
        raise Refused(".git is a symbolic link or a special file")
    git_dir = os.path.realpath(git_dir)
    dirs = [git_dir]
    common = os.path.join(git_dir, "commondir")
    if os.path.lexists(common):
        dirs.append(
            os.path.realpath(os.path.join(git_dir, read_small(common, 4096).decode().strip()))
        )
    if allowed and not all(inside(folder, allowed) for folder in dirs):
        raise Refused("git directory is outside the scanned tree")
    # GitPython falls back to reading ``path`` as a git directory when .git is broken.
    looks_bare = os.path.lexists(os.path.join(path, "HEAD"))
    for folder in (*dirs, path) if looks_bare else dirs:
        for name in ("config", "config.worktree", "commondir", "gitdir"):
            file = os.path.join(folder, name)
            if os.path.lexists(file) and _INCLUDE.search(read_small(file, _SMALL)):
                raise Refused(f"{name} uses include directives, which are not followed")
    return git_dir


def checkout(component: Component, root: str) -> tuple[str, bool] | None:
    """(folder, is a submodule) where the component's source is checked out, or None."""
    if component.source_kind == "vcs":
        for loc in component.locations:
            if os.path.basename(loc.path) == ".gitmodules":
                sub = submodule_path(os.path.join(root, loc.path), component.name)
                if sub:
                    return os.path.normpath(
                        os.path.join(root, os.path.dirname(loc.path), sub)
                    ), True
        return None  # a lockfile's git dependency: its checkout lives in a cache, not here
    url = str(component.source_url)
    url = url.removeprefix("file://") if url.startswith("file://") else url.removeprefix("file:")
    base = os.path.dirname(component.locations[0].path) if component.locations else ""
    return os.path.normpath(os.path.join(root, base, url)), False


def submodule_path(gitmodules: str, name: str) -> str | None:
    try:
        from git.config import GitConfigParser

        read_small(gitmodules, _SMALL)  # a regular, small file, not a link
        parser = GitConfigParser(gitmodules, read_only=True, merge_includes=False)
        value = parser.get_value(f'submodule "{name}"', "path", default="")
    except Exception:  # a .gitmodules git itself would reject: no path, hence unknown
        return None
    return str(value).strip() or None


def read_small(path: str, limit: int) -> bytes:
    """A regular file's bytes: never through a symbolic link, never a FIFO, never above ``limit``."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise Refused(f"{os.path.basename(path)}: {exc.strerror}") from exc
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            raise Refused(f"{os.path.basename(path)} is not a small regular file")
        return fh.read(limit + 1)[:limit]


def top(path: str) -> str | None:
    """The nearest folder at or above ``path`` that holds a .git entry."""
    current = path
    while True:
        if os.path.lexists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def inside(path: str, base: str) -> bool:
    return path == base or path.startswith(base.rstrip(os.sep) + os.sep)
