"""pylock.toml (PEP 751, lock-version 1.x): packages, index, vcs/archive/directory sources, sdist and wheel hashes."""

from __future__ import annotations

import re
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
    split_dep,
    table_lines,
)
from sbom.errors import ParseError
from sbom.loaders import load_toml
from sbom.model import SCOPE_RANK, Component, ParseIssue, ParseResult, Relationship, Scope

NAME = "pypi/pylock"
TITLE = "pylock.toml (PEP 751)"
PATTERNS = ("pylock.toml", "pylock.*.toml")
SUPERSEDED_BY: tuple[str, ...] = ()

# "'dev' in dependency_groups" / "'socks' in extras": how PEP 751 markers select packages.
_SELECTOR = re.compile(r"""['"]([^'"]+)['"]\s+in\s+(dependency_groups|extras)\b""")


def _scope(marker: str | None, defaults: set[str]) -> Scope:
    """Required unless the marker limits it to extras (optional) or non-default groups (dev)."""
    found = _SELECTOR.findall(marker or "")
    if not found:
        return "required"
    scopes: list[Scope] = [
        "optional" if kind == "extras" else "required" if name in defaults else "dev"
        for name, kind in found
    ]
    return min(scopes, key=SCOPE_RANK.__getitem__)


def _source(pkg: dict[str, Any]) -> dict[str, Any] | None:
    """Component fields of the package's source; None for the project itself."""
    vcs = as_dict(pkg.get("vcs"))
    if vcs:
        kind, url = (
            as_str(vcs.get("type")) or "git",
            as_str(vcs.get("url")) or as_str(vcs.get("path")) or "",
        )
        commit = as_str(vcs.get("commit-id")) or as_str(vcs.get("requested-revision"))
        return {
            "source_kind": "vcs",
            "source_url": f"{kind}+{url}@{commit}" if commit else f"{kind}+{url}",
        }
    directory = as_dict(pkg.get("directory"))
    if directory:
        local = as_str(directory.get("path")) or ""
        return None if local in (".", "./", "") else {"source_kind": "path", "source_url": local}
    archive = as_dict(pkg.get("archive"))
    if archive:
        remote = as_str(archive.get("url"))
        if remote:
            return {"source_kind": "url", "source_url": remote}
        return {"source_kind": "path", "source_url": as_str(archive.get("path"))}
    index = as_str(pkg.get("index"))
    return {"registries": (index,)} if index else {}


def parse(text: str, path: str) -> ParseResult:
    """Parse a pylock.toml."""
    doc = load_toml(text)
    packages = doc.get("packages", [])
    if not isinstance(packages, list):
        raise ParseError("'packages' is not an array of tables")
    defaults = {g for g in as_list(doc.get("default-groups")) if isinstance(g, str)} or {"default"}
    starts = table_lines(text, "[[packages]]")
    comps: list[Component] = []
    deps: list[tuple[str, list[str]]] = []
    graph = False
    issues: list[ParseIssue] = []
    for n, pkg in enumerate(packages):
        pkg = as_dict(pkg)
        name, fields = pep508_name(pkg.get("name")), _source(pkg)
        if not name:
            issues.append(
                ParseIssue(path, line_at(starts, n), f"{NAME}: package #{n + 1} has no valid name")
            )
            continue
        if fields is None:
            continue
        files = [
            as_dict(pkg.get("archive")),
            as_dict(pkg.get("sdist")),
            *as_list(pkg.get("wheels")),
        ]
        urls = tuple(dict.fromkeys(u for f in files if (u := as_str(as_dict(f).get("url")))))
        comp = component(
            name, as_str(pkg.get("version")), path, line_at(starts, n),
            scope=_scope(as_str(pkg.get("marker")), defaults),
            hashes=file_hashes(files), resolved=urls, **fields,
        )  # fmt: skip
        comps.append(comp)
        # The standard array names each dependency by table; pdm also keeps PEP 508 strings.
        tool = as_dict(as_dict(pkg.get("tool")).get("pdm")).get("dependencies")
        graph = graph or "dependencies" in pkg or tool is not None
        names = [as_str(as_dict(d).get("name")) or "" for d in as_list(pkg.get("dependencies"))]
        names += [split_dep(d)[0] or "" for d in as_list(tool) if isinstance(d, str)]
        deps.append((comp.purl, names))
    by_name: dict[str, list[str]] = {}
    for c in comps:
        by_name.setdefault(purl.pypi_name(c.name), []).append(c.purl)
    edges = {
        Relationship(source, target)
        for source, names in deps
        for name in names
        for target in by_name.get(purl.pypi_name(name), ())
        if target != source
    }
    if graph:  # a package nothing else needs is there because the project asks for it
        roots, root_edges = roots_by_indegree((c.purl for c in comps), edges)
        comps = [replace(c, direct=True) if c.purl in roots else c for c in comps]
        edges.update(root_edges)
    return ParseResult(dedupe(comps), sort_edges(edges), tuple(issues))
