"""package.json declared dependencies, for projects without a lockfile: names, ranges and scopes."""

from __future__ import annotations

import re

from sbom.ecosystems.javascript._common import classify, component, split_ident, valid_name
from sbom.errors import ParseError
from sbom.loaders import load_json
from sbom.model import Component, ParseIssue, ParseResult, Scope, SourceKind

NAME = "npm/package-json"
TITLE = "package.json (declared dependencies)"
PATTERNS = ("package.json",)
SUPERSEDED_BY: tuple[str, ...] = (
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lock",
)

_FIELDS: tuple[tuple[str, Scope], ...] = (
    ("dependencies", "required"),
    ("peerDependencies", "required"),
    ("optionalDependencies", "optional"),
    ("devDependencies", "dev"),
)
# An exact version pins the component; anything else (ranges, tags, "*") is a requirement.
_EXACT = re.compile(r"=?v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)")
# Keys of the dependency maps: one scan over the text, attributed to the map they sit in.
_KEY = re.compile(r'\n([ \t]*)"((?:[^"\\\n]|\\.)*)"\s*:')
# GitHub shorthand "owner/repo" (with an optional #ref) is a git dependency.
_SHORTHAND = re.compile(r"[\w.-]+/[\w.-]+(?:#.*)?")


def parse(text: str, path: str) -> ParseResult:
    """Parse the dependency maps of a package.json.

    Every entry is direct; ``version`` is set only for an exact pin. ``workspace:`` specs
    name the project's own packages and are skipped; ``file:``/``link:`` specs become
    components of kind "path", git and URL specs kinds "vcs"/"url". A peer dependency is
    required by the package that declares it, unless ``peerDependenciesMeta`` marks it
    optional. Without a lockfile a bare workspace reference (``"lib": "*"``) cannot be told
    from a registry package: it is reported as one.
    """
    doc = load_json(text)
    if not isinstance(doc, dict):
        raise ParseError("package.json is not an object", 1)
    lines = _lines(text)
    meta = doc.get("peerDependenciesMeta")
    meta = meta if isinstance(meta, dict) else {}
    comps: list[Component] = []
    issues: list[ParseIssue] = []
    for field, scope in _FIELDS:
        deps = doc.get(field)
        if deps is None:
            continue
        if not isinstance(deps, dict):
            issues.append(
                ParseIssue(path, lines.get((None, field)), f"{NAME}: '{field}' is not an object")
            )
            continue
        for name, spec in deps.items():
            if not isinstance(spec, str) or not valid_name(name):
                line = lines.get((field, name))
                issues.append(
                    ParseIssue(path, line, f"{NAME}: {field}.{name} is not a name and a string")
                )
                continue
            peer_optional = (
                field == "peerDependencies"
                and isinstance(meta.get(name), dict)
                and meta[name].get("optional")
            )
            # A map written on one line: its entries share the line of the map's key.
            line = lines.get((field, name)) or lines.get((None, field))
            comp = _component(
                name, spec.strip(), "optional" if peer_optional else scope, path, line
            )
            if comp is not None:
                comps.append(comp)
    return ParseResult(tuple(comps), (), tuple(issues))


def _component(name: str, spec: str, scope: Scope, path: str, line: int | None) -> Component | None:
    if spec.startswith("workspace:"):
        return None  # a package of this same workspace: the project itself
    kind: SourceKind = "registry"
    url = version = None
    if spec.startswith("npm:"):  # an alias: "my-ms": "npm:ms@^2" declares ms
        name, spec = split_ident(spec[4:])
    if ":" in spec:
        kind, url = classify(spec)
    elif spec.startswith(("./", "../", "/", "~/")):  # npm reads a bare path as a folder
        kind, url = "path", spec
    elif _SHORTHAND.fullmatch(spec):
        kind, url = "vcs", "github:" + spec
    else:
        exact = _EXACT.fullmatch(spec)
        version = exact.group(1) if exact else None
    return component(
        name,
        version,
        path,
        line,
        scope=scope,
        direct=True,
        kind=kind,
        source_url=url,
        requirement=spec or None,
    )


def _lines(text: str) -> dict[tuple[str | None, str], int]:
    """(map, key) → line for the keys of the top-level object and of its nested maps."""
    out: dict[tuple[str | None, str], int] = {}
    top: int | None = None
    section: str | None = None
    line, prev = 1, 0
    for m in _KEY.finditer(text):
        pos = m.start(2)
        line += text.count("\n", prev, pos)
        prev = pos
        width, key = len(m.group(1)), m.group(2)
        if top is None:
            top = width
        if width == top:
            section = key
            out.setdefault((None, key), line)
        elif section is not None:
            out.setdefault((section, key), line)
    return out
