"""Yarn berry (v2+) yarn.lock: resolutions, protocols (npm, patch, workspace, link…), the graph."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any
from urllib.parse import unquote

from sbom.ecosystems.javascript import _yaml
from sbom.ecosystems.javascript._common import (
    PLACEHOLDER_VERSION,
    as_str,
    build,
    classify,
    component,
    key_lines,
    split_ident,
    valid_name,
)
from sbom.ecosystems.javascript.yarn_lock import is_berry
from sbom.errors import ParseError
from sbom.model import Component, ParseIssue, ParseResult, SourceKind

NAME = "npm/yarn-berry-lock"
TITLE = "yarn.lock (Yarn berry v2+)"
PATTERNS = ("yarn.lock",)
SUPERSEDED_BY: tuple[str, ...] = ()

# Entry fields nothing here reads: the fast YAML path skips them.
_UNUSED = frozenset(
    {
        "bin",
        "checksum",
        "conditions",
        "dependenciesMeta",
        "languageName",
        "linkType",
        "peerDependencies",
        "peerDependenciesMeta",
    }
)
_KEYS = re.compile(r'\n"?([^\s#"][^"\n]*?)"?:(?=\r?\n)')


def parse(text: str, path: str) -> ParseResult:
    """Parse a berry yarn.lock; a classic one is left to ``npm/yarn-lock`` (empty result).

    Workspaces (``workspace:`` resolutions) are the project itself: not components, and
    what they depend on is direct. A ``patch:`` resolution is the package it patches.
    ``checksum`` is not recorded as a hash: it digests Yarn's cache zip, not the registry
    tarball, so it would never match a registry's published integrity.
    """
    if not is_berry(text):
        return ParseResult()
    doc = _yaml.load(text, skip=_UNUSED, skip_depth=2)
    if not isinstance(doc, dict):
        raise ParseError("not a yarn lockfile mapping", 1)
    lines = key_lines(text, _KEYS)
    by_descriptor: dict[str, str | None] = {}  # descriptor → purl, None for a workspace
    unbound: dict[str, str | None] = {}  # the same without the "::locator=…" binding suffix
    entries: list[tuple[str | None, dict[str, Any]]] = []
    comps: list[Component] = []
    issues: list[ParseIssue] = []
    for key, meta in doc.items():
        if key == "__metadata":
            continue
        line = lines.get(key)
        if not isinstance(meta, dict) or not isinstance(meta.get("resolution"), str):
            issues.append(
                ParseIssue(path, line, f"{NAME}: entry {str(key)[:80]!r} has no resolution")
            )
            continue
        name = split_ident(meta["resolution"])[0]
        if not valid_name(name):
            issues.append(ParseIssue(path, line, f"{NAME}: resolution {name!r} has no valid name"))
            continue
        comp = _component(meta["resolution"], as_str(meta.get("version")), path, line)
        ref = comp.purl if comp else None
        if comp:
            comps.append(comp)
        entries.append((ref, meta))
        for d in str(key).split(", "):
            by_descriptor[d] = ref
            if "::" in d:
                unbound.setdefault(d.partition("::")[0], ref)
    edges: set[tuple[str, str]] = set()
    for source, meta in entries:
        deps = meta.get("dependencies")
        for name, spec in deps.items() if isinstance(deps, dict) else ():
            desc = f"{name}@{spec}"
            target = by_descriptor[desc] if desc in by_descriptor else unbound.get(desc)
            if target:
                edges.add((source or "", target))
    direct = {t for s, t in edges if not s}
    return build([replace(c, direct=True) if c.purl in direct else c for c in comps], edges, issues)


def _component(
    resolution: str, version: str | None, path: str, line: int | None
) -> Component | None:
    """The component a resolution locator names; None for a workspace (the project itself)."""
    name, ref = split_ident(resolution)
    if version == PLACEHOLDER_VERSION:
        version = None  # workspaces, links and portals have no version of their own
    kind: SourceKind = "registry"
    url = None
    protocol = ref.partition(":")[0]
    if protocol == "workspace":
        return None
    if protocol == "patch":
        # "patch:typescript@npm%3A6.0.3#optional!builtin<compat/typescript>::…": the patched
        # package is the inner locator, percent-encoded.
        inner = unquote(ref[6:].partition("#")[0].partition("::")[0])
        name, ref = split_ident(inner)
        protocol = ref.partition(":")[0]
        if protocol == "workspace" or not valid_name(name):
            return None
    if protocol != "npm":
        kind, url = classify(ref.partition("::")[0])
        if kind == "path":
            url = url.partition("#")[0] if url else url
    elif version is None:
        version = ref[4:] or None
    resolved = url if kind == "url" else None
    return component(
        name, version, path, line, direct=False, kind=kind, source_url=url, resolved=resolved
    )
