"""SwiftPM Package.resolved (versions 1–3): pinned packages, their repositories and revisions."""

from __future__ import annotations

from typing import Any

from sbom import purl, vcs
from sbom.errors import ParseError
from sbom.lines import LineIndex
from sbom.loaders import load_json
from sbom.model import Component, Location, ParseIssue, ParseResult

NAME = "swift/package-resolved"
TITLE = "Package.resolved v1–v3 (SwiftPM)"
PATTERNS = ("Package.resolved",)
SUPERSEDED_BY: tuple[str, ...] = ()


def parse(text: str, path: str) -> ParseResult:
    """Parse a Package.resolved.

    A pin on a branch or a bare commit has no version: the revision becomes the version
    (still an exact identity, and what a waiver must name) and the branch the requirement.
    """
    doc = load_json(text)
    if not isinstance(doc, dict):
        raise ParseError("Package.resolved is not a JSON object")
    # v1 nests pins under "object" and names them "package"/"repositoryURL";
    # v2 and v3 use "identity"/"location"/"kind" at the top level.
    obj = doc.get("object")
    pins = (obj if isinstance(obj, dict) else doc).get("pins")
    if not isinstance(pins, list):
        raise ParseError("no 'pins' array (not a Package.resolved?)")
    lines = LineIndex(text).key_lines(r'"(?:identity|package)"\s*:\s*"([^"]*)"')
    comps: list[Component] = []
    issues: list[ParseIssue] = []
    for n, pin in enumerate(pins):
        comp = _component(pin, path, lines) if isinstance(pin, dict) else None
        if comp is None:
            key = (pin.get("identity") or pin.get("package")) if isinstance(pin, dict) else None
            line = lines.get(key) if isinstance(key, str) else None
            issues.append(
                ParseIssue(path, line, f"{NAME}: pin #{n + 1} has no name, location or revision")
            )
        else:
            comps.append(comp)
    return ParseResult(tuple(comps), (), tuple(issues))


def _component(pin: dict[str, Any], path: str, lines: dict[str, int]) -> Component | None:
    name = pin.get("identity") or pin.get("package")
    location = pin.get("location") or pin.get("repositoryURL") or ""
    state: dict[str, Any] = pin["state"] if isinstance(pin.get("state"), dict) else {}
    version, revision, branch = state.get("version"), state.get("revision"), state.get("branch")
    if not isinstance(name, str) or not name or not isinstance(location, str):
        return None
    if not isinstance(version, str) or not version:
        version = revision if isinstance(revision, str) and revision else None
    if version is None:
        return None
    kind = pin.get("kind", "remoteSourceControl")
    where = (Location(path, lines.get(name)),)
    requirement = branch if isinstance(branch, str) and branch else None
    if kind == "registry":
        # Registry identities are "scope.name"; there is no repository URL to take a host from.
        scope, _, bare = name.rpartition(".")
        return Component(
            purl=purl.purl("swift", bare, version, namespace=scope or None),
            ecosystem="swift",
            name=name,
            version=version,
            registries=(location,) if location else (),
            locations=where,
        )
    rev = revision if isinstance(revision, str) and revision else None
    parts = vcs.split(location)
    if kind == "localSourceControl" or parts is None:
        # A local checkout has no host to form a swift namespace from (required by the purl spec).
        return Component(
            purl=purl.purl(
                "generic", name, version, qualifiers={"vcs_url": vcs.with_rev(location, rev)}
            ),
            ecosystem="generic",
            name=name,
            version=version,
            source_kind="path",
            source_url=location,
            requirement=requirement,
            locations=where,
        )
    host, repo_path = parts
    namespace, _, repo = f"{host}/{repo_path}".rpartition("/")
    return Component(
        purl=purl.purl("swift", repo, version, namespace=namespace),
        ecosystem="swift",
        name=name,
        version=version,
        source_kind="vcs",
        source_url=vcs.with_rev(location, rev),
        requirement=requirement,
        locations=where,
    )
