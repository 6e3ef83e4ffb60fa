"""Pipfile.lock (pipenv, spec 6): default and develop packages, hashes, indexes, git/path/file entries."""

from __future__ import annotations

from typing import Any

from sbom.ecosystems.python._common import (
    as_dict,
    as_list,
    as_str,
    component,
    dedupe,
    digest,
    pep508_name,
)
from sbom.errors import ParseError
from sbom.loaders import load_json
from sbom.model import Component, Hash, ParseIssue, ParseResult, Scope

NAME = "pypi/pipfile-lock"
TITLE = "Pipfile.lock (pipenv)"
PATTERNS = ("Pipfile.lock",)
SUPERSEDED_BY: tuple[str, ...] = ()

# Other top-level keys are pipenv categories ([docs-packages] …): not installed by default,
# but possibly shipped, so optional rather than dev.
_SCOPES: dict[str, Scope] = {"default": "required", "develop": "dev"}
_VCS = ("git", "hg", "svn", "bzr")


def _key_lines(text: str) -> dict[tuple[str, str], int]:
    """(section, package) → line, from the ``"key": {`` lines of the JSON pipenv writes."""
    out: dict[tuple[str, str], int] = {}
    section, line, last = "", 1, 0
    pos = text.find('": {')
    while pos != -1:
        start = text.rfind("\n", 0, pos) + 1
        key = text[start:pos].lstrip(" \t")
        if key.startswith('"') and '"' not in key[1:]:
            line += text.count("\n", last, start)
            last = start
            if pos - start - len(key) <= 4:  # top-level keys: "_meta", "default", "develop", …
                section = key[1:]
            else:
                out.setdefault((section, key[1:]), line)
        pos = text.find('": {', pos + 4)
    return out


def _fields(entry: dict[str, Any], sources: dict[str, str]) -> dict[str, Any]:
    """source_kind/source_url/resolved/registries of one entry."""
    for vcs in _VCS:
        url = as_str(entry.get(vcs))
        if url:
            ref = as_str(entry.get("ref"))
            return {
                "source_kind": "vcs",
                "source_url": f"{vcs}+{url}@{ref}" if ref else f"{vcs}+{url}",
            }
    local = as_str(entry.get("path"))
    if local:
        return {"source_kind": "path", "source_url": local}
    url = as_str(entry.get("file"))
    if url:
        if url.startswith("file:") or "://" not in url:
            return {"source_kind": "path", "source_url": url}
        return {"source_kind": "url", "source_url": url, "resolved": (url,)}
    index = as_str(entry.get("index"))
    # Without a named index pipenv searches every source of the lockfile.
    urls = (sources[index],) if index in sources else tuple(dict.fromkeys(sources.values()))
    return {"registries": urls}


def parse(text: str, path: str) -> ParseResult:
    """Parse a Pipfile.lock."""
    doc = load_json(text)
    if not isinstance(doc, dict):
        raise ParseError("Pipfile.lock is not a JSON object")
    meta = as_dict(doc.get("_meta"))
    sources = {
        as_str(s.get("name")) or str(n): url
        for n, s in enumerate(as_list(meta.get("sources")))
        if isinstance(s, dict) and (url := as_str(s.get("url")))
    }
    lines = _key_lines(text)
    comps: list[Component] = []
    issues: list[ParseIssue] = []
    for section, packages in doc.items():
        if section == "_meta" or not isinstance(packages, dict):
            continue
        scope = _SCOPES.get(section, "optional")
        for name, entry in packages.items():
            line = lines.get((section, name))
            if not isinstance(entry, dict) or not pep508_name(name):
                issues.append(ParseIssue(path, line, f"{NAME}: entry {name!r} is not a package"))
                continue
            raw = as_str(entry.get("version"))
            version = raw.lstrip("=").strip() if raw and raw.startswith("==") else None
            digests = (digest(h) for h in as_list(entry.get("hashes")) if isinstance(h, str))
            comps.append(
                component(
                    name,
                    version,
                    path,
                    line,
                    scope=scope,
                    requirement=raw if raw and version is None and raw != "*" else None,
                    hashes=tuple(h for h in digests if isinstance(h, Hash)),
                    **_fields(entry, sources),
                )
            )
    return ParseResult(dedupe(comps), (), tuple(issues))
