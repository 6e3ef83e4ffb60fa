"""The repositories of a fleet: a list file of git URLs and local paths, each with its name."""

from __future__ import annotations

import os
from dataclasses import dataclass

from scanner.fleet.gitops import GitError, check_url, display, is_url


@dataclass(frozen=True)
class RepoSpec:
    """One repository to scan: its name in reports and the store, and where it is."""

    name: str
    location: str
    """A clone URL, or an absolute local path (a work tree, a bare repository or a plain folder)."""
    token_for: str | None = None
    """A URL prefix (``https://github.com/``) the clone sends $GITHUB_TOKEN to (``--github-org``).

    The worker reads the token from its own environment: no credential travels in the task graph.
    """

    @property
    def remote(self) -> bool:
        return is_url(self.location)


class ListError(ValueError):
    """A list file that cannot be read at all (unreadable lines are reported one by one)."""


def spec(text: str, base: str) -> RepoSpec:
    """A line's repository; local paths are relative to the list file's folder."""
    if is_url(text) or "::" in text.split("/", 1)[0]:
        check_url(text)  # git's "<transport>::<address>" form is refused, never read as a path
        return RepoSpec(display(text), text)
    path = os.path.abspath(os.path.join(base, os.path.expanduser(text)))
    if os.path.isdir(path):
        from scanner.fleet.gitops import identity

        return RepoSpec(identity(path)[0], path)
    return RepoSpec(path, path)  # a missing path fails as that repository, not the fleet


def read_list(path: str) -> tuple[list[RepoSpec], list[str]]:
    """Repositories listed one per line (``#`` comments, blank lines); problems as ``path:line: …``."""
    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ListError(f"{path}: cannot read: {reason}") from None
    base = os.path.dirname(os.path.abspath(path))
    specs: list[RepoSpec] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(lines, 1):
        text = raw.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            item = spec(text, base)
        except GitError as exc:
            problems.append(f"{path}:{number}: {exc}")
            continue
        if item.name in seen:
            problems.append(
                f"{path}:{number}: {item.name} is already listed on line {seen[item.name]}"
            )
            continue
        seen[item.name] = number
        specs.append(item)
    return specs, problems
