"""GitHub Actions workflows and action.yml files: the actions, reusable workflows and images they use."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import replace
from typing import Any

from sbom import purl
from sbom.errors import ParseError
from sbom.lines import LineIndex
from sbom.loaders import load_yaml
from sbom.model import Component, Location, ParseIssue, ParseResult, Relationship

NAME = "github/actions-workflow"
TITLE = "GitHub Actions workflows and composite actions"
PATTERNS = (".github/workflows/*.yml", ".github/workflows/*.yaml", "action.yml", "action.yaml")
SUPERSEDED_BY: tuple[str, ...] = ()

# One scan for line numbers: a `uses:` key (block style, optionally a list item) and the
# comment after its value, where pinning tools write the tag a commit SHA stands for.
_USES_LINE = re.compile(
    r"""^[ \t]*(?:-[ \t]+)?uses[ \t]*:[ \t]*(["']?)([^"'\s#]+)\1[ \t]*(?:\#[ \t]*(\S*))?""",
    re.MULTILINE,
)
_SHA = re.compile(r"^[0-9a-f]{40}$")


def parse(text: str, path: str) -> ParseResult:
    """Parse a workflow or an action.yml.

    ``owner/repo[/path]@ref`` becomes ``pkg:github/owner/repo@ref#path``; a 40-hex ref is
    a pinned commit, and a ``# v4`` comment after it is kept as the requirement. Local
    ``./`` actions are part of the repository, not components. ``docker://`` images become
    ``pkg:docker`` components. Job containers and services are not read. The purl type is
    ``github`` (not the newer ``githubactions``): owner/repo is what code-host enrichment
    looks up, as for .gitmodules.
    """
    index = LineIndex(text)
    seen: dict[str, deque[tuple[int, str | None]]] = {}
    for m in _USES_LINE.finditer(text):
        seen.setdefault(m.group(2), deque()).append((index.line_of(m.start()), m.group(3) or None))
    issues: list[ParseIssue] = []
    try:
        doc = load_yaml(text)
    except ParseError as exc:
        # GitHub's YAML reader is laxer than PyYAML (e.g. about escapes like "\."), and an
        # action hidden by one odd string is worse than a few guessed lines: fall back to the scan.
        refs = [ref for ref, queue in seen.items() for _ in queue]
        issues.append(
            ParseIssue(path, exc.line, f"{NAME}: {exc.message}; read 'uses:' lines only", "warning")
        )
    else:
        if doc is None:
            return ParseResult()
        if not isinstance(doc, dict):
            raise ParseError("workflow is not a YAML mapping")
        refs = _uses(doc)

    comps: dict[str, Component] = {}
    for ref in refs:
        queue = seen.get(ref)
        line, comment = queue.popleft() if queue else (index.find_line(ref), None)
        if ref.startswith(("./", "../")):  # an action of this repository
            continue
        comp = _component(ref.strip(), comment, Location(path, line))
        if comp is None:
            issues.append(
                ParseIssue(path, line, f"{NAME}: 'uses: {ref}' names no owner/repo@ref", "warning")
            )
            continue
        # One component per action version, with every line that uses it.
        old = comps.get(comp.purl)
        comps[comp.purl] = (
            replace(old, locations=(*old.locations, *comp.locations)) if old else comp
        )
    edges = tuple(sorted(Relationship("", p) for p in comps))
    return ParseResult(tuple(comps.values()), edges, tuple(issues))


def _uses(doc: dict[str, Any]) -> list[str]:
    """Every ``uses`` value in document order: reusable-workflow jobs, job steps, composite steps."""
    out: list[str] = []
    jobs = doc.get("jobs")
    for job in jobs.values() if isinstance(jobs, dict) else ():
        if isinstance(job, dict):
            if isinstance(job.get("uses"), str):
                out.append(job["uses"])
            out.extend(_step_uses(job.get("steps")))
    runs = doc.get("runs")
    if isinstance(runs, dict):
        # A Docker container action names its image here; a Dockerfile path is local.
        if isinstance(runs.get("image"), str) and runs["image"].startswith("docker://"):
            out.append(runs["image"])
        out.extend(_step_uses(runs.get("steps")))
    return out


def _step_uses(steps: Any) -> list[str]:
    if not isinstance(steps, list):
        return []
    return [s["uses"] for s in steps if isinstance(s, dict) and isinstance(s.get("uses"), str)]


def _component(ref: str, comment: str | None, where: Location) -> Component | None:
    if ref.startswith("docker://"):
        return _docker(ref[len("docker://") :], where)
    target, sep, version = ref.partition("@")
    parts = target.split("/")
    if not sep or not version or len(parts) < 2 or not all(parts):
        return None
    owner, repo, sub = parts[0], parts[1], "/".join(parts[2:]) or None
    return Component(
        purl=purl.purl("github", repo, version, namespace=owner, subpath=sub),
        ecosystem="github",
        name=target,
        version=version,
        direct=True,
        source_kind="vcs",
        source_url=f"git+https://github.com/{owner}/{repo}@{version}",
        requirement=comment if comment and _SHA.match(version) else None,
        locations=(where,),
    )


def _docker(image: str, where: Location) -> Component | None:
    """``[registry/]owner/name[:tag][@sha256:…]`` → pkg:docker, the digest preferred as version."""
    rest, _, digest = image.partition("@")
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    name_part, tag = (rest[:colon], rest[colon + 1 :]) if colon > slash else (rest, "")
    namespace, _, name = name_part.rpartition("/")
    if not name:
        return None
    # A first segment with a dot, a colon or "localhost" is a registry host (Docker's own rule).
    first = name_part.split("/", 1)[0]
    host = (
        first
        if "/" in name_part and ("." in first or ":" in first or first == "localhost")
        else None
    )
    return Component(
        purl=purl.purl("docker", name, digest or tag or None, namespace=namespace or None),
        ecosystem="docker",
        name=name_part,
        version=digest or tag or None,
        direct=True,
        registries=(host,) if host else (),
        locations=(where,),
    )
