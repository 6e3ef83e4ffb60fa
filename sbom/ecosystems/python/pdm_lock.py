"""pdm.lock (lock_version 4.x): packages, groups, file hashes and URLs, git/path/url sources, dependencies."""

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
    split_dep,
    table_lines,
    version_matches,
)
from sbom.errors import ParseError
from sbom.loaders import load_toml
from sbom.model import Component, ParseIssue, ParseResult, Relationship, Scope

NAME = "pypi/pdm-lock"
TITLE = "pdm.lock 4.x"
PATTERNS = ("pdm.lock",)
SUPERSEDED_BY: tuple[str, ...] = ()


def _scope(groups: Any) -> Scope | None:
    """Required in the default group, else optional.

    pdm.lock does not say whether another group is an extra (shipped to users who ask for it)
    or a dev group, so it is not called dev: that would hide a shipped extra.
    """
    if not isinstance(groups, list) or not groups:
        return None
    return "required" if "default" in groups else "optional"


def _source(pkg: dict[str, Any]) -> dict[str, Any]:
    """Component fields for a git/hg/svn/bzr, path or url entry."""
    for vcs in ("git", "hg", "svn", "bzr"):
        if isinstance(url := pkg.get(vcs), str):
            rev = as_str(pkg.get("revision")) or as_str(pkg.get("ref"))
            return {
                "source_kind": "vcs",
                "source_url": f"{vcs}+{url}@{rev}" if rev else f"{vcs}+{url}",
            }
    if isinstance(local := pkg.get("path"), str):
        return {"source_kind": "path", "source_url": local}
    if isinstance(url := pkg.get("url"), str):
        local = url.startswith("file:")
        return {"source_kind": "path" if local else "url", "source_url": url}
    return {}


def parse(text: str, path: str) -> ParseResult:
    """Parse a pdm.lock."""
    doc = load_toml(text)
    packages = doc.get("package", [])
    if not isinstance(packages, list):
        raise ParseError("'package' is not an array of tables")
    starts = table_lines(text, "[[package]]")
    comps: list[Component] = []
    deps: list[tuple[str, list[str]]] = []
    issues: list[ParseIssue] = []
    for n, pkg in enumerate(packages):
        pkg = as_dict(pkg)
        name = pep508_name(pkg.get("name"))
        if not name:
            issues.append(
                ParseIssue(path, line_at(starts, n), f"{NAME}: package #{n + 1} has no valid name")
            )
            continue
        files = as_list(pkg.get("files"))
        # static_urls locks record each file's URL; otherwise the lock names no host at all.
        urls = tuple(u for f in files if (u := as_str(as_dict(f).get("url"))))
        fields = _source(pkg)
        if fields.get("source_kind") == "url":
            urls = tuple(dict.fromkeys((fields["source_url"], *urls)))
        comp = component(
            name, as_str(pkg.get("version")), path, line_at(starts, n),
            scope=_scope(pkg.get("groups")), hashes=file_hashes(files), resolved=urls, **fields,
        )  # fmt: skip
        comps.append(comp)
        deps.append(
            (comp.purl, [d for d in as_list(pkg.get("dependencies")) if isinstance(d, str)])
        )
    by_name: dict[str, dict[str, str | None]] = {}
    for c in comps:
        by_name.setdefault(purl.pypi_name(c.name), {})[c.purl] = c.version
    edges: set[Relationship] = set()
    for source, specs in deps:
        for spec in specs:
            name, constraint = split_dep(spec)
            cands = by_name.get(name or "", {})
            refs = list(cands)
            if len(refs) > 1:  # one version per environment: keep those the constraint allows
                refs = [r for r, v in cands.items() if version_matches(v, constraint)] or refs
            edges.update(Relationship(source, r) for r in refs if r != source)
    # pdm.lock does not list the project's own requirements, but a package that no other
    # package needs can only be locked because the project asks for it.
    roots, root_edges = roots_by_indegree((c.purl for c in comps), edges)
    comps = [replace(c, direct=True) if c.purl in roots else c for c in comps]
    return ParseResult(dedupe(comps), sort_edges({*edges, *root_edges}), tuple(issues))
