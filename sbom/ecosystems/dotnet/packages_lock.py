"""NuGet packages.lock.json: resolved packages per target framework, content hashes and edges."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sbom import hashes, purl
from sbom.errors import ParseError
from sbom.lines import LineIndex
from sbom.loaders import load_json
from sbom.model import Component, Location, ParseIssue, ParseResult, Relationship

NAME = "nuget/packages-lock"
TITLE = "NuGet packages.lock.json"
PATTERNS = ("packages.lock.json",)
SUPERSEDED_BY: tuple[str, ...] = ()


def parse(text: str, path: str) -> ParseResult:
    """Parse a packages.lock.json (lock format versions 1 and 2)."""
    doc = load_json(text)
    frameworks = doc.get("dependencies") if isinstance(doc, dict) else None
    if not isinstance(frameworks, dict):
        raise ParseError("no 'dependencies' object: not a NuGet packages.lock.json", 1)
    index = LineIndex(text)
    comps: dict[str, Component] = {}
    edges: set[Relationship] = set()
    issues: list[ParseIssue] = []
    projects: set[str] = set()
    cursor = 0
    for framework, entries in frameworks.items():
        # The file is written in key order, so one forward cursor finds every entry's line.
        cursor = max(cursor, text.find(f'"{framework}"', cursor))
        if not isinstance(entries, dict):
            issues.append(
                ParseIssue(path, index.line_of(cursor), f"framework {framework!r} is not an object")
            )
            continue
        # NuGet ids are case-insensitive, and "Project" keys are written lowercased.
        local: dict[str, str] = {}
        found: list[tuple[str, dict[str, Any]]] = []
        for name, entry in entries.items():
            pos = text.find(f'"{name}": {{', cursor)
            line = index.line_of(pos) if pos >= 0 else None
            cursor = pos + 1 if pos >= 0 else cursor
            comp = _component(name, entry, path, line)
            if isinstance(comp, str):
                issues.append(ParseIssue(path, line, comp))
                continue
            seen = comps.get(comp.purl)
            if seen is None:
                comps[comp.purl] = comp
            elif comp.direct and not seen.direct:
                # Direct in one framework and transitive in another: the project declares it.
                comps[comp.purl] = replace(seen, direct=True)
            if comp.source_kind == "workspace":
                projects.add(comp.purl)
            local[name.lower()] = comp.purl
            found.append((comp.purl, entry))
        for ref, entry in found:
            if entry.get("type") == "Direct":
                edges.add(Relationship("", ref))
            deps = entry.get("dependencies")
            for dep in deps if isinstance(deps, dict) else ():
                target = local.get(str(dep).lower())
                if target and target != ref:
                    edges.add(Relationship(ref, target))
    # The lock lists every project in the reference closure without saying which ones the
    # project references itself; one that no other project references must be a direct one.
    referenced = {e.target for e in edges if e.source in projects}
    for ref in projects - referenced:
        comps[ref] = replace(comps[ref], direct=True)
        edges.add(Relationship("", ref))
    return ParseResult(tuple(comps.values()), tuple(sorted(edges)), tuple(issues))


def _component(name: str, entry: Any, path: str, line: int | None) -> Component | str:
    """The component of one lock entry, or the message of why it cannot be read."""
    if not isinstance(entry, dict):
        return f"entry {name!r} is not an object"
    kind = entry.get("type")
    loc = (Location(path, line),)
    if kind == "Project":
        # A project reference of the same build: first-party code, no version and no registry.
        return Component(
            purl=purl.purl("nuget", name),
            ecosystem="nuget",
            name=name,
            version=None,
            source_kind="workspace",
            locations=loc,
        )
    version = entry.get("resolved")
    if not isinstance(version, str) or not version:
        return f"package {name!r} has no resolved version"
    content = entry.get("contentHash")
    digest = hashes.from_base64("sha512", content) if isinstance(content, str) else None
    return Component(
        purl=purl.purl("nuget", name, version),
        ecosystem="nuget",
        name=name,
        version=version,
        # Transitive and CentralTransitive (pinned centrally, still not referenced) are indirect.
        direct=kind == "Direct",
        hashes=(digest,) if digest else (),
        locations=loc,
    )
