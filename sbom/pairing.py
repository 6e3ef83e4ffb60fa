"""Sibling files that qualify each other: go.sum lends hashes to the modules its go.mod requires."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from sbom.model import ParseResult, SourceFile

# (file that only adds to a sibling, the sibling whose list is authoritative when complete)
CHECKSUM_SIBLINGS = {"go.sum": "go.mod"}


@dataclass(slots=True)
class Parsed:
    """One file's parse: where it is, what it yielded, and its input record (None if unread)."""

    relpath: str
    result: ParseResult
    source: SourceFile | None


def sibling_of(relpath: str) -> str | None:
    """The path of the file a checksum file serves (``a/go.sum`` → ``a/go.mod``), else None."""
    folder, _, name = relpath.rpartition("/")
    sibling = CHECKSUM_SIBLINGS.get(name)
    if sibling is None:
        return None
    return f"{folder}/{sibling}" if folder else sibling


def pair(
    parsed: list[Parsed], load: Callable[[str], ParseResult | None] = lambda _: None
) -> list[Parsed]:
    """Keep a checksum file's components only where the sibling it serves requires them.

    A go.sum beside a go.mod of Go 1.17 or later keeps the modules go.mod names (their
    hashes and go.sum lines merge into them) and drops the rest: those are checksums of
    modules needed only by the tests of dependencies, not part of the build. Beside an
    older go.mod, or alone, go.sum stays the best account of the build and is kept whole.
    ``load`` parses a sibling that is not among ``parsed`` (one file of a monorepo at a time).
    """
    by_path = {p.relpath: p.result for p in parsed}
    out: list[Parsed] = []
    for p in parsed:
        rel = sibling_of(p.relpath)
        sibling = None if rel is None else (by_path[rel] if rel in by_path else load(rel))
        if sibling is None or not sibling.complete_set:
            out.append(p)
            continue
        wanted = {c.purl for c in sibling.components}
        kept = tuple(c for c in p.result.components if c.purl in wanted)
        source = p.source and replace(p.source, components=len({c.purl for c in kept}))
        out.append(Parsed(p.relpath, replace(p.result, components=kept), source))
    return out
