"""Helpers shared by the JavaScript lockfile parsers: component building, sources, scopes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from sbom import hashes, purl
from sbom.licenses import declared
from sbom.merge import merge_sightings
from sbom.model import Component, Location, ParseIssue, ParseResult, Relationship, Scope, SourceKind

# Scope ranks as the traversals use them (lower wins, as in sbom.model.SCOPE_RANK).
SCOPES: tuple[Scope, Scope, Scope] = ("required", "optional", "dev")
# Yarn berry writes this placeholder version for workspaces, links and portals.
PLACEHOLDER_VERSION = "0.0.0-use.local"
_VCS_PREFIXES = ("git+", "git://", "git@", "github:", "gitlab:", "bitbucket:", "gist:")
_PATH_PREFIXES = ("file:", "link:", "portal:")
_NAME = re.compile(r"(?:@[^\s\x00-\x1f\x7f/]+/)?[^\s\x00-\x1f\x7f/@][^\s\x00-\x1f\x7f]*")


def valid_name(name: object) -> TypeGuard[str]:
    """A name a purl can carry: no blanks or control characters; a scoped name has both parts."""
    return isinstance(name, str) and _NAME.fullmatch(name) is not None


def split_ident(spec: str) -> tuple[str, str]:
    """``name@rest`` → (name, rest); the ``@`` of a scope is not a separator."""
    at = spec.find("@", 1)
    return (spec, "") if at < 0 else (spec[:at], spec[at + 1 :])


def classify(ref: str) -> tuple[SourceKind, str | None]:
    """(source_kind, source_url) of a non-registry reference: git, tarball URL or folder."""
    if ref.startswith(_VCS_PREFIXES) or "codeload.github.com/" in ref:
        return "vcs", ref
    if ref.startswith(_PATH_PREFIXES):
        return "path", ref.partition(":")[2]
    if ref.startswith(("http://", "https://")):
        return ("vcs" if ref.split("#", 1)[0].endswith(".git") else "url"), ref
    return "url", ref


def registry_base(url: str, name: str) -> str:
    """Registry base URL of a tarball URL ``<base>/<name>/-/<file>.tgz`` (scheme+host otherwise)."""
    at = url.find("/" + name + "/-/")
    if at < 0 and "/" in name:  # some registries escape the scope's slash
        at = url.lower().find("/" + name.replace("/", "%2f") + "/-/")
    if at > 0:
        return url[:at]
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[broken" and the like: keep the text, a reader sees it
        return url
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else url


def is_registry_tarball(url: str) -> bool:
    """An http(s) URL of the ``…/-/…`` shape every npm registry (and mirror) serves tarballs at."""
    return url.startswith(("https://", "http://")) and "/-/" in url


def tarball_version(url: str, name: str) -> str | None:
    """Version in a registry tarball file name ``<bare-name>-<version>.tgz``, if it has that shape."""
    stem = url.split("#", 1)[0].split("?", 1)[0].rpartition("/")[2]
    prefix = name.rpartition("/")[2] + "-"
    if stem.startswith(prefix) and stem.endswith(".tgz") and len(stem) > len(prefix) + 4:
        return stem[len(prefix) : -4]
    return None


def component(
    name: str,
    version: str | None,
    path: str,
    line: int | None,
    *,
    scope: Scope | None = None,
    direct: bool | None = None,
    integrity: Any = None,
    resolved: str | None = None,
    kind: SourceKind = "registry",
    source_url: str | None = None,
    ref: str | None = None,
    registry: str | None = None,
    requirement: str | None = None,
    license: Any = None,
) -> Component:
    """An npm component (``ref``: its purl when already known); http(s) ``resolved`` URLs are
    recorded, and a registry tarball's URL names its registry (unless ``registry`` is given)."""
    urls: tuple[str, ...] = ()
    registries: tuple[str, ...] = (registry,) if registry else ()
    if resolved and resolved.startswith(("https://", "http://")):
        urls = (resolved,)
        if kind == "registry" and not registries:
            registries = (registry_base(resolved, name),)
    return Component(
        purl=ref or purl.npm(name, version or None),
        ecosystem="npm",
        name=name,
        version=version or None,
        scope=scope,
        direct=direct,
        hashes=hashes.from_sri(integrity) if isinstance(integrity, str) and integrity else (),
        resolved=urls,
        registries=registries,
        source_kind=kind,
        source_url=source_url,
        requirement=requirement,
        locations=(Location(path, line),),
        licenses=declared(license) if license else (),
    )


def build(
    comps: Iterable[Component], edges: Iterable[tuple[str, str]], issues: Iterable[ParseIssue] = ()
) -> ParseResult:
    """One component per purl (sightings merged: every location kept, the widest scope wins).

    Edges are (source, target) purl pairs, "" for the project root; sorting plain tuples is
    much faster than sorting Relationship objects.
    """
    by_purl = merge_sightings(comps)
    for ref, comp in by_purl.items():
        # Same file: a sighting without a line adds nothing where another has one.
        lines = tuple(loc for loc in comp.locations if loc.line is not None)
        if lines and len(lines) < len(comp.locations):
            by_purl[ref] = replace(comp, locations=lines)
    rels = sorted({e for e in edges if e[1] in by_purl and (not e[0] or e[0] in by_purl)})
    return ParseResult(
        tuple(by_purl.values()), tuple(Relationship(s, t) for s, t in rels), tuple(issues)
    )


def key_lines(text: str, pattern: re.Pattern[str]) -> dict[str, int]:
    """Line of the first match of ``pattern`` (one group, the key) for every key, in one scan.

    Like ``LineIndex.key_lines`` but counting newlines between matches instead of indexing
    every line first. Patterns should anchor on ``\\n`` rather than ``^`` with MULTILINE,
    which the regex engine runs four times slower; the line is the key's own line.
    """
    out: dict[str, int] = {}
    line, prev = 1, 0
    count = text.count
    for m in pattern.finditer(text):
        pos = m.start(1)
        line += count("\n", prev, pos)
        prev = pos
        out.setdefault(m.group(1), line)
    return out


def scopes(roots: dict[str, int], adjacency: dict[str, list[tuple[str, int]]]) -> dict[str, Scope]:
    """Scope of every reachable node: the best over all paths of the worst edge rank on the path.

    Ranks are 0 required, 1 optional, 2 dev; one depth-first pass per rank, each starting
    again from everything found so far (a required node may have optional edges).
    """
    found: dict[str, Scope] = {}
    for rank, scope in enumerate(SCOPES):
        for node, root_rank in roots.items():
            if root_rank <= rank and node not in found:
                found[node] = scope
        stack = list(found)
        while stack:
            node = stack.pop()
            for target, edge_rank in adjacency.get(node, ()):
                if edge_rank <= rank and target not in found:
                    found[target] = scope
                    stack.append(target)
    return found


def as_str(value: Any) -> str | None:
    """A YAML scalar as text (the safe loader may hand back numbers), None for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None
