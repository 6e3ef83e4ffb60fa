"""Inventory of a tree: discover files, pick parsers, read, parse and merge."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from fnmatch import fnmatchcase

from sbom import limits
from sbom.discover import discover
from sbom.merge import merge
from sbom.model import Inventory, ParseIssue, ParseResult, SourceFile
from sbom.pairing import Parsed, pair
from sbom.parser import Matcher, Parser
from sbom.read import MAX_FILE_BYTES, read_and_parse

# Lockfiles and manifests are read before anything is built or installed (CycloneDX
# metadata.lifecycles); an ingested SBOM keeps the phase its own document states.
LIFECYCLE_KEY = "sbom.lifecycles"


def default_parsers() -> tuple[Parser, ...]:
    """Every format, each parser module imported only when a file needs it."""
    from sbom.formats import LAZY_PARSERS

    return LAZY_PARSERS


def _superseded(relpath: str, parser: Parser, folders: dict[str, set[str]]) -> bool:
    """A manifest is redundant when one of its lockfiles sits in its folder or a parent.

    A name written ``./name`` counts only in the manifest's own folder (per-project locks
    such as NuGet's); a plain name also counts in parents (workspace locks such as npm's).
    Names may be globs (``pylock.*.toml``).
    """
    names = getattr(parser, "SUPERSEDED_BY", ())
    if not names:
        return False
    folder = relpath.rsplit("/", 1)[0] if "/" in relpath else ""
    own_only = [n[2:] for n in names if n.startswith("./")]
    anywhere = [n for n in names if not n.startswith("./")]
    if _any_present(folders.get(folder, set()), own_only + anywhere):
        return True
    while folder and anywhere:
        folder = folder.rsplit("/", 1)[0] if "/" in folder else ""
        if _any_present(folders.get(folder, set()), anywhere):
            return True
    return False


def _any_present(files: set[str], names: list[str]) -> bool:
    return any(any(fnmatchcase(f, n) for f in files) if "*" in n else n in files for n in names)


def plan(relpaths: Iterable[str], parsers: tuple[Parser, ...]) -> list[tuple[str, Parser]]:
    """(path, parser) pairs to run, manifests dropped where a lockfile covers them."""
    matcher = Matcher(parsers)
    paths = sorted(set(relpaths))
    folders: dict[str, set[str]] = {}
    for rel in paths:
        folder, _, name = rel.rpartition("/")
        folders.setdefault(folder, set()).add(name)
    return [
        (rel, parser)
        for rel in paths
        for parser in matcher.match(rel)
        if not _superseded(rel, parser, folders)
    ]


def inventory_from_files(
    root: str,
    relpaths: Iterable[str],
    parsers: tuple[Parser, ...] | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    extra_issues: Iterable[ParseIssue] = (),
) -> Inventory:
    """Parse the given files (relative to root) and merge them."""
    parsers = parsers if parsers is not None else default_parsers()
    parsed: list[Parsed] = []
    # Once the inventory is over its limit, reading more files would only hold more memory.
    limit, purls, unread = limits.total(), set[str](), []
    for rel, parser in plan(relpaths, parsers):
        if len(purls) > limit:
            unread.append(rel)
            continue
        abspath = os.path.join(root, *rel.split("/"))
        source, result = read_and_parse(abspath, rel, parser, max_bytes)
        purls.update(c.purl for c in result.components)
        parsed.append(Parsed(rel, result, source))
    if unread:
        rest = f"this and {len(unread) - 1} more files not read"
        extra_issues = [*extra_issues, ParseIssue(unread[0], None, limits.over_total(limit, rest))]
    parsed = pair(parsed, _loader(root, parsers, max_bytes))
    files: dict[str, list[SourceFile]] = {}
    for p in parsed:
        if p.source is not None:
            files.setdefault(p.relpath, []).append(p.source)
    return merge(
        os.path.abspath(root),
        [p.result for p in parsed],
        one_record_per_use(files),
        extra_issues,
        metadata={LIFECYCLE_KEY: "pre-build"},
    )


def _loader(
    root: str, parsers: tuple[Parser, ...], max_bytes: int
) -> Callable[[str], ParseResult | None]:
    """Parse a sibling file that was not asked for, only to qualify one that was."""
    matcher = Matcher(parsers)

    def load(rel: str) -> ParseResult | None:
        abspath = os.path.join(root, *rel.split("/"))
        found = matcher.match(rel)
        if not found or not os.path.isfile(abspath):
            return None
        return read_and_parse(abspath, rel, found[0], max_bytes)[1]

    return load


def one_record_per_use(files: dict[str, list[SourceFile]]) -> list[SourceFile]:
    """Drop empty records where another parser of the same file found something.

    Two formats can share a file name (yarn.lock classic vs berry): the one that does
    not recognize the content returns nothing, and recording it would only confuse.
    """
    out: list[SourceFile] = []
    for records in files.values():
        useful = [r for r in records if r.components] or records[:1]
        out.extend(useful)
    return out


def inventory_from_tree(
    root: str,
    parsers: tuple[Parser, ...] | None = None,
    include_vendored: bool = False,
    use_git: bool = True,
    max_bytes: int = MAX_FILE_BYTES,
) -> Inventory:
    """Discover and parse every lockfile and manifest under ``root``."""
    parsers = parsers if parsers is not None else default_parsers()
    matcher = Matcher(parsers)
    found, refused = discover(
        root,
        wanted=lambda p: bool(matcher.match(p)),
        include_vendored=include_vendored,
        use_git=use_git,
    )
    issues = [
        ParseIssue(
            rel, None, "symbolic link points outside the scanned root; not followed", "warning"
        )
        for rel in refused
    ]
    return inventory_from_files(root, [f.relpath for f in found], parsers, max_bytes, issues)
