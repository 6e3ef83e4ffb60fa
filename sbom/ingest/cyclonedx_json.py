"""CycloneDX JSON (spec 1.2–1.7) to components and dependency edges; XML reuses the mapping."""

from __future__ import annotations

import re
from collections.abc import Iterator
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
from sbom.model import Component, Hash, Location, ParseIssue, Scope

NAME = "cyclonedx-json"
NEWEST_MINOR = 7

# "excluded" marks components used only for tests or builds, not shipped: our "dev".
_SCOPES: dict[str, Scope] = {"required": "required", "optional": "optional", "excluded": "dev"}
_OWN_SCOPES: dict[str, Scope] = {"required": "required", "optional": "optional", "dev": "dev"}
_SOURCE_KINDS = frozenset({"registry", "vcs", "url", "path", "workspace"})
_NS = "icts-scan:"
# Entries of these types are not packages; without a purl there is nothing to enrich.
_NOT_PACKAGES = frozenset({"file", "data", "cryptographic-asset"})
# Trivy's lockfile entries ("go.mod", "Gemfile.lock"): an application of class lang-pkgs.
_TRIVY_CLASS = "aquasecurity:trivy:Class"


def check_spec(spec: Any, path: str, line: int | None = None) -> list[ParseIssue]:
    """Refuse specs we cannot read; warn about a missing or newer 1.x spec and read it anyway."""
    if spec is None:
        return [ParseIssue(path, line, "no specVersion; read as CycloneDX 1.x", "warning")]
    m = re.fullmatch(r"1\.(\d{1,3})", spec) if isinstance(spec, str) else None
    if m is None or int(m.group(1)) < 2:
        raise ParseError(f"unsupported CycloneDX specVersion {spec!r} (1.2 to 1.7 are read)", line)
    if int(m.group(1)) > NEWEST_MINOR:
        msg = f"CycloneDX {spec} is newer than 1.{NEWEST_MINOR}; read as 1.{NEWEST_MINOR}"
        return [ParseIssue(path, line, msg, "warning")]
    return []


def walk(nodes: list[Any]) -> Iterator[dict[str, Any]]:
    """Every component dict, nested ``components`` flattened, without recursion."""
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            stack.extend(reversed(as_list(node.get("components"))))


def tool_names(metadata: dict[str, Any]) -> str:
    """``name version`` of each tool: a list before 1.5, components and services after."""
    tools = metadata.get("tools")
    if isinstance(tools, dict):
        tools = as_list(tools.get("components")) + as_list(tools.get("services"))
    names = [
        " ".join(filter(None, (as_str(tool.get("name")), as_str(tool.get("version")))))
        for tool in as_list(tools)
        if isinstance(tool, dict) and as_str(tool.get("name"))
    ]
    return ", ".join(names)


def role(node: dict[str, Any]) -> str:
    """ "os" for the environment, "file" for an entry that stands for a file, else "package".

    Trivy and Syft write the scanned operating system as a component, and Trivy each
    lockfile as an ``application`` with neither purl nor version (``go.mod``) whose
    dependsOn are its packages. Syft's binaries (busybox) are applications too, but
    versioned: packages.
    """
    kind = node.get("type")
    if kind == "operating-system":
        return "os"
    if as_str(node.get("purl")):
        return "package"
    trivy_file = any(
        isinstance(p, dict) and p.get("name") == _TRIVY_CLASS and p.get("value") == "lang-pkgs"
        for p in as_list(node.get("properties"))
    )
    unversioned = kind in ("application", "file") and not as_str(node.get("version"))
    return "file" if unversioned or trivy_file else "package"


def _component(
    node: dict[str, Any], path: str, line: int | None, issues: list[ParseIssue]
) -> Component | None:
    raw, name, version = (
        as_str(node.get("purl")),
        as_str(node.get("name")),
        as_str(node.get("version")),
    )
    info = purl_info(raw) if raw else None
    if raw and info is None:
        issues.append(
            ParseIssue(path, line, f"invalid purl {raw!r}; identified by name", "warning")
        )
    if info is None:
        if as_str(node.get("type")) in _NOT_PACKAGES:
            return None
        info = generic_purl(name, version, as_str(node.get("group"))) if name else None
        if info is None:
            issues.append(
                ParseIssue(path, line, "component without a usable purl or name skipped", "warning")
            )
            return None
    hashes: list[Hash | None] = [
        digest(h.get("alg"), h.get("content"))
        for h in as_list(node.get("hashes"))
        if isinstance(h, dict)
    ]
    resolved: set[str] = set()
    source_url = None
    for ref in as_list(node.get("externalReferences")):
        url = as_str(ref.get("url")) if isinstance(ref, dict) else None
        if url is None:
            continue
        kind = ref.get("type")
        if kind == "distribution":
            resolved.add(url)
            # Digests of this version's artifacts (wheels, tarballs) identify it as well.
            hashes.extend(
                digest(h.get("alg"), h.get("content"))
                for h in as_list(ref.get("hashes"))
                if isinstance(h, dict)
            )
        elif kind == "vcs" and source_url is None:
            source_url = url
    ours = _own_properties(node)
    scope = _SCOPES.get(as_str(node.get("scope")) or "")
    kind = ours.get("source-kind", [""])[0]
    return Component(
        purl=info.purl,
        ecosystem=info.ecosystem,
        name=info.name,
        version=info.version or version,
        scope=_OWN_SCOPES.get(ours.get("scope", [""])[0], scope),
        direct={"true": True, "false": False}.get(ours.get("direct", [""])[0]),
        hashes=tuple(sorted({h for h in hashes if h is not None})),
        resolved=tuple(sorted(resolved)),
        registries=tuple(sorted(set(ours.get("registry", ())))),
        source_kind=kind if kind in _SOURCE_KINDS else "registry",  # type: ignore[arg-type]
        source_url=ours.get("source-url", [source_url])[0],
        requirement=ours.get("requirement", [None])[0],
        locations=(Location(path, line),),
    )


def _own_properties(node: dict[str, Any]) -> dict[str, list[str]]:
    """Our ``icts-scan:`` properties (docs/cyclonedx-taxonomy.md), so our SBOMs round-trip."""
    out: dict[str, list[str]] = {}
    for prop in as_list(node.get("properties")):
        if isinstance(prop, dict):
            name, value = as_str(prop.get("name")), as_str(prop.get("value"))
            if name and value is not None and name.startswith(_NS):
                out.setdefault(name[len(_NS) :], []).append(value)
    return out


def from_document(
    doc: dict[str, Any],
    path: str,
    fmt: str,
    lines: dict[tuple[str, str], int],
    issues: list[ParseIssue],
) -> Parsed:
    """Map a CycloneDX document (JSON shape) to a parse result and metadata."""
    meta: dict[str, Any] = doc["metadata"] if isinstance(doc.get("metadata"), dict) else {}
    root = meta.get("component")
    # The root and its subtree are the project itself, not its dependencies.
    root_refs = {r for n in walk([root]) if (r := as_str(n.get("bom-ref")))}
    components: list[Component] = []
    ref_purl: dict[str, str] = {}
    environment: list[str] = []
    files: dict[str, str] = {}  # bom-ref of a lockfile entry → the file it names
    for node in walk(as_list(doc.get("components"))):
        ref = as_str(node.get("bom-ref"))
        raw = as_str(node.get("purl"))
        kind = role(node)
        if kind != "package":
            # Not a dependency: the environment, or a file whose packages hang under it.
            # Either way part of what the document describes, so its edges start at the root.
            if ref:
                root_refs.add(ref)
            name = as_str(node.get("name"))
            if kind == "os" and name:
                environment.append(" ".join(filter(None, (name, as_str(node.get("version"))))))
            elif kind == "file" and name and ref:
                files[ref] = name.lstrip("/") or name
            continue
        line = lines.get(("bom-ref", ref)) if ref else None
        if line is None and raw:
            line = lines.get(("purl", raw))
        comp = _component(node, path, line, issues)
        if comp is not None:
            components.append(comp)
            if ref:
                ref_purl[ref] = comp.purl
    edges: list[tuple[str, str]] = []
    for dep in as_list(doc.get("dependencies")):
        source = as_str(dep.get("ref")) if isinstance(dep, dict) else None
        if source is not None:
            edges.extend((source, t) for t in as_list(dep.get("dependsOn")) if isinstance(t, str))
    metadata = {"sbom.format": fmt, "sbom.specVersion": str(doc.get("specVersion") or "")}
    if tools := tool_names(meta):
        metadata["sbom.tool"] = tools
    if environment:
        metadata["sbom.environment"] = ", ".join(sorted(set(environment)))
    phases = [
        as_str(p.get("phase")) for p in as_list(meta.get("lifecycles")) if isinstance(p, dict)
    ]
    if any(phases):
        metadata["sbom.lifecycles"] = ",".join(p for p in phases if p)
    components = located(components, ref_purl, files, edges)
    if isinstance(root, dict):
        root_info = purl_info(raw) if (raw := as_str(root.get("purl"))) else None
        label = root_info.purl if root_info else as_str(root.get("name"))
        if label:
            metadata["sbom.root"] = label
    return Parsed(assemble(path, components, ref_purl, root_refs, edges, issues), metadata)


def parse(text: str, path: str) -> Parsed:
    """Parse CycloneDX JSON text."""
    doc = load_json(text)
    if not isinstance(doc, dict) or doc.get("bomFormat") != "CycloneDX":
        raise ParseError('not a CycloneDX document: no top-level "bomFormat": "CycloneDX"')
    issues = check_spec(doc.get("specVersion"), path, line_of(text, '"specVersion"'))
    return from_document(doc, path, NAME, key_lines(text, "bom-ref", "purl"), issues)
