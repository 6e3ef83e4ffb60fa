"""Repository references as registries write them, reduced to (host, owner, name)."""

from __future__ import annotations

import re
from typing import NamedTuple

from sbom import vcs

# npm's shorthand forms: "owner/repo", "github:owner/repo", "gitlab:o/r", "bitbucket:o/r".
_SHORTHAND = re.compile(
    r"^(?:(github|gitlab|bitbucket|gist):)?([\w.-]+)/([\w.-]+?)(?:\.git)?(?:#.*)?$"
)
_SHORT_HOSTS = {
    None: "github.com",
    "github": "github.com",
    "gitlab": "gitlab.com",
    "bitbucket": "bitbucket.org",
}


class RepoRef(NamedTuple):
    """A repository on a code host."""

    host: str
    owner: str
    name: str

    @property
    def key(self) -> str:
        """``host/owner/name`` in lower case, for deduplication."""
        return f"{self.host}/{self.owner}/{self.name}".lower()


def parse_repo(value: str) -> RepoRef | None:
    """A code-host repository from a URL or npm shorthand; None when it names none."""
    text = value.strip()
    if not text:
        return None
    m = _SHORTHAND.match(text)
    if m and "://" not in text and "@" not in text:
        host = _SHORT_HOSTS.get(m.group(1))
        return RepoRef(host, m.group(2), m.group(3)) if host else None
    parts = vcs.split(text)
    if parts is None:
        return None
    host, path = parts
    segments = [s for s in path.split("/") if s]
    if len(segments) < 2:
        return None
    host = host.lower().removeprefix("www.")
    name = segments[1].removesuffix(".git")
    # GitLab and Gitee allow subgroups; the owner that matters is the top-level namespace.
    return RepoRef(host, segments[0], name)
