"""Gradle dependency verification metadata: every verified component with its artifact checksums."""

from __future__ import annotations

from typing import Any

from sbom import hashes, purl
from sbom.ecosystems.java._xml import element_lines, local
from sbom.errors import ParseError
from sbom.loaders import parse_xml
from sbom.model import Component, Hash, Location, ParseIssue, ParseResult

NAME = "maven/gradle-verification"
TITLE = "Gradle verification-metadata.xml"
PATTERNS = ("gradle/verification-metadata.xml",)
SUPERSEDED_BY: tuple[str, ...] = ()

# Every <component> is something Gradle resolved (build plugins and their dependencies
# included), so scope and direct stay unknown. A component lists several artifacts (jar,
# pom, sources, classifier jars, Gradle .module); its hashes are those of the main
# artifact, NAME-VERSION.EXT without classifier, or of the POM when the POM is all there
# is (parent POMs, BOMs). <also-trust> values and PGP keys are not digests of it.
_METADATA = ("pom", "module")
_DIGESTS = ("md5", "sha1", "sha256", "sha512")


def _main_hashes(component: Any, ns: str, name: str, version: str) -> tuple[Hash, ...]:
    prefix = f"{name}-{version}."
    artifacts = {a.get("name", ""): a for a in component.iterfind(ns + "artifact")}
    main = [
        a
        for n, a in artifacts.items()
        if n.startswith(prefix) and n[len(prefix) :] not in _METADATA
    ]
    if not main and all(n.rpartition(".")[2] in _METADATA for n in artifacts):
        main = [a for n, a in artifacts.items() if n == prefix + "pom"]
    found = set()
    for artifact in main[:1]:
        for digest in artifact:
            alg = local(digest.tag)
            h = hashes.from_hex(alg, digest.get("value", "")) if alg in _DIGESTS else None
            if h is not None:
                found.add(h)
    return tuple(sorted(found))


def parse(text: str, path: str) -> ParseResult:
    """Parse a gradle/verification-metadata.xml."""
    root = parse_xml(text)
    if local(root.tag) != "verification-metadata":
        raise ParseError(
            f"not Gradle verification metadata: the root element is <{local(root.tag)}>", 1
        )
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    lines = element_lines(text, root, "component")
    comps: list[Component] = []
    issues: list[ParseIssue] = []
    for elem in root.iterfind(f"{ns}components/{ns}component"):
        group, name, version = elem.get("group"), elem.get("name"), elem.get("version")
        line = lines.get(id(elem))
        if not group or not name or not version:
            issues.append(
                ParseIssue(
                    path, line, f"{NAME}: component without group, name and version; skipped"
                )
            )
            continue
        comps.append(
            Component(
                purl=purl.maven(group, name, version),
                ecosystem="maven",
                name=f"{group}:{name}",
                version=version,
                hashes=_main_hashes(elem, ns, name, version),
                locations=(Location(path, line),),
            )
        )
    return ParseResult(tuple(comps), (), tuple(issues))
