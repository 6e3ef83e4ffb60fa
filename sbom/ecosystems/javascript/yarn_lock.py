"""Yarn classic (v1) yarn.lock: entries, aliases, resolved URLs, integrity and the graph."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from sbom import hashes, limits
from sbom.ecosystems.javascript._common import (
    build,
    classify,
    component,
    is_registry_tarball,
    split_ident,
    valid_name,
)
from sbom.errors import ParseError
from sbom.lines import iter_lines
from sbom.model import Component, ParseIssue, ParseResult, SourceKind

NAME = "npm/yarn-lock"
TITLE = "yarn.lock (Yarn classic v1)"
PATTERNS = ("yarn.lock",)
SUPERSEDED_BY: tuple[str, ...] = ()

_DEP_BLOCKS = ("dependencies", "optionalDependencies")
_QUOTED_LIST = re.compile(r'"((?:[^"\\]|\\.)*)"|([^,\s][^,]*)')
# More bad lines than this and the file is not a yarn.lock at all.
_MAX_BAD_LINES = 10


def is_berry(text: str) -> bool:
    """Yarn 2+ lockfiles are YAML with a ``__metadata`` entry; classic ones never have it."""
    return text.startswith("__metadata:") or "\n__metadata:" in text


def parse(text: str, path: str) -> ParseResult:
    """Parse a classic yarn.lock; a berry one is left to ``npm/yarn-berry-lock`` (empty result).

    The file does not record what the project declares, so ``direct`` and ``scope`` stay
    unknown. Workspace members never appear in a classic lockfile; ``file:`` packages do
    (kind "path"). A malformed entry becomes an issue and the rest still counts.
    """
    if is_berry(text):
        return ParseResult()
    entries, issues = _read(text, path)
    by_descriptor: dict[str, str] = {}
    comps: list[tuple[Component, dict[str, Any]]] = []
    for line, descriptors, fields in entries:
        comp = _component(descriptors, fields, path, line)
        if comp is None:
            issues.append(
                ParseIssue(path, line, f"{NAME}: entry {descriptors[0]!r} has no name or version")
            )
            continue
        comps.append((comp, fields))
        for d in descriptors:
            by_descriptor[d] = comp.purl
    edges = set()
    for comp, fields in comps:
        for block in _DEP_BLOCKS:
            deps = fields.get(block)
            for name, spec in deps.items() if isinstance(deps, dict) else ():
                target = by_descriptor.get(f"{name}@{spec}")
                if target:
                    edges.add((comp.purl, target))
    return build((c for c, _ in comps), edges, issues)


def _component(
    descriptors: list[str], fields: dict[str, Any], path: str, line: int
) -> Component | None:
    name, spec = split_ident(descriptors[0])
    if spec.startswith("npm:"):  # an alias: "my-ms@npm:ms@2.0.0" is the package ms
        name, spec = split_ident(spec[4:])
    version = fields.get("version")
    if not isinstance(version, str) or not version or not valid_name(name):
        return None
    resolved = fields.get("resolved") if isinstance(fields.get("resolved"), str) else None
    kind: SourceKind = "registry"
    url = None
    if resolved and not is_registry_tarball(resolved):
        kind, url = classify(resolved)
    elif not resolved and ":" in spec:
        kind, url = classify(spec)  # file: packages carry no resolved URL
    integrity = fields.get("integrity")
    comp = component(
        name, version, path, line, integrity=integrity, resolved=resolved, kind=kind, source_url=url
    )
    if not comp.hashes and kind == "registry" and resolved and "#" in resolved:
        # Lockfiles older than yarn 1.10 have no integrity: the URL fragment is the tarball's SHA-1.
        digest = hashes.from_hex("sha1", resolved.rpartition("#")[2])
        if digest:
            comp = replace(comp, hashes=(digest,))
    return comp


def _read(
    text: str, path: str
) -> tuple[list[tuple[int, list[str], dict[str, Any]]], list[ParseIssue]]:
    """Entries (header line, descriptors, fields with nested dependency maps) and bad lines."""
    entries: list[tuple[int, list[str], dict[str, Any]]] = []
    issues: list[ParseIssue] = []
    fields: dict[str, Any] | None = None  # None while skipping a broken entry
    block: dict[str, Any] | None = None
    for n, raw in enumerate(iter_lines(text, newline_only=True), 1):
        line = raw.rstrip("\r")
        body = line.lstrip(" ")
        if not body or body[0] == "#":
            continue
        try:
            if line[0] != " ":
                fields, block = None, None
                if not line.endswith(":"):
                    raise ParseError(
                        f"expected an entry header ending in ':', got {line[:60]!r}", n
                    )
                fields = {}
                entries.append((n, _descriptors(line[:-1], n), fields))
                limits.built()  # a component to be: a huge file stops here
                continue
            if fields is None:
                continue
            depth = len(line) - len(body)
            key, value = _pair(body, n)
            if depth == 2:
                fields[key] = value if value else {}
                block = None if value else fields[key]
            elif depth == 4 and block is not None and value:
                block[key] = value
            else:
                raise ParseError(f"unexpected indentation ({depth} spaces)", n)
        except ParseError as exc:
            if fields is not None and entries and entries[-1][2] is fields:
                entries.pop()  # drop the whole entry the bad line belongs to
            fields, block = None, None
            issues.append(ParseIssue(path, exc.line, f"{NAME}: {exc.message}"))
            if len(issues) > _MAX_BAD_LINES:
                raise ParseError(f"not a yarn.lock: {exc.message}", issues[0].line) from None
    return entries, issues


def _descriptors(header: str, n: int) -> list[str]:
    """``a@^1, "a@^1.1"`` → the descriptors an entry satisfies."""
    if '"' not in header:
        return header.split(", ")
    out = [
        _unquote(f'"{q}"', n) if q or not u else u.strip() for q, u in _QUOTED_LIST.findall(header)
    ]
    if not out:
        raise ParseError("empty entry header", n)
    return out


def _pair(body: str, n: int) -> tuple[str, str]:
    """``key value`` / ``"key" "value"`` / ``key:`` → (key, value); value "" opens a block."""
    if body[0] == '"':
        end = body.find('"', 1)
        while end > 0 and body[end - 1] == "\\":
            end = body.find('"', end + 1)
        if end < 0:
            raise ParseError("unterminated quoted key", n)
        key, rest = body[: end + 1], body[end + 1 :]
    else:
        cut = body.find(" ")
        key, rest = (body, "") if cut < 0 else (body[:cut], body[cut:])
    if not rest:
        if key.endswith(":"):
            return _unquote(key[:-1], n), ""
        raise ParseError(f"expected 'key value', got {body[:60]!r}", n)
    if rest == ":":
        return _unquote(key, n), ""
    if rest[0] != " " or not rest.strip():
        raise ParseError(f"expected 'key value', got {body[:60]!r}", n)
    return _unquote(key, n), _unquote(rest.strip(), n)


def _unquote(s: str, n: int) -> str:
    if len(s) >= 2 and s[0] == '"' and s[-1] == '"':
        if "\\" not in s:
            return s[1:-1]
        try:
            value = json.loads(s)
        except ValueError:
            raise ParseError(f"bad quoted string {s[:60]!r}", n) from None
        return value if isinstance(value, str) else s
    return s
