"""Cargo.lock (format versions 1–4): packages, sources, checksums and the dependency graph."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sbom import hashes, purl
from sbom.errors import ParseError
from sbom.lines import LineIndex
from sbom.loaders import load_toml
from sbom.model import Component, Location, ParseResult, Relationship

NAME = "cargo/cargo-lock"
TITLE = "Cargo.lock v1–v4"
PATTERNS = ("Cargo.lock",)
SUPERSEDED_BY: tuple[str, ...] = ()


def _source(raw: str | None) -> tuple[str, str | None, tuple[str, ...]]:
    """(source_kind, source_url, registries) from a Cargo ``source`` string."""
    if not raw:
        return "workspace", None, ()
    kind, _, url = raw.partition("+")
    if kind in ("registry", "sparse"):
        return "registry", None, (url if kind == "registry" else raw,)
    if kind == "git":
        return "vcs", "git+" + url, ()
    if kind == "path":
        return "path", url, ()
    return "url", raw, ()


def parse(text: str, path: str) -> ParseResult:
    """Parse a Cargo.lock."""
    doc = load_toml(text)
    packages: list[dict[str, Any]] = doc.get("package", [])
    if not isinstance(packages, list):
        raise ParseError("'package' is not an array of tables")
    # v1 keeps checksums in a [metadata] table keyed "checksum NAME VERSION (SOURCE)".
    v1_sums: dict[str, str] = {}
    for key, value in (doc.get("metadata") or {}).items():
        if key.startswith("checksum ") and isinstance(value, str):
            v1_sums[key[len("checksum ") :]] = value

    index = LineIndex(text)
    starts = [index.line_of(i) for i in _table_offsets(text)]
    comps: list[Component] = []
    by_name: dict[str, list[tuple[str, str | None, str]]] = {}  # name → (version, source, purl)
    entries: list[tuple[str, dict[str, Any]]] = []
    taken = _plain_owners(packages)
    for n, pkg in enumerate(packages):
        name, version = pkg.get("name"), pkg.get("version")
        if not isinstance(name, str) or not isinstance(version, str):
            raise ParseError(
                f"package #{n + 1} has no name or version", starts[n] if n < len(starts) else None
            )
        src = pkg.get("source")
        kind, url, registries = _source(src if isinstance(src, str) else None)
        checksum = pkg.get("checksum") or v1_sums.get(f"{name} {version} ({src})")
        digest = hashes.from_hex("sha256", checksum) if isinstance(checksum, str) else None
        ref = purl.purl("cargo", name, version)
        if taken.get((name, version), src) != src:
            # One name and version from two sources (tikv: a workspace crate and the
            # crates.io crate of the same name): two components, the registry one keeps the
            # plain purl so that it is still looked up.
            ref = purl.qualified(ref, kind, url)
        comps.append(
            Component(
                purl=ref,
                ecosystem="cargo",
                name=name,
                version=version,
                hashes=(digest,) if digest else (),
                registries=registries,
                source_kind=kind,  # type: ignore[arg-type]
                source_url=url,
                locations=(Location(path, starts[n] if n < len(starts) else None),),
            )
        )
        by_name.setdefault(name, []).append((version, src if isinstance(src, str) else None, ref))
        entries.append((ref, pkg))

    edges: set[Relationship] = set()
    for ref, pkg in entries:
        for dep in pkg.get("dependencies") or ():
            target = _resolve(str(dep), by_name)
            if target:
                edges.add(Relationship(ref, target))
    # Workspace members (no source) are the project itself: what they depend on is direct.
    members = {ref for ref, pkg in entries if not pkg.get("source")}
    direct = {e.target for e in edges if e.source in members}
    comps = [replace(c, direct=True) if c.purl in direct else c for c in comps]
    return ParseResult(tuple(comps), tuple(edges))


def _plain_owners(packages: list[Any]) -> dict[tuple[Any, Any], Any]:
    """(name, version) → the source whose package keeps the plain purl: a registry's first."""
    owners: dict[tuple[Any, Any], Any] = {}
    for pkg in packages:
        if not isinstance(pkg, dict):
            continue
        key, src = (pkg.get("name"), pkg.get("version")), pkg.get("source")
        if not all(isinstance(k, (str, type(None))) for k in key):
            continue  # not a package entry; the parse loop reports it
        if key not in owners or (_is_registry(src) and not _is_registry(owners[key])):
            owners[key] = src
    return owners


def _is_registry(src: Any) -> bool:
    return isinstance(src, str) and src.startswith(("registry+", "sparse+"))


def _resolve(dep: str, by_name: dict[str, list[tuple[str, str | None, str]]]) -> str | None:
    """``name``, ``name version`` or ``name version (source)`` → the purl it names.

    Cargo adds the source only where one name and version has several; a path or
    workspace crate has none to add, so ``name version`` then names the sourceless one.
    """
    name, _, rest = dep.partition(" ")
    version, _, source = rest.partition(" ")
    candidates = by_name.get(name, [])
    if not version:
        return candidates[0][2] if len(candidates) == 1 else None
    same = [(src, ref) for v, src, ref in candidates if v == version]
    if source:
        return next((ref for src, ref in same if f"({src})" == source), None)
    if len(same) > 1:
        return next((ref for src, ref in same if src is None), same[0][1])
    return same[0][1] if same else None


def _table_offsets(text: str) -> list[int]:
    out: list[int] = []
    pos = text.find("[[package]]")
    while pos != -1:
        out.append(pos)
        pos = text.find("[[package]]", pos + 1)
    return out
