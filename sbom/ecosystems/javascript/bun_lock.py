"""bun.lock (text, JSONC): packages, registries, integrity, workspaces and the dependency graph."""

from __future__ import annotations

import re
from typing import Any

from sbom import purl
from sbom.ecosystems.javascript._common import (
    build,
    classify,
    component,
    is_registry_tarball,
    key_lines,
    scopes,
    split_ident,
    tarball_version,
    valid_name,
)
from sbom.errors import ParseError
from sbom.loaders import load_json
from sbom.model import ParseIssue, ParseResult, SourceKind

NAME = "npm/bun-lock"
TITLE = "bun.lock (text format)"
PATTERNS = ("bun.lock",)
SUPERSEDED_BY: tuple[str, ...] = ()

# bun writes a comma after the last member of every multi-line object or array. A JSON
# string cannot hold a raw newline, so a comma followed by a newline and a closing bracket
# is never inside a string; removing it keeps every other character (and line) in place.
_TRAILING_COMMA = re.compile(r",(?=[ \t\r]*\n[ \t\r\n]*[}\]])")
_KEYS = re.compile(r'\n[ \t]+"([^"\n]+)": \[')
_WORKSPACE_FIELDS = (
    ("dependencies", 0),
    ("peerDependencies", 0),
    ("optionalDependencies", 1),
    ("devDependencies", 2),
)
_DEP_FIELDS = (("dependencies", 0), ("peerDependencies", 0), ("optionalDependencies", 1))


def parse(text: str, path: str) -> ParseResult:
    """Parse a bun.lock.

    Package keys are install paths made of package names (``vitest/vite/postcss``); a
    dependency resolves to the nearest such path, as bun hoists. Workspace packages
    (``name@workspace:path``) and the root are the project itself: not components; what
    the workspaces declare is direct, with its scope.
    """
    doc = load_json(_TRAILING_COMMA.sub("", text))
    if not isinstance(doc, dict) or not isinstance(doc.get("packages", {}), dict):
        raise ParseError("not a bun.lock object with a 'packages' map", 1)
    packages: dict[str, Any] = doc.get("packages") or {}
    lines = key_lines(text, _KEYS)
    issues: list[ParseIssue] = []
    purls: dict[str, str | None] = {}  # install path → purl; None for the project itself
    found: dict[str, dict[str, Any]] = {}  # Component fields by purl, built once scopes are known
    infos: dict[str, dict[str, Any]] = {}
    for key, entry in packages.items():
        line = lines.get(key)
        if not isinstance(entry, list) or not entry or not isinstance(entry[0], str):
            issues.append(
                ParseIssue(path, line, f"{NAME}: package {key!r} is not a non-empty array")
            )
            continue
        fields = _fields(entry, path, line)
        if fields is None:
            purls[key] = None
        elif not valid_name(fields["name"]) or (
            fields["kind"] == "registry" and not fields["version"]
        ):
            issues.append(ParseIssue(path, line, f"{NAME}: package {key!r} has no name or version"))
        else:
            purls[key] = fields["ref"]
            found.setdefault(fields["ref"], fields)
        info = next((x for x in entry[1:3] if isinstance(x, dict)), None)
        if info:
            infos[key] = info
    edges: set[tuple[str, str]] = set()
    adjacency: dict[str, list[tuple[str, int]]] = {}
    for key, info in infos.items():
        source = purls.get(key)
        if source:
            for target, rank in _deps(info, _DEP_FIELDS, key, purls):
                edges.add((source, target))
                adjacency.setdefault(source, []).append((target, rank))
    roots: dict[str, int] = {}
    workspaces = doc.get("workspaces")
    for folder, ws in workspaces.items() if isinstance(workspaces, dict) else ():
        if not isinstance(ws, dict):
            continue
        # Packages only one workspace uses are keyed under its name ("lib-a/ms").
        name = ws.get("name")
        prefix = name if folder and isinstance(name, str) else ""
        for target, rank in _deps(ws, _WORKSPACE_FIELDS, prefix, purls):
            edges.add(("", target))
            roots[target] = min(rank, roots.get(target, rank))
    reach = scopes(roots, adjacency)
    comps = [component(**f, scope=reach.get(ref), direct=ref in roots) for ref, f in found.items()]
    return build(comps, edges, issues)


def _fields(entry: list[Any], path: str, line: int | None) -> dict[str, Any] | None:
    """Component fields of a package array; None for a workspace package or the root."""
    name, ref = split_ident(entry[0])
    kind: SourceKind = "registry"
    version: str | None = ref
    url = registry = resolved = None
    if ref.startswith(("workspace:", "root:")):
        return None
    if not valid_name(name):
        return {"name": None, "kind": kind}
    if not ref[:1].isdigit():  # folder, link, git, github or tarball
        kind, url = classify(ref if ":" in ref.split("/", 1)[0] else "file:" + ref)
        # A registry-shaped tarball URL names its version ("…/left-pad/-/left-pad-1.3.0.tgz").
        version = tarball_version(ref, name) if kind == "url" else None
        resolved = ref if kind == "url" else None
    elif len(entry) > 1 and isinstance(entry[1], str) and entry[1]:
        if is_registry_tarball(entry[1]):  # older bun wrote the tarball URL
            resolved = entry[1]
        else:
            registry = entry[1]
    integrity = entry[-1] if len(entry) > 2 and isinstance(entry[-1], str) else None
    return {
        "name": name, "version": version, "path": path, "line": line, "integrity": integrity,
        "resolved": resolved, "registry": registry, "kind": kind, "source_url": url,
        "ref": purl.npm(name, version),
    }  # fmt: skip


def _deps(
    info: dict[str, Any],
    fields: tuple[tuple[str, int], ...],
    key: str,
    purls: dict[str, str | None],
) -> list[tuple[str, int]]:
    """(purl, rank) of each dependency, looked up from ``key`` outwards: ``key/dep``, parents'."""
    out = []
    for field, rank in fields:
        deps = info.get(field)
        for dep in deps if isinstance(deps, dict) else ():
            base = key
            while True:
                cand = f"{base}/{dep}" if base else dep
                if cand in purls:
                    target = purls[cand]
                    if target:
                        out.append((target, rank))
                    break
                if not base:
                    break
                base = _parent(base)
    return out


def _parent(key: str) -> str:
    """``a/@s/b/c`` → ``a/@s/b``: drop the last package name (a scoped name has two segments)."""
    head, _, last = key.rpartition("/")
    if head and not last.startswith("@"):
        scope_head, _, scope = head.rpartition("/")
        if scope.startswith("@"):
            return scope_head
    return head
