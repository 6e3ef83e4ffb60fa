"""npm package-lock.json and npm-shrinkwrap.json v1–v3: packages, aliases, scopes, the graph."""

from __future__ import annotations

import re
from dataclasses import replace
from fnmatch import fnmatchcase
from typing import Any

from sbom.ecosystems.javascript._common import (
    build,
    classify,
    component,
    is_registry_tarball,
    key_lines,
    split_ident,
    tarball_version,
    valid_name,
)
from sbom.errors import ParseError
from sbom.loaders import load_json
from sbom.model import Component, ParseIssue, ParseResult, Scope, SourceKind

NAME = "npm/package-lock"
TITLE = "package-lock.json / npm-shrinkwrap.json v1–v3"
PATTERNS = ("package-lock.json", "npm-shrinkwrap.json")
SUPERSEDED_BY: tuple[str, ...] = ()

_NM = "node_modules/"
_DEP_FIELDS = ("dependencies", "optionalDependencies", "peerDependencies")
# The project root and workspace members also install their devDependencies.
_ROOT_FIELDS = (*_DEP_FIELDS, "devDependencies")
_INDENT = re.compile(r"\{\r?\n([ \t]+)\"")
_V1_KEYS = re.compile(r'\n([ \t]+)"([^"\n]*)": \{')


def parse(text: str, path: str) -> ParseResult:
    """Parse a package-lock.json or npm-shrinkwrap.json (``packages`` map, else the v1 tree).

    The project root and workspace members (folders matched by the root's ``workspaces``)
    are the project itself: not components; what they declare is direct. Other folders
    (``file:`` dependencies, npm ``link: true`` targets) are components of kind "path".
    """
    doc = load_json(text)
    if not isinstance(doc, dict):
        raise ParseError("not a package-lock object", 1)
    m = _INDENT.match(text)
    unit = m.group(1) if m else "  "  # npm keeps the indentation of package.json
    packages = doc.get("packages")
    if isinstance(packages, dict) and packages:
        lines = key_lines(text, re.compile(rf'\n{unit * 2}"([^"\n]*)": '))
        return _Lock(path, packages, lines, v1=False).result()
    deps = doc.get("dependencies")
    if deps is None and "lockfileVersion" in doc:
        return ParseResult()  # a project without dependencies
    if not isinstance(deps, dict):
        raise ParseError("neither a 'packages' map nor a 'dependencies' tree", 1)
    return _Lock(path, *_flatten_v1(deps, text, len(unit)), v1=True).result()


class _Lock:
    """Install locations (``node_modules/a/node_modules/b``, folders) mapped to their entries."""

    def __init__(
        self, path: str, packages: dict[str, Any], lines: dict[str, int], v1: bool
    ) -> None:
        self.path, self.packages, self.lines, self.v1 = path, packages, lines, v1
        self.issues: list[ParseIssue] = []
        self.purls: dict[str, str | None] = {}  # location → purl; None for the project itself
        self.nested: set[str] = set()  # locations with a node_modules folder of their own

    def result(self) -> ParseResult:
        root = self.packages.get("")
        globs = root.get("workspaces") if isinstance(root, dict) else None
        globs = globs.get("packages") if isinstance(globs, dict) else globs
        globs = (
            [g.rstrip("/") for g in globs if isinstance(g, str)] if isinstance(globs, list) else []
        )
        links: dict[str, str] = {}  # folder → name of a link that points at it
        comps: list[Component] = []
        folders: list[tuple[str, dict[str, Any]]] = [("", root if isinstance(root, dict) else {})]
        for loc, meta in self.packages.items():
            if not isinstance(meta, dict):
                self.issues.append(
                    ParseIssue(
                        self.path, self.lines.get(loc), f"{NAME}: entry {loc!r} is not an object"
                    )
                )
                continue
            cut = loc.rfind(_NM)
            if cut > 0:
                self.nested.add(loc[: cut - 1])
            if meta.get("link"):
                if isinstance(meta.get("resolved"), str) and cut >= 0:
                    links.setdefault(meta["resolved"], loc[cut + len(_NM) :])
            elif cut >= 0:
                comp = self._component(loc, meta, loc[cut + len(_NM) :])
                if comp is not None:
                    comps.append(comp)
            elif loc:
                folders.append((loc, meta))
        for loc, meta in folders:
            if not loc or (not loc.startswith("../") and any(fnmatchcase(loc, g) for g in globs)):
                self.purls[loc] = None
                continue
            name = meta.get("name") or links.get(loc) or loc.rstrip("/").rpartition("/")[2]
            version = _str(meta.get("version"))
            line = self.lines.get(loc)
            if not valid_name(name):
                self.issues.append(
                    ParseIssue(self.path, line, f"{NAME}: folder {loc!r} has no name")
                )
                continue
            comps.append(
                component(name, version, self.path, line, direct=False, kind="path", source_url=loc)
            )
            self.purls[loc] = comps[-1].purl
        edges = self._edges()
        if not self.v1:  # v1 does not record what the root declares: direct stays unknown
            direct = {target for source, target in edges if not source}
            comps = [replace(c, direct=True) if c.purl in direct else c for c in comps]
        return build(comps, edges, self.issues)

    def _component(self, loc: str, meta: dict[str, Any], key_name: str) -> Component | None:
        name = meta.get("name") or key_name
        version, resolved = _str(meta.get("version")), _str(meta.get("resolved"))
        kind: SourceKind = "registry"
        url = None
        if version and not version[0].isdigit():  # v1 writes aliases, git, URLs and paths here
            if version.startswith("npm:"):
                name, version = split_ident(version[4:])
            else:
                kind, url = classify(version)
                resolved = resolved or (version if kind != "path" else None)
                version = tarball_version(version, name) if kind == "url" else None
        elif resolved and not is_registry_tarball(resolved):
            kind, url = classify(resolved)
        line = self.lines.get(loc)
        if not valid_name(name) or (kind == "registry" and not version):
            self.issues.append(
                ParseIssue(self.path, line, f"{NAME}: entry {loc!r} has no name or version")
            )
            return None
        # devOptional: optional in the production tree, required only for development.
        scope: Scope = (
            "dev"
            if meta.get("dev")
            else "optional"
            if meta.get("optional") or meta.get("devOptional")
            else "required"
        )
        comp = component(
            name,
            version,
            self.path,
            line,
            scope=scope,
            direct=None if self.v1 else False,
            integrity=meta.get("integrity"),
            resolved=resolved,
            kind=kind,
            source_url=url,
            license=meta.get("license"),  # npm 7+ copies package.json's SPDX expression
        )
        self.purls[loc] = comp.purl
        return comp

    def _find(self, loc: str, name: str) -> str | None:
        """Node's module resolution: ``loc/node_modules/name``, then each enclosing folder's."""
        base = loc
        while True:
            # Most packages are hoisted: only look inside folders that have a node_modules.
            if not base or base in self.nested:
                cand = f"{base}/{_NM}{name}" if base else _NM + name
                meta = self.packages.get(cand)
                if meta is not None:
                    link = isinstance(meta, dict) and meta.get("link")
                    target = meta.get("resolved") if link else cand
                    return target if isinstance(target, str) else None
                if not base:
                    return None
            cut = base.rfind("/" + _NM)
            if cut >= 0:
                base = base[:cut]
            else:
                base = "" if base.startswith(_NM) else base.rpartition("/")[0]

    def _edges(self) -> set[tuple[str, str]]:
        edges: set[tuple[str, str]] = set()
        for loc, src in self.purls.items():
            meta = self.packages.get(loc) or {}
            for field in _ROOT_FIELDS if src is None else _DEP_FIELDS:
                deps = meta.get(field)
                for dep in deps if isinstance(deps, dict) else ():
                    target = self.purls.get(self._find(loc, dep) or "\0")
                    if target:
                        edges.add((src or "", target))
        return edges


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _flatten_v1(
    deps: dict[str, Any], text: str, unit: int
) -> tuple[dict[str, Any], dict[str, int]]:
    """The v1 ``dependencies`` tree as v2-style locations (``requires`` become ``dependencies``).

    Lines come from one scan of the object keys, consumed in document order as the tree is
    walked depth first (an entry's nested dependencies come before its next sibling).
    """
    keys: list[tuple[int, str, int]] = []  # (indent width, key, line) of every '"key": {'
    line, prev = 1, 0
    for m in _V1_KEYS.finditer(text):
        line += text.count("\n", prev, m.start(2))
        prev = m.start(2)
        keys.append((len(m.group(1)), m.group(2), line))
    pos = 0
    packages: dict[str, Any] = {}
    lines: dict[str, int] = {}
    stack = [("", iter(deps.items()), 2 * unit)]
    while stack:
        prefix, items, depth = stack[-1]
        item = next(items, None)
        if item is None:
            stack.pop()
            continue
        name, meta = item
        loc = f"{prefix}{_NM}{name}"
        # Only "requires"/"dependencies" keys sit between consecutive entries: look a few ahead.
        for i in range(pos, min(pos + 8, len(keys))):
            if keys[i][0] == depth and keys[i][1] == name:
                lines[loc] = keys[i][2]
                pos = i + 1
                break
        if not isinstance(meta, dict):
            packages[loc] = meta
            continue
        entry = {k: v for k, v in meta.items() if k not in ("requires", "dependencies")}
        entry["dependencies"] = (
            meta.get("requires") if isinstance(meta.get("requires"), dict) else {}
        )
        packages[loc] = entry
        nested = meta.get("dependencies")
        if isinstance(nested, dict) and nested:
            stack.append((loc + "/", iter(nested.items()), depth + 2 * unit))
    return packages, lines
