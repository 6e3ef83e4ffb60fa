"""SPDX 2.2/2.3 JSON to components and dependency edges; tag-value reuses the mapping."""

from __future__ import annotations

import re
from typing import Any

from sbom.errors import ParseError
from sbom.ingest.common import (
    Parsed,
    as_list,
    as_str,
    assemble,
    digest,
    generic_purl,
    key_lines,
    line_of,
    located,
    purl_info,
)
from sbom.loaders import load_json
from sbom.model import SCOPE_RANK, Component, Location, ParseIssue, Scope

NAME = "spdx-json"
_PACKAGE_MANAGER = frozenset({"PACKAGE-MANAGER", "PACKAGE_MANAGER"})  # 2.3 and 2.2 spellings
_NO_VALUE = frozenset({"NOASSERTION", "NONE"})
_VCS_PREFIXES = ("git+", "hg+", "svn+", "bzr+")
# Relationships that become edges (dependent → dependency). CONTAINS counts only between
# packages: trivy hangs an image's packages under OS and lockfile packages with it, while
# CONTAINS towards files (syft) names no dependency. The "_OF" kinds point the other way.
_FORWARD = frozenset({"DEPENDS_ON", "CONTAINS"})
_REVERSE: dict[str, Scope | None] = {
    "DEPENDENCY_OF": None,
    "CONTAINED_BY": None,
    "RUNTIME_DEPENDENCY_OF": "required",
    "OPTIONAL_DEPENDENCY_OF": "optional",
    "DEV_DEPENDENCY_OF": "dev",
    "TEST_DEPENDENCY_OF": "dev",
    "BUILD_DEPENDENCY_OF": "dev",
    "PROVIDED_DEPENDENCY_OF": None,
}
# GitHub's dependency graph puts the manifest's range in versionInfo when it found no lock.
_RANGE = re.compile(r"[<>=^~*|, ]")


def check_version(version: Any, path: str, line: int | None = None) -> list[ParseIssue]:
    """SPDX 2.2 and 2.3 are read; 2.0/2.1 are read with a warning; anything else is refused."""
    m = re.fullmatch(r"SPDX-2\.(\d)", version) if isinstance(version, str) else None
    if m is None:
        raise ParseError(f"unsupported spdxVersion {version!r} (SPDX 2.2 and 2.3 are read)", line)
    if m.group(1) not in ("2", "3"):
        return [ParseIssue(path, line, f"{version} is not 2.2 or 2.3; read as 2.3", "warning")]
    return []


def _purl(pkg: dict[str, Any]) -> str | None:
    for ref in as_list(pkg.get("externalRefs")):
        if (
            isinstance(ref, dict)
            and ref.get("referenceType") == "purl"
            and as_str(ref.get("referenceCategory")) in _PACKAGE_MANAGER
        ):
            return as_str(ref.get("referenceLocator"))
    return None


def role(spdx_id: str, pkg: dict[str, Any]) -> str:
    """ "os" for the environment, "file" for a package entry that stands for a file, else "package".

    Trivy writes the scanned operating system (purpose OPERATING-SYSTEM, or an
    ``SPDXRef-OperatingSystem-`` id in older versions) and each lockfile (purpose
    APPLICATION or an ``SPDXRef-Application-`` id, no purl, no version) as packages.
    """
    purpose = as_str(pkg.get("primaryPackagePurpose"))
    if purpose == "OPERATING-SYSTEM" or spdx_id.startswith("SPDXRef-OperatingSystem-"):
        return "os"
    if _purl(pkg):
        return "package"
    trivy_file = spdx_id.startswith("SPDXRef-Application-")
    unversioned = purpose in ("APPLICATION", "FILE") and not as_str(pkg.get("versionInfo"))
    return "file" if trivy_file or unversioned else "package"


def _file_name(pkg: dict[str, Any]) -> str | None:
    """The file a lockfile entry names: older Trivy puts it in sourceInfo ("go.mod")."""
    info = as_str(pkg.get("sourceInfo"))
    name = info if info and " " not in info else as_str(pkg.get("name"))
    return (name.lstrip("/") or name) if name else None


def _component(
    pkg: dict[str, Any], path: str, line: int | None, scope: Scope | None, issues: list[ParseIssue]
) -> Component | None:
    raw, name, version_info = _purl(pkg), as_str(pkg.get("name")), as_str(pkg.get("versionInfo"))
    info = purl_info(raw) if raw else None
    if raw and info is None:
        issues.append(
            ParseIssue(path, line, f"invalid purl {raw!r}; identified by name", "warning")
        )
    if info is None:
        info = generic_purl(name, version_info) if name else None
        if info is None:
            issues.append(
                ParseIssue(path, line, "package without a usable purl or name skipped", "warning")
            )
            return None
    version, requirement = info.version, None
    if version is None and version_info:
        version, requirement = (
            (None, version_info) if _RANGE.search(version_info) else (version_info, None)
        )
    checksums = (c for c in as_list(pkg.get("checksums")) if isinstance(c, dict))
    hashes = {h for c in checksums if (h := digest(c.get("algorithm"), c.get("checksumValue")))}
    location = as_str(pkg.get("downloadLocation"))
    if location in _NO_VALUE:
        location = None
    vcs = location is not None and location.startswith(_VCS_PREFIXES)
    return Component(
        purl=info.purl,
        ecosystem=info.ecosystem,
        name=info.name,
        version=version,
        scope=scope,
        hashes=tuple(sorted(hashes)),
        resolved=(location,) if location and not vcs else (),
        source_url=location if vcs else None,
        requirement=requirement,
        locations=(Location(path, line),),
    )


def _tools(doc: dict[str, Any]) -> str:
    info = doc.get("creationInfo")
    creators = as_list(info.get("creators")) if isinstance(info, dict) else []
    return ", ".join(
        c[5:].strip() for c in creators if isinstance(c, str) and c.startswith("Tool:")
    )


def from_document(
    doc: dict[str, Any],
    path: str,
    fmt: str,
    lines: dict[tuple[str, str], int],
    issues: list[ParseIssue],
) -> Parsed:
    """Map an SPDX document (JSON shape) to a parse result and metadata."""
    doc_id = as_str(doc.get("SPDXID")) or "SPDXRef-DOCUMENT"
    packages = {
        i: p
        for p in as_list(doc.get("packages"))
        if isinstance(p, dict) and (i := as_str(p.get("SPDXID")))
    }
    roots = {r for r in as_list(doc.get("documentDescribes")) if isinstance(r, str)}
    edges: list[tuple[str, str]] = []
    scopes: dict[str, Scope] = {}
    for rel in as_list(doc.get("relationships")):
        if not isinstance(rel, dict):
            continue
        a, kind, b = (
            as_str(rel.get("spdxElementId")),
            as_str(rel.get("relationshipType")),
            as_str(rel.get("relatedSpdxElement")),
        )
        if kind == "DESCRIBES" and a == doc_id and b:
            roots.add(b)
        elif kind == "DESCRIBED_BY" and b == doc_id and a:
            roots.add(a)
        # Edges to files, snippets or other documents name no package and are left out.
        elif a in packages and b in packages:
            if kind in _FORWARD:
                edges.append((a, b))
            elif kind in _REVERSE:
                edges.append((b, a))
                scope = _REVERSE[kind]
                if scope and (a not in scopes or SCOPE_RANK[scope] < SCOPE_RANK[scopes[a]]):
                    scopes[a] = scope
    environment: list[str] = []
    files: dict[str, str] = {}
    for spdx_id, pkg in packages.items():
        kind = "package" if spdx_id in roots else role(spdx_id, pkg)
        if kind == "package":
            continue
        # Not a dependency: part of what the document describes, so its edges start at the root.
        roots.add(spdx_id)
        name, version = as_str(pkg.get("name")), as_str(pkg.get("versionInfo"))
        if kind == "os" and name:
            environment.append(" ".join(filter(None, (name, version))))
        elif kind == "file" and (file_name := _file_name(pkg)):
            files[spdx_id] = file_name
    components: list[Component] = []
    ref_purl: dict[str, str] = {}
    for spdx_id, pkg in packages.items():
        if spdx_id in roots:
            continue
        comp = _component(pkg, path, lines.get(("SPDXID", spdx_id)), scopes.get(spdx_id), issues)
        if comp is not None:
            components.append(comp)
            ref_purl[spdx_id] = comp.purl
    metadata = {"sbom.format": fmt, "sbom.specVersion": str(doc.get("spdxVersion"))}
    if tools := _tools(doc):
        metadata["sbom.tool"] = tools
    if environment:
        metadata["sbom.environment"] = ", ".join(sorted(set(environment)))
    components = located(components, ref_purl, files, edges)
    described = [packages[r] for r in sorted(roots) if r in packages]
    if described:
        root_purl = _purl(described[0])
        info = purl_info(root_purl) if root_purl else None
        label = info.purl if info else as_str(described[0].get("name"))
        if label:
            metadata["sbom.root"] = label
    return Parsed(assemble(path, components, ref_purl, roots, edges, issues), metadata)


def unwrap(doc: Any) -> Any:
    """GitHub's REST API wraps the SPDX document as ``{"sbom": {...}}``."""
    if isinstance(doc, dict) and "spdxVersion" not in doc and isinstance(doc.get("sbom"), dict):
        return doc["sbom"]
    return doc


def parse(text: str, path: str) -> Parsed:
    """Parse SPDX JSON text (bare, or in GitHub's API envelope)."""
    doc = unwrap(load_json(text))
    if not isinstance(doc, dict) or "spdxVersion" not in doc:
        raise ParseError('not an SPDX JSON document: no top-level "spdxVersion"')
    issues = check_version(doc.get("spdxVersion"), path, line_of(text, '"spdxVersion"'))
    return from_document(doc, path, NAME, key_lines(text, "SPDXID"), issues)
