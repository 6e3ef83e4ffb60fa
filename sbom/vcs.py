"""Git remote URLs (https, ssh, scp-like) split into host and repository path, shared by parsers."""

from __future__ import annotations

import re

# user@host:path (scp-like syntax git accepts for ssh); no scheme, no slash before the colon.
_SCP = re.compile(r"^(?:[^@/:]+@)?([^/:]+):(?!//)(.+)$")
_GITHUB_HOSTS = frozenset({"github.com", "www.github.com"})


def split(url: str) -> tuple[str, str] | None:
    """``(host, path)`` of a remote URL without scheme, user, port, ``.git`` or slashes at the ends.

    None for local paths and relative URLs (``../x.git``), which name no host.
    """
    url = url.strip()
    if url.startswith("git+"):
        url = url[4:]
    scheme, sep, rest = url.partition("://")
    if sep:
        if scheme.lower() == "file":
            return None
        authority, _, path = rest.partition("/")
        host = authority.rpartition("@")[2].split(":", 1)[0].lower()
    else:
        m = _SCP.match(url)
        # A Windows drive ("C:\\x") is not a host.
        if not m or len(m.group(1)) == 1:
            return None
        host, path = m.group(1).lower(), m.group(2)
    path = path.split("?", 1)[0].split("#", 1)[0].strip("/")
    if path.endswith(".git"):
        path = path[:-4]
    if not host or not path:
        return None
    return host, path


def github_repo(url: str) -> str | None:
    """``owner/repo`` when ``url`` points at a github.com repository, else None."""
    parts = split(url)
    if parts is None or parts[0] not in _GITHUB_HOSTS:
        return None
    segments = parts[1].split("/")
    if len(segments) < 2 or not segments[0] or not segments[1]:
        return None
    return f"{segments[0]}/{segments[1]}"


def with_rev(url: str, rev: str | None) -> str:
    """``git+URL@rev``: the pip-style spelling every parser here uses for a pinned git source."""
    base = url if url.startswith("git+") else "git+" + url
    return f"{base}@{rev}" if rev else base
