"""vcpkg.json manifest: declared ports, minimum versions, overrides and the registry baseline."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from sbom import purl
from sbom.errors import ParseError
from sbom.lines import LineIndex
from sbom.loaders import load_json
from sbom.model import SCOPE_RANK, Component, Location, ParseIssue, ParseResult, Relationship, Scope

NAME = "vcpkg/vcpkg-json"
TITLE = "vcpkg.json manifest"
PATTERNS = ("vcpkg.json",)
# vcpkg writes no lockfile: the manifest plus its baseline is all there is.
SUPERSEDED_BY: tuple[str, ...] = ()

_VERSION_KEYS = ("version", "version-semver", "version-date", "version-string")


def parse(text: str, path: str) -> ParseResult:
    """Parse a vcpkg.json.

    purl type ``vcpkg`` (registered in the purl spec, 2026): no namespace, ``port_version``
    and ``repository_revision`` (the registry baseline commit) as qualifiers. An override
    pins the exact version of a port *if* something depends on it; it adds no dependency
    (vcpkg's rule), so an override of an undeclared port is no component. ``version>=``
    is only a minimum and stays the requirement. A
    ``"host": true`` dependency is a tool for the build machine, so its scope is "dev";
    a feature's dependencies are optional.
    """
    doc = load_json(text)
    if not isinstance(doc, dict):
        raise ParseError("vcpkg.json is not a JSON object")
    # A port is named by a "name" value or by a bare string starting a line or after [ or ,
    # (never a key); the match must not start on an earlier line than the name.
    lines = LineIndex(text).key_lines(
        r'(?:"name"[ \t]*:[ \t]*|^[ \t]*|[\[,][ \t]*)"([a-z0-9._-]+)"(?![ \t]*:)'
    )
    baseline, registries = _registries(doc)
    overrides: dict[str, tuple[str, int | None]] = {}
    for entry in _list(doc, "overrides"):
        name = entry.get("name") if isinstance(entry, dict) else None
        version = (
            next((entry[k] for k in _VERSION_KEYS if isinstance(entry.get(k), str)), None)
            if name
            else None
        )
        if isinstance(name, str) and version:
            port = entry.get("port-version")
            overrides[name] = (version, port if isinstance(port, int) else None)

    wanted: dict[str, tuple[Scope, str | None]] = {}
    issues: list[ParseIssue] = []
    features = doc.get("features")
    feature_deps = [
        dep
        for feat in (features.values() if isinstance(features, dict) else ())
        if isinstance(feat, dict)
        for dep in _list(feat, "dependencies")
    ]
    groups: tuple[tuple[list[Any], Scope], ...] = (
        (_list(doc, "dependencies"), "required"),
        (feature_deps, "optional"),
    )
    for deps, base_scope in groups:
        for dep in deps:
            name = (
                dep if isinstance(dep, str) else dep.get("name") if isinstance(dep, dict) else None
            )
            if not isinstance(name, str) or not name:
                issues.append(ParseIssue(path, None, f"{NAME}: dependency without a name: {dep!r}"))
                continue
            host = isinstance(dep, dict) and dep.get("host") is True
            scope: Scope = "dev" if host else base_scope
            minimum = dep.get("version>=") if isinstance(dep, dict) else None
            prev = wanted.get(name)
            if prev is None or SCOPE_RANK[scope] < SCOPE_RANK[prev[0]]:
                wanted[name] = (
                    scope,
                    minimum if isinstance(minimum, str) else (prev[1] if prev else None),
                )

    comps: list[Component] = []
    edges: list[Relationship] = []
    for name, (dep_scope, minimum) in wanted.items():
        version, port = overrides.get(name, (None, None))
        quals = {"repository_revision": baseline} if baseline else {}
        if port:
            quals["port_version"] = str(port)
        ref = purl.purl("vcpkg", name, version, qualifiers=quals)
        comps.append(
            Component(
                purl=ref,
                ecosystem="vcpkg",
                name=name,
                version=version,
                scope=dep_scope,
                direct=True,
                requirement=f">={minimum}" if minimum and not version else None,
                registries=next(
                    (urls for pattern, urls in registries if fnmatchcase(name, pattern)), ()
                ),
                locations=(Location(path, lines.get(name)),),
            )
        )
        edges.append(Relationship("", ref))
    return ParseResult(tuple(comps), tuple(edges), tuple(issues))


def _list(doc: dict[str, Any], key: str) -> list[Any]:
    value = doc.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ParseError(f"'{key}' is not an array")
    return value


def _registries(doc: dict[str, Any]) -> tuple[str | None, list[tuple[str, tuple[str, ...]]]]:
    """Baseline commit, and (port pattern, registry URL) pairs from an embedded vcpkg-configuration.

    The builtin registry is implied, never written, so it yields no URL; git registries do.
    """
    config = doc.get("vcpkg-configuration")
    config = config if isinstance(config, dict) else {}
    default = config.get("default-registry")
    default = default if isinstance(default, dict) else {}
    base = doc.get("builtin-baseline") or default.get("baseline")
    pairs: list[tuple[str, tuple[str, ...]]] = []
    regs = config.get("registries")
    for reg in regs if isinstance(regs, list) else ():
        url = (reg.get("repository") or reg.get("path")) if isinstance(reg, dict) else None
        names = reg.get("packages") if isinstance(reg, dict) else None
        if isinstance(url, str) and isinstance(names, list):
            pairs.extend((p, (url,)) for p in names if isinstance(p, str))
    url = default.get("repository") or default.get("path")
    if isinstance(url, str):
        pairs.append(("*", (url,)))
    return (base if isinstance(base, str) and base else None), pairs
