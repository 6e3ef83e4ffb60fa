"""uv.lock (lock version 1, every revision): packages, sources, artifact URLs and hashes, the graph with extras and groups."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any, NamedTuple

from sbom import purl
from sbom.ecosystems.python._common import (
    as_dict,
    as_list,
    as_str,
    file_hashes,
    line_at,
    pep508_name,
    scopes_by_reach,
    sort_edges,
    table_lines,
)
from sbom.errors import ParseError
from sbom.loaders import load_toml
from sbom.model import Component, Location, ParseIssue, ParseResult, Relationship, Scope

NAME = "pypi/uv-lock"
TITLE = "uv.lock"
PATTERNS = ("uv.lock",)
SUPERSEDED_BY: tuple[str, ...] = ()

_LOCAL = ("editable", "virtual", "directory")
# uv writes names already normalized, and the same few names recur in every dependency list.
_norm = lru_cache(maxsize=65536)(purl.pypi_name)


def _source(src: dict[str, Any]) -> dict[str, Any]:
    """Component fields for a uv ``source = { … }`` table."""
    if isinstance(reg := src.get("registry"), str):
        return {"registries": (reg,)}
    if isinstance(git := src.get("git"), str):
        # uv writes "https://host/repo.git?rev=v1#<commit>": keep the repository and the commit.
        base, _, commit = git.partition("#")
        base = base.split("?", 1)[0]
        return {
            "source_kind": "vcs",
            "source_url": f"git+{base}@{commit}" if commit else f"git+{base}",
        }
    if isinstance(url := src.get("url"), str):
        return {"source_kind": "url", "source_url": url}
    for key in ("path", *_LOCAL):
        if isinstance(local := src.get(key), str):
            return {"source_kind": "path", "source_url": local}
    return {}


def _deps(entries: Any) -> Iterator[tuple[str, str | None, list[Any]]]:
    """(name, version, extras) of each dependency record."""
    for dep in as_list(entries):
        if isinstance(dep, dict) and isinstance(name := dep.get("name"), str) and name:
            yield _norm(name), as_str(dep.get("version")), as_list(dep.get("extra"))


class _Node(NamedTuple):
    ref: str  # purl; "" for the project itself
    member: bool  # the project or a workspace member: what it needs is declared, direct
    pkg: dict[str, Any]
    fields: dict[str, Any]
    line: int | None


def parse(text: str, path: str) -> ParseResult:
    """Parse a uv.lock."""
    doc = load_toml(text)
    packages = doc.get("package", [])
    if not isinstance(packages, list):
        raise ParseError("'package' is not an array of tables")
    manifest = as_list(as_dict(doc.get("manifest")).get("members"))
    members = {_norm(m) for m in manifest if isinstance(m, str)}
    starts = table_lines(text, "[[package]]")
    issues: list[ParseIssue] = []
    nodes: list[_Node] = []
    by_name: dict[str, list[tuple[str | None, str]]] = {}
    for n, pkg in enumerate(packages):
        pkg = as_dict(pkg)
        name, src, line = (
            pep508_name(pkg.get("name")),
            as_dict(pkg.get("source")),
            line_at(starts, n),
        )
        if not name:
            issues.append(ParseIssue(path, line, f"{NAME}: package #{n + 1} has no valid name"))
            continue
        version = as_str(pkg.get("version"))
        local = next((v for k in _LOCAL if isinstance(v := src.get(k), str)), None)
        fields = {"name": name, "version": version, **_source(src)}
        member = local is not None and (local == "." or _norm(name) in members)
        if member and local != ".":
            fields["source_kind"] = "workspace"
        ref = "" if local == "." else purl.pypi(name, version)
        nodes.append(_Node(ref, member, pkg, fields, line))
        by_name.setdefault(_norm(name), []).append((version, ref))
    scopes, direct, edges = _graph(nodes, by_name)
    comps = []
    for node in nodes:
        if not node.ref:  # the project itself is not a component
            continue
        pkg, fields = node.pkg, node.fields
        sdist = as_dict(pkg.get("sdist"))
        files = [sdist, *as_list(pkg.get("wheels"))] if sdist else as_list(pkg.get("wheels"))
        comps.append(
            Component(
                purl=node.ref, ecosystem="pypi", **fields,
                scope=scopes.get(node.ref), direct=direct.get(node.ref),
                hashes=file_hashes(files),
                resolved=tuple(u for f in files if isinstance(u := as_dict(f).get("url"), str)),
                locations=(Location(path, node.line),),
            )
        )  # fmt: skip
    return ParseResult(tuple(comps), sort_edges(edges), tuple(issues))


def _graph(
    nodes: list[_Node], by_name: dict[str, list[tuple[str | None, str]]]
) -> tuple[dict[str, Scope], dict[str, bool], set[Relationship]]:
    """Scopes by what the project and workspace members reach, direct flags, and edges."""

    def resolve(name: str, version: str | None) -> str | None:
        cands = by_name.get(name, ())
        if len(cands) == 1:
            return cands[0][1]
        return next((ref for v, ref in cands if v == version), None) if version else None

    # Graph nodes are "purl" (the base package) and "purl[extra]" (what an extra adds).
    adj: dict[str, list[str]] = {}
    roots: dict[Scope, list[str]] = {"required": [], "optional": [], "dev": []}
    edges: set[Relationship] = set()
    for me, member, pkg, _, _ in nodes:
        groups: list[tuple[str, Scope, Any]] = [("", "required", pkg.get("dependencies"))]
        for extra, deps in as_dict(pkg.get("optional-dependencies")).items():
            groups.append((f"[{extra}]", "optional", deps))
        groups += [("", "dev", deps) for deps in as_dict(pkg.get("dev-dependencies")).values()]
        for suffix, scope, entries in groups:
            for name, version, extras in _deps(entries):
                target = resolve(name, version)
                if not target or target == me:
                    continue
                edges.add(Relationship(me, target))
                wanted = [target, *(f"{target}[{x}]" for x in extras if isinstance(x, str))]
                if member:
                    roots[scope] += wanted
                else:
                    adj.setdefault(me + suffix, []).extend(wanted)
            if me and suffix:  # an extra brings the package itself too
                adj.setdefault(me + suffix, []).append(me)
    if not any(roots.values()):  # no project in the lock: nothing tells direct from transitive
        return scopes_by_reach(roots, adj), {}, edges
    sources = {n.ref for n in nodes if n.member}
    declared = {e.target for e in edges if e.source in sources}
    return scopes_by_reach(roots, adj), {n.ref: n.ref in declared for n in nodes}, edges
