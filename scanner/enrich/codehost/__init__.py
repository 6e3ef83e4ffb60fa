"""Code hosts (GitHub, GitLab, Gitee): who owns each repository a component names, and what they say."""

from __future__ import annotations

import re
from collections.abc import Sequence

from packageurl import PackageURL

from sbom import vcs
from sbom.model import Component
from scanner.enrich.codehost import gitee, github, gitlab
from scanner.enrich.codehost.lookup import HOSTS, NAME, SEGMENT, Run
from scanner.enrich.context import Context
from scanner.enrich.model import Fact, SourceResult, SourceStatus
from scanner.enrich.repos import parse_repo

__all__ = ["ECOSYSTEMS", "MAX_REPOS", "NAME", "PHASE", "enrich", "enrich_with"]

ECOSYSTEMS = ("*",)
PHASE = 2

MAX_REPOS = 5  # registry text is hostile: a component never costs more than a few lookups
_MAJOR = re.compile(r"/v\d+$")
# Worst first: the component's status is its worst lookup.
_RANK = ("error", "rate-limited", "deadline", "offline", "skipped", "not-found")


def enrich(component: Component, ctx: Context) -> SourceResult:
    """Components whose own identity names a repository (pkg:github, Go modules, Swift, vcs)."""
    return enrich_with(component, ctx, ())


def enrich_with(component: Component, ctx: Context, prior_facts: Sequence[Fact]) -> SourceResult:
    """Owner, owner type, fork origin and owner profile of every repository found so far.

    A bug here cannot end the scan: the runner turns any exception into an error status.
    """
    prior = prior_facts
    texts = [_own_repository(component)] + [f.value for f in prior if f.kind == "repository"]
    repos: dict[str, tuple[str, str]] = {}
    elsewhere: list[str] = []
    for text in texts:
        repo = _repo(text) if text else None
        if repo and repo[0] in HOSTS:
            repos.setdefault("/".join(repo), repo)
        elif repo:
            elsewhere.append("/".join(repo))
    if not repos:
        reason = f"no repository on a supported code host ({', '.join(elsewhere[:3])})"
        return SourceResult(SourceStatus(NAME, "not-applicable", reason if elsewhere else ""))
    run = Run(component, ctx)
    for host, path in list(repos.values())[:MAX_REPOS]:
        if host == "github.com":
            github.repository(run, path)
        elif host == "gitlab.com":
            gitlab.repository(run, path)
        else:
            gitee.repository(run, path)
    facts = tuple(dict.fromkeys(run.facts))
    if not run.problems:
        return SourceResult(SourceStatus(NAME, "ok", url=run.url), facts)
    status = min((s for s, _ in run.problems), key=_RANK.index)
    reason = "; ".join(dict.fromkeys(r for _, r in run.problems))[:1000]
    return SourceResult(SourceStatus(NAME, status, reason), facts)


def _own_repository(component: Component) -> str | None:
    """The repository a component's identity names, if any."""
    if component.source_kind == "vcs" and component.source_url:
        head, sep, last = component.source_url.rpartition("/")
        return head + sep + last.partition("@")[0]  # drop the pinned "@rev"
    if component.ecosystem == "golang":
        return "https://" + _MAJOR.sub("", component.name)
    if component.ecosystem in ("github", "swift"):
        try:
            p = PackageURL.from_string(component.purl)
        except ValueError:
            return None
        host = "github.com/" if component.ecosystem == "github" else ""
        return f"https://{host}{p.namespace}/{p.name}" if p.namespace else None
    return None


def _repo(text: str) -> tuple[str, str] | None:
    """(host, lowercased path): owner/name, or GitLab's full project path with subgroups."""
    ref = parse_repo(text)
    if ref is None:
        return None
    segments = [ref.owner, ref.name]
    parts = vcs.split(text)
    if ref.host == "gitlab.com" and parts and parts[0].removeprefix("www.") == "gitlab.com":
        segments = [s for s in parts[1].split("/-/")[0].split("/") if s]
    if not all(SEGMENT.match(s) for s in segments):
        return None
    # Hosts match names case-insensitively; one spelling gives one URL, so one request a scan.
    return ref.host, "/".join(segments).lower()
