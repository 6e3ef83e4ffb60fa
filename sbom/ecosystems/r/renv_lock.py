"""renv.lock: R packages with their repository, Bioconductor or git remote, and requirements."""

from __future__ import annotations

from typing import Any

from sbom import purl, vcs
from sbom.errors import ParseError
from sbom.lines import LineIndex
from sbom.loaders import load_json
from sbom.model import Component, Location, ParseIssue, ParseResult, Relationship, SourceKind

NAME = "cran/renv-lock"
TITLE = "renv.lock (R)"
PATTERNS = ("renv.lock",)
SUPERSEDED_BY: tuple[str, ...] = ()

# RemoteHost is the API host renv talked to; the repository lives on the web host.
_WEB_HOSTS = {
    "api.github.com": "github.com",
    "gitlab.com": "gitlab.com",
    "api.bitbucket.org": "bitbucket.org",
}
_GIT_SOURCES = frozenset({"GitHub", "GitLab", "Bitbucket", "Git"})
_GIT_REMOTES = frozenset({"github", "gitlab", "bitbucket", "git2r", "git"})
_DEFAULT_HOSTS = {"github": "github.com", "gitlab": "gitlab.com", "bitbucket": "bitbucket.org"}


def parse(text: str, path: str) -> ParseResult:
    """Parse a renv.lock.

    Every package's ``Hash`` is renv's MD5 over fields of the installed package's DESCRIPTION
    file, a cache key for renv, not a digest of any downloadable artifact: it is not recorded
    as a component hash. Packages from git hosts (GitHub, GitLab, Bitbucket, plain git) are
    "vcs" sources pinned to RemoteSha; "Local" ones are paths.
    """
    doc = load_json(text)
    if not isinstance(doc, dict) or not isinstance(doc.get("Packages", {}), dict):
        raise ParseError("renv.lock has no 'Packages' object")
    packages: dict[str, Any] = doc.get("Packages", {})
    repos = _repositories(doc)
    lines = LineIndex(text).key_lines(r'"Package"\s*:\s*"([^"\n]+)"')
    comps: dict[str, Component] = {}
    entries: dict[str, dict[str, Any]] = {}
    issues: list[ParseIssue] = []
    for key, pkg in packages.items():
        name = pkg.get("Package", key) if isinstance(pkg, dict) else None
        version = pkg.get("Version") if isinstance(pkg, dict) else None
        line = lines.get(name) if isinstance(name, str) else None
        if not isinstance(pkg, dict) or not isinstance(name, str) or not isinstance(version, str):
            issues.append(ParseIssue(path, line, f"{NAME}: package {key!r} has no name or version"))
            continue
        comps[name] = _component(name, version, pkg, repos, Location(path, line))
        entries[name] = pkg
    edges: set[Relationship] = set()
    for name, comp in comps.items():
        for dep in _requirements(entries[name]):
            # Base packages ("R", "stats", "utils"…) ship with R itself and are not in the lock.
            if dep in comps:
                edges.add(Relationship(comp.purl, comps[dep].purl))
    # A key sort: dataclass ordering compares field by field in Python, several times slower.
    ordered = sorted(edges, key=lambda e: (e.source, e.target))
    return ParseResult(tuple(comps.values()), tuple(ordered), tuple(issues))


def _component(
    name: str, version: str, pkg: dict[str, Any], repos: dict[str, str], where: Location
) -> Component:
    source = str(pkg.get("Source") or "")
    remote_type = str(pkg.get("RemoteType") or "").lower()
    kind: SourceKind = "registry"
    url: str | None = None
    registries: tuple[str, ...] = ()
    if source in _GIT_SOURCES or remote_type in _GIT_REMOTES:
        kind, url = "vcs", _git_source(pkg, remote_type)
    elif source == "Local" or remote_type == "local":
        remote = pkg.get("RemoteUrl")
        kind, url = "path", remote if isinstance(remote, str) else None
    elif source == "Bioconductor":
        # Bioconductor's repositories are in R.Repositories only when the user listed them.
        registries = tuple(u for k, u in repos.items() if k.lower().startswith("bioc"))
    else:
        # "Repository" is a name from R.Repositories ("CRAN") or the repository URL itself.
        repo = pkg.get("Repository")
        if isinstance(repo, str) and repo:
            registry = repos.get(repo) or (repo if "://" in repo else None)
            registries = (registry,) if registry else ()
    return Component(
        purl=purl.purl("cran", name, version),
        ecosystem="cran",
        name=name,
        version=version,
        registries=registries,
        source_kind=kind,
        source_url=url,
        locations=(where,),
    )


def _git_source(pkg: dict[str, Any], remote_type: str) -> str | None:
    sha = pkg.get("RemoteSha")
    sha = sha if isinstance(sha, str) and sha else None
    url = pkg.get("RemoteUrl")
    if isinstance(url, str) and url:
        return vcs.with_rev(url, sha)
    user, repo = pkg.get("RemoteUsername"), pkg.get("RemoteRepo")
    if not isinstance(user, str) or not isinstance(repo, str):
        return None
    api_host = str(pkg.get("RemoteHost") or "")
    host = _WEB_HOSTS.get(api_host) or _DEFAULT_HOSTS.get(remote_type) or api_host or "github.com"
    subdir = pkg.get("RemoteSubdir")
    url = vcs.with_rev(f"https://{host}/{user}/{repo}", sha)
    return f"{url}#subdirectory={subdir}" if isinstance(subdir, str) and subdir else url


def _repositories(doc: dict[str, Any]) -> dict[str, str]:
    """R.Repositories as name → URL."""
    r = doc.get("R")
    entries = r.get("Repositories") if isinstance(r, dict) else None
    out: dict[str, str] = {}
    for entry in entries if isinstance(entries, list) else ():
        if (
            isinstance(entry, dict)
            and isinstance(entry.get("Name"), str)
            and isinstance(entry.get("URL"), str)
        ):
            out[entry["Name"]] = entry["URL"]
    return out


def _requirements(pkg: Any) -> list[str]:
    """Requirements: a list of names (renv ≤ 1.0) or of "name (>= 1.0)" strings (renv 1.1 Depends/Imports)."""
    if not isinstance(pkg, dict):
        return []
    out: list[str] = []
    for key in ("Requirements", "Depends", "Imports", "LinkingTo"):
        value = pkg.get(key)
        items = (
            value if isinstance(value, list) else value.split(",") if isinstance(value, str) else []
        )
        out.extend(item.split("(", 1)[0].strip() for item in items if isinstance(item, str))
    return out
