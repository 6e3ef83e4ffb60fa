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
    by_name: dict[str, list[tuple[str, str]]] = {}
    entries: list[tuple[str, dict[str, Any]]] = []
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
        by_name.setdefault(name, []).append((version, ref))
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


def _resolve(dep: str, by_name: dict[str, list[tuple[str, str]]]) -> str | None:
    """``name``, ``name version`` or ``name version (source)`` → the purl it names."""
    parts = dep.split(" ")
    candidates = by_name.get(parts[0], [])
    if len(parts) == 1:
        return candidates[0][1] if len(candidates) == 1 else None
    return next((ref for version, ref in candidates if version == parts[1]), None)


def _table_offsets(text: str) -> list[int]:
    out: list[int] = []
    pos = text.find("[[package]]")
    while pos != -1:
        out.append(pos)
        pos = text.find("[[package]]", pos + 1)
    return out
