"""NuGet packages.config: the packages installed into a classic .NET Framework project."""

from __future__ import annotations

from sbom import purl
from sbom.ecosystems.dotnet._xml import TagLines, local
from sbom.errors import ParseError
from sbom.loaders import parse_xml
from sbom.model import Component, Location, ParseIssue, ParseResult

NAME = "nuget/packages-config"
TITLE = "NuGet packages.config"
PATTERNS = ("packages.config",)
SUPERSEDED_BY: tuple[str, ...] = ()


def parse(text: str, path: str) -> ParseResult:
    """Parse a packages.config; every entry is an exact, installed version."""
    root = parse_xml(text)
    if local(root.tag) != "packages":
        raise ParseError("root element is not <packages>: not a packages.config", 1)
    lines = TagLines(text)
    comps: dict[str, Component] = {}
    issues: list[ParseIssue] = []
    for el in root.iter():
        if not isinstance(el.tag, str) or local(el.tag) != "package":
            continue
        line = lines.next("package")
        name, version = el.get("id", "").strip(), el.get("version", "").strip()
        if not name or not version:
            issues.append(ParseIssue(path, line, "<package> without id or version"))
            continue
        # packages.config flattens the closure: it does not tell declared from pulled-in
        # packages, so ``direct`` stays unknown. The dev flag is NuGet's own.
        dev = el.get("developmentDependency", "").strip().lower() == "true"
        comp = Component(
            purl=purl.purl("nuget", name, version),
            ecosystem="nuget",
            name=name,
            version=version,
            scope="dev" if dev else "required",
            requirement=el.get("allowedVersions") or None,
            locations=(Location(path, line),),
        )
        comps.setdefault(comp.purl, comp)
    return ParseResult(tuple(comps.values()), (), tuple(issues))
