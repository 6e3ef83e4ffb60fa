"""How an inventory component maps onto CycloneDX fields, shared by both CycloneDX writers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sbom.model import Component, Hash, Inventory

# The version is the caller's to give (scanner.__version__): sbom never imports scanner.
TOOL_NAME = "icts-scan"
ROOT_REF = "root"
SPEC_VERSION = "1.6"
# Property namespace registered for our taxonomy (docs/cyclonedx-taxonomy.md).
NS = "icts-scan:"

# CycloneDX scope has no "dev"; development-only dependencies are not in the runtime
# artifact, which is what "excluded" says. The exact scope is kept as a property.
CDX_SCOPE = {"required": "required", "optional": "optional", "dev": "excluded"}

# What CycloneDX accepts as a digest; anything else read from a hostile input is no digest.
_DIGEST = re.compile(
    r"(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})"
)

# purl types whose namespace CycloneDX tools put in `group`.
GROUPED = frozenset({"maven", "npm", "composer"})


@dataclass(frozen=True, slots=True)
class CdxFields:
    """The CycloneDX view of one component."""

    group: str | None
    name: str
    properties: tuple[tuple[str, str], ...]
    distribution: tuple[str, ...]
    vcs: str | None


def split_name(c: Component) -> tuple[str | None, str]:
    """(group, name) as CycloneDX writers usually show them."""
    if c.ecosystem in GROUPED:
        if c.ecosystem == "maven" and ":" in c.name:
            g, _, n = c.name.partition(":")
            return g, n
        if "/" in c.name:
            g, _, n = c.name.rpartition("/")
            return g, n
    return None, c.name


def fields(c: Component) -> CdxFields:
    """Group, name, namespaced properties and external references of a component."""
    group, name = split_name(c)
    props: list[tuple[str, str]] = []
    if c.direct is not None:
        props.append((NS + "direct", "true" if c.direct else "false"))
    props.extend((NS + "registry", r) for r in c.registries)
    if c.requirement:
        props.append((NS + "requirement", c.requirement))
    if c.scope:
        props.append((NS + "scope", c.scope))
    props.append((NS + "source-kind", c.source_kind))
    if c.source_url:
        props.append((NS + "source-url", c.source_url))
    vcs = c.source_url if c.source_kind == "vcs" and c.source_url else None
    return CdxFields(group, name, tuple(sorted(props)), c.resolved, vcs)


def digests(c: Component) -> tuple[Hash, ...]:
    """The component's hashes that are hex digests (CycloneDX's form; others are left out)."""
    return tuple(h for h in c.hashes if _DIGEST.fullmatch(h.value))


def tool(version: str | None) -> dict[str, str]:
    """metadata.tools component for the writer; without a version when none was given."""
    out = {"type": "application", "name": TOOL_NAME}
    return {**out, "version": version} if version else out


def root_name(inv: Inventory) -> str:
    """Name of the scanned project for metadata.component."""
    base = inv.root.rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1]
    return base or "project"


def dependency_map(inv: Inventory) -> dict[str, list[str]]:
    """ref → sorted dependsOn for the root and every component (all refs exist)."""
    refs = {c.purl for c in inv.components}
    deps: dict[str, set[str]] = {c.purl: set() for c in inv.components}
    root: set[str] = {c.purl for c in inv.components if c.direct}
    for rel in inv.relationships:
        if rel.target not in refs:
            continue
        if not rel.source:
            root.add(rel.target)
        elif rel.source in deps and rel.source != rel.target:
            deps[rel.source].add(rel.target)
    out = {ROOT_REF: sorted(root)}
    out.update((k, sorted(v)) for k, v in deps.items())
    return out
