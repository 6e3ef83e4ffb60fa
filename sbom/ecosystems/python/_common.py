"""Shared helpers of the Python parsers: typed access, requirement strings, sources, graph walks."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from sbom import hashes, purl
from sbom.merge import merge_sightings
from sbom.model import SCOPE_RANK, Component, Hash, Location, Relationship, Scope, SourceKind

if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet

# packaging is imported inside the functions that need it: most lockfile lines take the
# fast paths below, and importing it costs ~15 ms of start-up on every scan.

# The name at the start of a PEP 508 string; enough to draw graph edges without a full parse.
_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
# "name==1.2.3" (extras and a marker allowed): most lines of a compiled file, parsed without packaging.
_PINNED = re.compile(
    r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([A-Za-z0-9][A-Za-z0-9._!+-]*)\s*(?:;.*)?"
)
_VALID_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")
_SHA256 = re.compile(r"sha256:[0-9a-fA-F]{64}")
VCS_PREFIXES = ("git+", "hg+", "svn+", "bzr+")
_ARCHIVES = (".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar")


def pep508_name(value: Any) -> str | None:
    """``value`` if it is a valid project name (anything else cannot make a purl), else None."""
    return value if isinstance(value, str) and _VALID_NAME.fullmatch(value) else None


def as_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def table_lines(text: str, header: str) -> list[int]:
    """1-based lines of each ``header`` (e.g. ``[[package]]``) that starts a line, in order."""
    out: list[int] = []
    line, last, pos = 1, 0, text.find(header)
    while pos != -1:
        if pos == 0 or text[pos - 1] == "\n":
            line += text.count("\n", last, pos)
            last = pos
            out.append(line)
        pos = text.find(header, pos + len(header))
    return out


def line_at(lines: list[int], n: int) -> int | None:
    return lines[n] if n < len(lines) else None


def digest(pair: str) -> Hash | None:
    """``sha256:<hex>`` → Hash; the common case skips the general (slower) validation."""
    if _SHA256.fullmatch(pair):
        return Hash("SHA-256", pair[7:].lower())
    return hashes.from_pair(pair)


def file_hashes(entries: Iterable[Any]) -> tuple[Hash, ...]:
    """Digests of ``{hash = "sha256:…"}`` or ``{hashes = {sha256 = "…"}}`` file records."""
    out: dict[Hash, None] = {}
    match = _SHA256.fullmatch  # digest() inlined: a uv.lock carries tens of thousands of these
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        pair = entry.get("hash")
        if isinstance(pair, str):
            h = Hash("SHA-256", pair[7:].lower()) if match(pair) else hashes.from_pair(pair)
            if h is not None:
                out[h] = None
        if table := entry.get("hashes"):
            for alg, value in as_dict(table).items():
                h = digest(f"{alg}:{value}") if isinstance(value, str) else None
                if h is not None:
                    out[h] = None
    return tuple(out)


def sort_edges(edges: Iterable[Relationship]) -> tuple[Relationship, ...]:
    """Sorted by (source, target) strings: a plain key sorts far faster than dataclass order."""
    return tuple(sorted(edges, key=lambda e: (e.source, e.target)))


def split_dep(spec: str) -> tuple[str | None, str]:
    """(PEP 503 name, specifier text) of a PEP 508 string, without a full parse."""
    m = _NAME.match(spec)
    if not m:
        return None, ""
    rest = spec[m.end() :].split(";", 1)[0].strip()
    if rest.startswith("["):
        rest = rest[rest.find("]") + 1 :]
    return purl.pypi_name(m.group(1)), rest.strip("() ")


def parse_requirement(text: str) -> tuple[str, str | None, str | None, str | None]:
    """(name, pinned version, specifier, url) of a PEP 508 string; ValueError if invalid."""
    m = _PINNED.fullmatch(text.strip())
    if m:
        return m.group(1), m.group(2), None, None
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        req = Requirement(text)
    except InvalidRequirement as exc:
        raise ValueError(str(exc).splitlines()[0]) from None
    version = pinned(req.specifier)
    return req.name, version, None if version else (str(req.specifier) or None), req.url


def pinned(spec: SpecifierSet) -> str | None:
    """The version of an exact ``==``/``===`` pin (no wildcard), else None."""
    specs = list(spec)
    if len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version:
        return specs[0].version
    return None


def from_filename(url: str) -> tuple[str | None, str | None]:
    """(name, version) from a wheel or sdist file name at the end of a URL or path."""
    from packaging.utils import (
        InvalidSdistFilename,
        InvalidWheelFilename,
        parse_sdist_filename,
        parse_wheel_filename,
    )
    from packaging.version import InvalidVersion

    base = url.split("#", 1)[0].split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    try:
        if base.endswith(".whl"):
            name, ver, _, _ = parse_wheel_filename(base)
            return str(name), str(ver)
        if base.endswith((".tar.gz", ".zip")):
            name, ver = parse_sdist_filename(base)
            return str(name), str(ver)
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        pass
    return None, None


def url_source(url: str) -> tuple[SourceKind, str, tuple[str, ...]]:
    """(source_kind, source_url, resolved) of a direct reference: VCS, archive URL or local path."""
    bare = url.split("#", 1)[0]
    if bare.startswith(VCS_PREFIXES):
        return "vcs", bare, ()
    if "://" in bare and not bare.startswith("file:"):
        return "url", bare, (bare,)
    return "path", bare, ()


def is_archive(path: str) -> bool:
    return path.split("#", 1)[0].lower().endswith(_ARCHIVES)


def component(
    name: str,
    version: str | None,
    path: str,
    line: int | None,
    **fields: Any,
) -> Component:
    """A PyPI component with its PEP 503 purl and its one location."""
    return Component(
        purl=purl.pypi(name, version or None),
        ecosystem="pypi",
        name=name,
        version=version or None,
        locations=(Location(path, line),),
        **fields,
    )


def dedupe(comps: Iterable[Component]) -> tuple[Component, ...]:
    """One component per purl (pdm lists a package again for each extra, pip files repeat)."""
    return tuple(merge_sightings(comps).values())


def version_matches(version: str | None, spec: str) -> bool:
    """True when ``version`` satisfies a specifier (an empty one matches anything)."""
    if not spec:
        return True
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion

    try:
        return version is not None and SpecifierSet(spec).contains(version, prereleases=True)
    except (InvalidVersion, InvalidSpecifier):
        return False


def reach(starts: Iterable[str], edges: Mapping[str, Iterable[str]]) -> Iterator[str]:
    """Every node reachable from ``starts`` (iterative; cycles are fine)."""
    seen: set[str] = set()
    stack = list(starts)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        yield node
        stack.extend(edges.get(node, ()))


def scopes_by_reach(
    roots: Mapping[Scope, Iterable[str]], edges: Mapping[str, Iterable[str]]
) -> dict[str, Scope]:
    """Scope of each node: the lowest-ranked root set (required < optional < dev) reaching it."""
    out: dict[str, Scope] = {}
    for scope in sorted(roots, key=SCOPE_RANK.__getitem__):
        for node in reach(roots[scope], edges):
            out.setdefault(node, scope)
    return out


def roots_by_indegree(
    purls: Iterable[str], edges: Iterable[Relationship]
) -> tuple[set[str], list[Relationship]]:
    """Packages no other package needs must be the project's own dependencies (a lock keeps nothing else)."""
    needed = {e.target for e in edges if e.source != e.target}
    roots = {p for p in purls if p not in needed}
    return roots, [Relationship("", p) for p in sorted(roots)]
