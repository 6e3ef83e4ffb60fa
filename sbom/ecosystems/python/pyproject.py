"""pyproject.toml declared dependencies: PEP 621, PEP 735 groups, Poetry, PDM and uv tables, where no lock exists."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sbom import purl
from sbom.ecosystems.python._common import (
    as_dict,
    as_list,
    as_str,
    component,
    dedupe,
    from_filename,
    parse_requirement,
    pep508_name,
    sort_edges,
    url_source,
)
from sbom.lines import LineIndex
from sbom.loaders import load_toml
from sbom.model import Component, ParseIssue, ParseResult, Relationship, Scope

NAME = "pypi/pyproject"
TITLE = "pyproject.toml (PEP 621/735, Poetry, PDM, uv)"
PATTERNS = ("pyproject.toml",)
SUPERSEDED_BY = (
    "poetry.lock",
    "uv.lock",
    "pdm.lock",
    "Pipfile.lock",
    "pylock.toml",
    "pylock.*.toml",
)

# A bare Poetry version ("1.2.3", "==1.2.3") is an exact pin; "^1.2", "~1", ">=1" are ranges.
_POETRY_PIN = re.compile(r"(?:==)?\s*(\d+(?:\.\d+)*(?:[a-zA-Z0-9.+!-]*))")
_RAW_NAME = re.compile(r"\s*[A-Za-z0-9][A-Za-z0-9._-]*")
_HEADER = re.compile(r"^\[([^\[\]]+)\]\s*$", re.MULTILINE)

# (table path, scope) of every list of PEP 508 strings, keyed by group where the table has groups.
_LISTS: tuple[tuple[tuple[str, ...], Scope, bool], ...] = (
    (("project", "dependencies"), "required", False),
    (("project", "optional-dependencies"), "optional", True),
    (("dependency-groups",), "dev", True),
    (("tool", "pdm", "dev-dependencies"), "dev", True),
    (("tool", "uv", "dev-dependencies"), "dev", False),
)


def _get(doc: dict[str, Any], keys: tuple[str, ...]) -> Any:
    node: Any = doc
    for key in keys:
        node = as_dict(node).get(key)
    return node


class _Lines:
    """Finds where a declaration is written: after its table header, by quoted string or key."""

    def __init__(self, text: str) -> None:
        self.index = LineIndex(text)
        self.text = text
        self.headers = {m.group(1).strip(): m.start() for m in _HEADER.finditer(text)}

    def find(self, table: tuple[str, ...], needles: tuple[str, ...]) -> int | None:
        start = 0
        for n in range(len(table), 0, -1):  # the deepest table written as a header
            if (head := self.headers.get(".".join(table[:n]))) is not None:
                start = head
                break
        for needle in needles:
            if needle and (pos := self.text.find(needle, start)) != -1:
                return self.index.line_of(pos + needle.startswith("\n"))
        return self.index.line_of(start) if start else None


def _pep508(doc: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], Scope, str]]:
    for keys, scope, grouped in _LISTS:
        node = _get(doc, keys)
        lists = as_dict(node).items() if grouped else [("", node)]
        for group, items in lists:
            table = (*keys, group) if grouped else keys
            for item in as_list(items):
                if isinstance(item, str):  # {include-group = …} tables name other groups
                    yield table, scope, item


def _poetry(doc: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], Scope, str, Any]]:
    poetry = as_dict(_get(doc, ("tool", "poetry")))
    tables: list[tuple[tuple[str, ...], Scope, Any]] = [
        (("tool", "poetry", "dependencies"), "required", poetry.get("dependencies")),
        (("tool", "poetry", "dev-dependencies"), "dev", poetry.get("dev-dependencies")),
    ]
    for group, body in as_dict(poetry.get("group")).items():
        scope: Scope = "required" if group == "main" else "dev"
        tables.append(
            (
                ("tool", "poetry", "group", group, "dependencies"),
                scope,
                as_dict(body).get("dependencies"),
            )
        )
    for table, scope, deps in tables:
        for name, spec in as_dict(deps).items():
            if name.lower() != "python":
                for one in spec if isinstance(spec, list) else [spec]:
                    yield table, scope, name, one


def _indexes(doc: dict[str, Any]) -> tuple[dict[str, str], tuple[str, ...]]:
    """Named index URLs, and those a dependency without an explicit index may come from."""
    named: dict[str, str] = {}
    implicit: list[str] = []
    for keys in (("tool", "uv", "index"), ("tool", "poetry", "source"), ("tool", "pdm", "source")):
        for entry in as_list(_get(doc, keys)):
            url = as_str(as_dict(entry).get("url"))
            if url:
                named[as_str(entry.get("name")) or url] = url
                if entry.get("explicit") is not True and entry.get("priority") != "explicit":
                    implicit.append(url)
    return named, tuple(dict.fromkeys(implicit))


def _sourced(
    src: dict[str, Any], named: dict[str, str], implicit: tuple[str, ...]
) -> dict[str, Any]:
    """Fields from a uv source or a Poetry dependency table (git, path, url, workspace, index)."""
    if isinstance(git := src.get("git"), str):
        rev = next((r for k in ("rev", "tag", "branch") if isinstance(r := src.get(k), str)), None)
        return {"source_kind": "vcs", "source_url": f"git+{git}@{rev}" if rev else f"git+{git}"}
    if isinstance(local := src.get("path"), str):
        return {"source_kind": "path", "source_url": local}
    if isinstance(url := src.get("url"), str):
        return {"source_kind": "url", "source_url": url, "resolved": (url,)}
    if src.get("workspace") is True:
        return {"source_kind": "workspace"}
    index = as_str(src.get("index")) or as_str(src.get("source"))
    return {"registries": (named[index],) if index in named else implicit}


def parse(text: str, path: str) -> ParseResult:
    """Parse the dependency declarations of a pyproject.toml."""
    doc = load_toml(text)
    lines = _Lines(text)
    named, implicit = _indexes(doc)
    uv_sources = {
        purl.pypi_name(k): v for k, v in as_dict(_get(doc, ("tool", "uv", "sources"))).items()
    }
    project = as_str(_get(doc, ("project", "name"))) or as_str(
        _get(doc, ("tool", "poetry", "name"))
    )
    me = purl.pypi_name(project or "")
    comps: list[Component] = []
    issues: list[ParseIssue] = []
    for table, scope, item in _pep508(doc):
        raw = _RAW_NAME.match(item)
        line = lines.find(table, (f'"{item}"', f"'{item}'", '"' + raw.group(0) if raw else ""))
        try:
            name, version, spec, url = parse_requirement(item)
        except ValueError as exc:
            issues.append(
                ParseIssue(path, line, f"{NAME}: cannot read requirement {item[:80]!r}: {exc}")
            )
            continue
        if purl.pypi_name(name) == me:  # "project[extra]" inside its own extras
            continue
        if url:
            kind, source, resolved = url_source(url)
            fields: dict[str, Any] = {
                "source_kind": kind,
                "source_url": source,
                "resolved": resolved,
            }
            version = version or from_filename(url)[1]
        else:
            src = uv_sources.get(purl.pypi_name(name))
            src = next(iter(as_list(src)), None) if isinstance(src, list) else src
            fields = _sourced(as_dict(src), named, implicit)
        comps.append(
            component(
                name, version, path, line, scope=scope, direct=True, requirement=spec, **fields
            )
        )
    for table, scope, name, spec in _poetry(doc):
        line = lines.find(table, (f"\n{name} ", f"\n{name}=", f'\n"{name}"'))
        if not pep508_name(name):
            issues.append(ParseIssue(path, line, f"{NAME}: {name[:80]!r} is not a package name"))
            continue
        entry = as_dict(spec)
        constraint = spec if isinstance(spec, str) else as_str(entry.get("version"))
        pin = _POETRY_PIN.fullmatch(constraint.strip()) if constraint else None
        if entry.get("optional") is True and scope == "required":
            scope = "optional"
        fields = _sourced(entry, named, implicit)
        version = pin.group(1) if pin else None
        if fields.get("source_kind") == "url":
            version = from_filename(fields["source_url"])[1]
        requirement = constraint if not pin and constraint not in (None, "", "*") else None
        comps.append(
            component(
                name,
                version,
                path,
                line,
                scope=scope,
                direct=True,
                requirement=requirement,
                **fields,
            )
        )
    comps = list(dedupe(comps))
    edges = sort_edges({Relationship("", c.purl) for c in comps})
    return ParseResult(tuple(comps), edges, tuple(issues))
