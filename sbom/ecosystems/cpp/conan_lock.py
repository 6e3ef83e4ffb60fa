"""Conan conan.lock: Conan 2 reference lists (0.5) and Conan 1 graph locks (0.4), with recipe revisions."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from sbom import purl
from sbom.errors import ParseError
from sbom.lines import LineIndex
from sbom.loaders import load_json
from sbom.model import SCOPE_RANK, Component, Location, ParseIssue, ParseResult, Relationship, Scope

NAME = "conan/conan-lock"
TITLE = "conan.lock (Conan 1 and 2)"
PATTERNS = ("conan.lock",)
SUPERSEDED_BY: tuple[str, ...] = ()

# name/version[@user[/channel]][#recipe_revision[%timestamp]]
_REF = re.compile(
    r"^(?P<name>[^/@#%\s]+)/(?P<version>[^@#%\s]+)"
    r"(?:@(?P<user>[^/#%\s]+)(?:/(?P<channel>[^#%\s]+))?)?"
    r"(?:#(?P<rrev>[^%\s]+))?(?:%(?P<ts>[0-9.]+))?$"
)
# Conan 2 lists. Tool requirements run on the build machine and python_requires/config_requires
# only shape recipes and configuration, so none of them ships in the product: scope "dev".
_LISTS: tuple[tuple[str, Scope], ...] = (
    ("requires", "required"),
    ("build_requires", "dev"),
    ("python_requires", "dev"),
    ("config_requires", "dev"),
)


def parse(text: str, path: str) -> ParseResult:
    """Parse a conan.lock of either generation."""
    doc = load_json(text)
    if not isinstance(doc, dict):
        raise ParseError("conan.lock is not a JSON object")
    # Every quoted string; a reference's first occurrence is where it is pinned.
    lines = LineIndex(text).key_lines(r'"([^"\n]+)"')
    if isinstance(doc.get("graph_lock"), dict):
        return _conan1(doc["graph_lock"], path, lines)
    comps: dict[str, Component] = {}
    issues: list[ParseIssue] = []
    for key, scope in _LISTS:
        refs = doc.get(key) or []
        if not isinstance(refs, list):
            raise ParseError(f"'{key}' is not a list")
        for ref in refs:
            where = _where(path, lines, ref)
            comp = _component(ref, scope, where)
            if comp is None:
                issues.append(ParseIssue(path, where.line, f"{NAME}: bad reference {ref!r}"))
            else:
                _keep(comps, comp)
    return ParseResult(tuple(comps.values()), (), tuple(issues))


def _component(ref: Any, scope: Scope, where: Location) -> Component | None:
    m = _REF.match(ref) if isinstance(ref, str) else None
    if m is None:
        return None
    quals = {k: v for k in ("user", "channel", "rrev") if (v := m.group(k)) and v != "_"}
    name, version = m.group("name"), m.group("version")
    return Component(
        purl=purl.purl("conan", name, version, qualifiers=quals),
        ecosystem="conan",
        name=name,
        version=version,
        scope=scope,
        locations=(where,),
    )


def _keep(comps: dict[str, Component], comp: Component) -> None:
    """The same reference in two lists is one component; required beats dev."""
    seen = comps.get(comp.purl)
    if seen is None or SCOPE_RANK[comp.scope or "dev"] < SCOPE_RANK[seen.scope or "dev"]:
        comps[comp.purl] = comp


def _conan1(lock: dict[str, Any], path: str, lines: dict[str, int]) -> ParseResult:
    """Conan 1 graph_lock: numbered nodes with "ref" and id lists; the consumer has a "path"."""
    raw = lock.get("nodes")
    if not isinstance(raw, dict):
        raise ParseError("graph_lock has no 'nodes' object")
    issues: list[ParseIssue] = []
    nodes: dict[str, dict[str, Any]] = {}
    for node_id, node in raw.items():
        if isinstance(node, dict):
            nodes[node_id] = node
        else:
            issues.append(ParseIssue(path, None, f"{NAME}: node {node_id} is not an object"))
    build_only = {i for n in nodes.values() for i in _strings(n, "build_requires")}
    build_only -= {i for n in nodes.values() for i in _strings(n, "requires")}
    by_id: dict[str, str] = {}
    comps: dict[str, Component] = {}
    roots: set[str] = set()
    for node_id, node in nodes.items():
        ref = node.get("ref")
        if not ref or "path" in node:  # the consumer conanfile itself
            roots.add(node_id)
            continue
        # Without a build profile Conan 1 puts tools in the host context: being reached only
        # through build_requires says the same.
        build = node.get("context") == "build" or node_id in build_only
        comp = _component(ref, "dev" if build else "required", _where(path, lines, ref))
        if comp is None:
            issues.append(ParseIssue(path, None, f"{NAME}: node {node_id}: bad reference {ref!r}"))
            continue
        by_id[node_id] = comp.purl
        _keep(comps, comp)
    edges: set[Relationship] = set()
    for node_id, node in nodes.items():
        if node_id not in by_id and node_id not in roots:
            continue
        source = by_id.get(node_id, "")
        deps = [*_strings(node, "requires"), *_strings(node, "build_requires")]
        edges.update(Relationship(source, by_id[d]) for d in deps if d in by_id)
        # python_requires are listed as references, not node ids.
        for ref in _strings(node, "python_requires"):
            comp = _component(ref, "dev", _where(path, lines, ref))
            if comp is not None:
                _keep(comps, comp)
                edges.add(Relationship(source, comp.purl))
    direct = {e.target for e in edges if not e.source}
    final = [replace(c, direct=c.purl in direct) if roots else c for c in comps.values()]
    return ParseResult(tuple(final), tuple(sorted(edges)), tuple(issues))


def _strings(node: dict[str, Any], key: str) -> list[str]:
    value = node.get(key)
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _where(path: str, lines: dict[str, int], ref: Any) -> Location:
    return Location(path, lines.get(ref) if isinstance(ref, str) else None)
