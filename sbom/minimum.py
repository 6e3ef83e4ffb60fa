"""CISA 2025 SBOM minimum elements (public-comment draft): which ones a written SBOM carries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Element:
    """One minimum element: how many components carry it (None for document-level ones)."""

    name: str
    present: bool
    have: int | None = None
    of: int | None = None
    note: str = ""


def _count(comps: list[dict[str, Any]], test: Callable[[dict[str, Any]], bool]) -> int:
    return sum(1 for c in comps if test(c))


def _per_component(name: str, comps: list[dict[str, Any]], test: Any, note: str = "") -> Element:
    have = _count(comps, test)
    return Element(name, have == len(comps), have, len(comps), note)


def check_cyclonedx(doc: dict[str, Any]) -> list[Element]:
    """The elements of a CycloneDX document as icts-scan writes it."""
    meta = doc.get("metadata", {})
    comps: list[dict[str, Any]] = doc.get("components", [])
    deps = {d["ref"] for d in doc.get("dependencies", [])}
    tools = meta.get("tools", {}).get("components", [])
    return [
        Element("SBOM author", bool(meta.get("authors")), note="not written: name the author"),
        _per_component(
            "Software producer (supplier)",
            comps,
            lambda c: bool(c.get("supplier")),
            "registry suppliers are added by `icts-scan scan --format cyclonedx-json`",
        ),
        _per_component("Component name", comps, lambda c: bool(c.get("name"))),
        _per_component("Component version", comps, lambda c: bool(c.get("version"))),
        _per_component("Software identifiers (purl)", comps, lambda c: bool(c.get("purl"))),
        _per_component(
            "Component hash", comps, lambda c: bool(c.get("hashes")), "where the lockfile has one"
        ),
        _per_component(
            "License", comps, lambda c: bool(c.get("licenses")), "where the lockfile declares one"
        ),
        _per_component("Dependency relationship", comps, lambda c: c.get("bom-ref") in deps),
        Element(
            "Tool name and version",
            any(t.get("name") and t.get("version") for t in tools),
        ),
        Element("Timestamp", bool(meta.get("timestamp")), note="left out by --reproducible"),
        Element("Generation context (lifecycle)", bool(meta.get("lifecycles"))),
        Element("Known unknowns (compositions)", bool(doc.get("compositions"))),
    ]


def check_spdx(doc: dict[str, Any]) -> list[Element]:
    """The elements of an SPDX 2.3 document as icts-scan writes it."""
    info = doc.get("creationInfo", {})
    pkgs = [p for p in doc.get("packages", []) if p.get("SPDXID") != "SPDXRef-Root"]
    sources = {r["spdxElementId"] for r in doc.get("relationships", [])}
    targets = {r["relatedSpdxElement"] for r in doc.get("relationships", [])}

    def purl(p: dict[str, Any]) -> bool:
        return any(r.get("referenceType") == "purl" for r in p.get("externalRefs", []))

    return [
        Element("SBOM author", any(not c.startswith("Tool:") for c in info.get("creators", []))),
        _per_component("Software producer (supplier)", pkgs, lambda p: bool(p.get("supplier"))),
        _per_component("Component name", pkgs, lambda p: bool(p.get("name"))),
        _per_component("Component version", pkgs, lambda p: bool(p.get("versionInfo"))),
        _per_component("Software identifiers (purl)", pkgs, purl),
        _per_component("Component hash", pkgs, lambda p: bool(p.get("checksums"))),
        _per_component("License", pkgs, lambda p: bool(p.get("licenseDeclared"))),
        _per_component("Dependency relationship", pkgs, lambda p: p["SPDXID"] in sources | targets),
        Element(
            "Tool name and version", any(c.startswith("Tool:") for c in info.get("creators", []))
        ),
        Element("Timestamp", bool(info.get("created"))),
        Element(
            "Generation context (lifecycle)",
            "lifecycle" in info.get("comment", ""),
            note="SPDX 2.3 has no field: written as a creation comment",
        ),
        Element("Known unknowns (compositions)", False, note="SPDX 2.3 has no compositions"),
    ]


def report(elements: list[Element]) -> list[str]:
    """One line per element: present or missing, with component counts."""
    lines = []
    for e in elements:
        mark = "ok     " if e.present else "missing"
        count = f" {e.have}/{e.of} components" if e.of is not None else ""
        note = f" ({e.note})" if e.note and not e.present else ""
        lines.append(f"{mark} {e.name}:{count}{note}" if count else f"{mark} {e.name}{note}")
    return lines
