"""poetry.lock (lock versions 1.x and 2.x): packages, groups or categories, file hashes, sources, dependencies."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sbom import purl
from sbom.ecosystems.python._common import (
    as_dict,
    as_list,
    as_str,
    component,
    dedupe,
    file_hashes,
    line_at,
    pep508_name,
    roots_by_indegree,
    sort_edges,
    table_lines,
    version_matches,
)
from sbom.errors import ParseError
from sbom.loaders import load_toml
from sbom.model import Component, ParseIssue, ParseResult, Relationship, Scope

NAME = "pypi/poetry-lock"
TITLE = "poetry.lock 1.x–2.x"
PATTERNS = ("poetry.lock",)
SUPERSEDED_BY: tuple[str, ...] = ()


def _scope(pkg: dict[str, Any]) -> Scope | None:
    """Lock 2.1 has ``groups``, 1.x–2.0 (Poetry < 1.5) ``category``; Poetry 1.5–1.8 neither."""
    groups, category = pkg.get("groups"), pkg.get("category")
    if isinstance(groups, list):
        main = "main" in groups
    elif isinstance(category, str):
        main = category == "main"
    else:
        return "optional" if pkg.get("optional") is True else None
    if not main:
        return "dev"
    return "optional" if pkg.get("optional") is True else "required"


def _source(src: dict[str, Any]) -> dict[str, Any]:
    """Component fields for a ``[package.source]`` table."""
    kind, url = as_str(src.get("type")), as_str(src.get("url"))
    if not kind or not url:
        return {}
    if kind == "git":
        ref = as_str(src.get("resolved_reference")) or as_str(src.get("reference"))
        return {"source_kind": "vcs", "source_url": f"git+{url}@{ref}" if ref else f"git+{url}"}
    if kind in ("directory", "file"):
        return {"source_kind": "path", "source_url": url}
    if kind == "url":
        return {"source_kind": "url", "source_url": url, "resolved": (url,)}
    # "legacy" (a PEP 503 index) and anything newer: the index is the registry.
    return {"registries": (url,)}


def parse(text: str, path: str) -> ParseResult:
    """Parse a poetry.lock."""
    doc = load_toml(text)
    packages = doc.get("package", [])
    if not isinstance(packages, list):
        raise ParseError("'package' is not an array of tables")
    # Lock 1.x keeps file hashes apart, in [metadata.files] keyed by package name.
    old_files = {
        purl.pypi_name(k): v for k, v in as_dict(as_dict(doc.get("metadata")).get("files")).items()
    }
    starts = table_lines(text, "[[package]]")
    comps: list[Component] = []
    deps: list[tuple[str, dict[str, Any]]] = []
    issues: list[ParseIssue] = []
    for n, pkg in enumerate(packages):
        pkg = as_dict(pkg)
        name, version = pep508_name(pkg.get("name")), as_str(pkg.get("version"))
        line = line_at(starts, n)
        if not name or not version:
            issues.append(
                ParseIssue(path, line, f"{NAME}: package #{n + 1} has no valid name or version")
            )
            continue
        files = pkg.get("files", old_files.get(purl.pypi_name(name)))
        comp = component(
            name,
            version,
            path,
            line,
            scope=_scope(pkg),
            hashes=file_hashes(as_list(files)),
            **_source(as_dict(pkg.get("source"))),
        )
        comps.append(comp)
        deps.append((comp.purl, as_dict(pkg.get("dependencies"))))
    edges = _edges(comps, deps)
    # poetry.lock does not list the root's dependencies, but a package nothing else needs
    # can only be there because the project asks for it.
    roots, root_edges = roots_by_indegree((c.purl for c in comps), edges)
    comps = [replace(c, direct=True) if c.purl in roots else c for c in comps]
    return ParseResult(dedupe(comps), sort_edges({*edges, *root_edges}), tuple(issues))


def _edges(comps: list[Component], deps: list[tuple[str, dict[str, Any]]]) -> set[Relationship]:
    """Edges from each package to the locked packages its [package.dependencies] names."""
    by_name: dict[str, list[Component]] = {}
    for c in comps:
        by_name.setdefault(purl.pypi_name(c.name), []).append(c)
    edges: set[Relationship] = set()
    for source, table in deps:
        for dep, spec in table.items():
            candidates = by_name.get(purl.pypi_name(dep), [])
            if len(candidates) > 1:  # several versions locked: keep those the constraint allows
                constraints = [
                    s if isinstance(s, str) else as_str(as_dict(s).get("version"))
                    for s in (spec if isinstance(spec, list) else [spec])
                ]
                candidates = [
                    c
                    for c in candidates
                    if any(version_matches(c.version, s or "") for s in constraints)
                ] or candidates
            edges.update(Relationship(source, c.purl) for c in candidates if c.purl != source)
    return edges
