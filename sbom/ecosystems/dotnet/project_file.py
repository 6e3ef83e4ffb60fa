"""MSBuild project files and Directory.*.props: PackageReference, PackageVersion and their versions."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from sbom import purl
from sbom.ecosystems.dotnet._xml import TagLines, local
from sbom.errors import ParseError
from sbom.loaders import parse_xml
from sbom.model import (
    SCOPE_RANK,
    Component,
    Location,
    ParseIssue,
    ParseResult,
    Relationship,
    Scope,
)

NAME = "nuget/project-file"
TITLE = "NuGet PackageReference (*.csproj, *.fsproj, *.vbproj, Directory.Packages.props)"
PATTERNS = ("*.csproj", "*.fsproj", "*.vbproj", "Directory.Packages.props", "Directory.Build.props")
# A NuGet lock sits beside its project; the core also accepts one in a parent folder.
SUPERSEDED_BY: tuple[str, ...] = ("./packages.lock.json",)

_ITEMS = ("PackageReference", "GlobalPackageReference", "PackageVersion")
_PROPERTY = re.compile(r"\$\(\s*([A-Za-z_][\w.-]*)\s*\)")
_VERSION_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-+")


@dataclass
class _Item:
    tag: str
    name: str
    line: int | None
    meta: dict[str, str]


def parse(text: str, path: str) -> ParseResult:
    """Parse one MSBuild XML file; conditions are not evaluated, every branch counts."""
    root = parse_xml(text)
    if local(root.tag) != "Project":
        raise ParseError("root element is not <Project>: not an MSBuild file", 1)
    lines = TagLines(text)
    props: dict[str, str] = {}
    items: list[_Item] = []
    updates: list[_Item] = []
    issues: list[ParseIssue] = []
    for el in root.iter():
        tag = local(el.tag) if isinstance(el.tag, str) else ""
        if tag == "PropertyGroup":
            # MSBuild evaluates all properties before items; the last definition wins.
            props.update(
                {local(c.tag).lower(): (c.text or "").strip() for c in el if isinstance(c.tag, str)}
            )
        if tag not in _ITEMS:
            continue
        line = lines.next(tag)
        meta = _metadata(el)
        if "remove" in meta:
            gone = {n.lower() for n in _names(meta["remove"])}
            items = [i for i in items if i.name.lower() not in gone]
        items.extend(_Item(tag, name, line, meta) for name in _names(meta.get("include", "")))
        updates.extend(_Item(tag, name, line, meta) for name in _names(meta.get("update", "")))
        if not {"include", "update", "remove"} & meta.keys():
            issues.append(ParseIssue(path, line, f"<{tag}> without Include, Update or Remove"))
    for upd in updates:
        # Update changes metadata of an item declared earlier; without one here, the item comes
        # from an imported file (Directory.Build.props, the SDK) and is still this project's.
        targets = [i for i in items if i.tag == upd.tag and i.name.lower() == upd.name.lower()]
        for item in targets:
            item.meta = {**item.meta, **{k: v for k, v in upd.meta.items() if k != "include"}}
        if not targets:
            items.append(upd)
    comps: dict[str, Component] = {}
    for item in items:
        comp = _component(item, props, path)
        seen = comps.get(comp.purl)
        if seen is None:
            comps[comp.purl] = comp
        elif comp.scope and seen.scope and SCOPE_RANK[comp.scope] < SCOPE_RANK[seen.scope]:
            comps[comp.purl] = replace(seen, scope=comp.scope)
    edges = tuple(sorted(Relationship("", ref) for ref, c in comps.items() if c.direct))
    return ParseResult(tuple(comps.values()), edges, tuple(issues))


def _component(item: _Item, props: dict[str, str], path: str) -> Component:
    raw = item.meta.get("versionoverride") or item.meta.get("version")
    requirement = _expand(raw, props) if raw else None
    version = _exact(requirement) if requirement else None
    direct: bool | None = None
    scope: Scope | None = None
    if item.tag != "PackageVersion":  # a central version only counts if a project uses it
        # PrivateAssets=all keeps the package out of consumers (analyzers, build tools); like
        # CycloneDX for .NET we call it a development dependency. Global references default to it.
        private = {p.strip().lower() for p in item.meta.get("privateassets", "").split(";")}
        dev = item.tag == "GlobalPackageReference" or "all" in private
        direct, scope = True, "dev" if dev else "required"
    return Component(
        purl=purl.purl("nuget", item.name, version),
        ecosystem="nuget",
        name=item.name,
        version=version,
        scope=scope,
        direct=direct,
        requirement=requirement,
        locations=(Location(path, item.line),),
    )


def _metadata(el: Any) -> dict[str, str]:
    """Attributes and child elements of an item, keyed case-insensitively as MSBuild does."""
    meta = {k.lower(): v.strip() for k, v in el.attrib.items()}
    for child in el:
        if isinstance(child.tag, str):
            meta.setdefault(local(child.tag).lower(), (child.text or "").strip())
    return meta


def _names(spec: str) -> list[str]:
    return [n.strip() for n in spec.split(";") if n.strip()]


def _expand(raw: str, props: dict[str, str]) -> str:
    """Substitute ``$(Property)`` from this file; a few rounds cover properties built from others."""
    for _ in range(4):
        if "$(" not in raw:
            break
        raw = _PROPERTY.sub(lambda m: props.get(m.group(1).lower(), m.group(0)), raw)
    return raw


def _exact(spec: str) -> str | None:
    """The version NuGet restores for ``spec`` when that is certain without the registry.

    A bare ``1.2.3`` means "at least 1.2.3", but restore picks the lowest match, so it is the
    version; ``[1.2.3]`` pins it. Ranges, floating ``1.*`` and unresolved properties are not.
    """
    spec = spec.strip()
    if spec.startswith("[") and spec.endswith("]"):
        parts = [p.strip() for p in spec[1:-1].split(",")]
        if len(parts) == 2 and parts[0] == parts[1]:
            parts = parts[:1]
        spec = parts[0] if len(parts) == 1 else ""
    if spec and spec[0].isdigit() and all(ch in _VERSION_CHARS for ch in spec):
        return spec
    return None
