"""Dart/Flutter pubspec.lock: hosted, git, path and SDK packages with direct/dev markers."""

from __future__ import annotations

from typing import Any

from sbom import hashes, purl
from sbom.errors import ParseError
from sbom.lines import LineIndex
from sbom.loaders import load_yaml
from sbom.model import (
    Component,
    Hash,
    Location,
    ParseIssue,
    ParseResult,
    Relationship,
    Scope,
    SourceKind,
)

NAME = "pub/pubspec-lock"
TITLE = "Dart pub pubspec.lock"
PATTERNS = ("pubspec.lock",)
SUPERSEDED_BY: tuple[str, ...] = ()

# Package keys sit at indent 2 under "packages:" with nothing after the colon.
_KEY = r"^  ([^\s#:'\"][^:]*):[ \t]*\r?$"

# pub's "dependency" field → (direct, scope). An override is declared by the project but
# applies to whatever needed the package, so its scope is unknown.
_DEPENDENCY: dict[str, tuple[bool, Scope | None]] = {
    "direct main": (True, "required"),
    "direct dev": (True, "dev"),
    "direct overridden": (True, None),
    "transitive": (False, None),
}


def parse(text: str, path: str) -> ParseResult:
    """Parse a pubspec.lock."""
    doc = load_yaml(text)
    packages = doc.get("packages") if isinstance(doc, dict) else None
    if packages is None and isinstance(doc, dict) and "sdks" in doc:
        packages = {}  # a project without dependencies still gets a lockfile
    if not isinstance(packages, dict):
        raise ParseError("no 'packages' mapping: not a pubspec.lock", 1)
    sdks = doc.get("sdks") if isinstance(doc.get("sdks"), dict) else {}
    lines = LineIndex(text).key_lines(_KEY)
    comps: list[Component] = []
    issues: list[ParseIssue] = []
    for name, entry in packages.items():
        name = str(name)
        line = lines.get(name)
        if not isinstance(entry, dict):
            issues.append(ParseIssue(path, line, f"package {name!r} is not a mapping"))
            continue
        comp = _component(name, entry, sdks, Location(path, line))
        if isinstance(comp, str):
            issues.append(ParseIssue(path, line, comp))
        else:
            comps.append(comp)
    # pubspec.lock keeps no graph between packages; only the root's own edges are known.
    edges = tuple(sorted(Relationship("", c.purl) for c in comps if c.direct))
    return ParseResult(tuple(comps), edges, tuple(issues))


def _component(
    name: str, entry: dict[str, Any], sdks: dict[str, Any], loc: Location
) -> Component | str:
    """The component of one package entry, or why it cannot be read."""
    version = entry.get("version")
    if not isinstance(version, str) or not version:
        return f"package {name!r} has no version string"
    source = entry.get("source")
    desc = entry.get("description")
    info = desc if isinstance(desc, dict) else {}
    direct, scope = _DEPENDENCY.get(str(entry.get("dependency")), (None, None))
    kind: SourceKind = "registry"
    url: str | None = None
    registries: tuple[str, ...] = ()
    digests: tuple[Hash, ...] = ()
    requirement: str | None = None
    if source == "hosted":
        registry = info.get("url")
        registries = (registry,) if isinstance(registry, str) and registry else ()
        sha = info.get("sha256")
        digest = hashes.from_hex("sha256", sha) if isinstance(sha, str) else None
        digests = (digest,) if digest else ()
    elif source == "git":
        kind = "vcs"
        repo, commit = info.get("url"), info.get("resolved-ref") or info.get("ref")
        if isinstance(repo, str) and repo:
            url = f"git+{repo}#{commit}" if commit else f"git+{repo}"
    elif source == "path":
        kind, url = "path", str(info.get("path") or "") or None
    elif source == "sdk":
        # SDK packages ship inside the Flutter/Dart SDK checkout, not from pub: part of the
        # toolchain (never looked up on pub.dev), pinned by the SDK constraint. Flutter's own
        # packages declare no version, which pub writes as "0.0.0": no version, not a release.
        kind = "sdk"
        version = None if version == "0.0.0" else version
        constraint = sdks.get(str(desc))
        requirement = f"{desc} {constraint}" if isinstance(constraint, str) else None
    return Component(
        purl=purl.purl("pub", name, version),
        ecosystem="pub",
        name=name,
        version=version,
        scope=scope,
        direct=direct,
        hashes=digests,
        registries=registries,
        source_kind=kind,
        source_url=url,
        requirement=requirement,
        locations=(loc,),
    )
