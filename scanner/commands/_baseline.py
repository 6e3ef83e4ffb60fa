"""What a commit changes in the given lockfiles: their baseline versions from git objects, and which components are new."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from sbom.build import inventory_from_files, plan
from sbom.discover import inside, skipped
from sbom.merge import merge
from sbom.model import Component, Inventory, ParseResult, Relationship
from sbom.parser import Matcher, Parser
from sbom.read import parse_bytes


@dataclass(frozen=True)
class Selection:
    """The given paths sorted out: files to read, and why the others are left alone."""

    files: tuple[str, ...]
    ignored: tuple[tuple[str, str], ...] = ()
    """(path, reason) for paths that are not read."""


@dataclass(frozen=True)
class Scope:
    """What to scan: components new since the baseline, plus their earlier versions for comparison."""

    inventory: Inventory
    """Targets and prior versions, with the current files' dependency edges."""
    targets: frozenset[str]
    """Purls whose findings are reported."""
    prior: frozenset[str] = frozenset()
    """Purls of earlier versions (at the baseline) of changed packages: their findings are known."""
    compared: tuple[str, ...] = ()
    """Files compared with their baseline version (only what changed is checked)."""
    full: tuple[str, ...] = ()
    """Files checked in full: new since the baseline, unchanged, or without a baseline."""
    current: Inventory = field(default_factory=lambda: Inventory(root="."))


def base_name(purl: str) -> str:
    """The purl without its version (the same package at any version)."""
    return purl.split("@", 1)[0] if "@" in purl[4:] else purl


def select(root: str, paths: Iterable[str], parsers: tuple[Parser, ...]) -> Selection:
    """Keep paths a parser reads, inside root, outside vendored folders, not covered by a lockfile."""
    root = os.path.abspath(root)
    root_real = os.path.realpath(root)
    matcher = Matcher(parsers)
    kept: list[str] = []
    ignored: list[tuple[str, str]] = []
    for given in dict.fromkeys(paths):
        rel = os.path.relpath(os.path.abspath(given), root).replace(os.sep, "/")
        if rel.startswith("../") or rel == "..":
            ignored.append((given, "outside the repository"))
        elif not matcher.match(rel):
            ignored.append((given, "not a lockfile or manifest icts-scan reads"))
        elif skipped(rel, include_vendored=False):
            ignored.append((given, "in a vendored or generated folder"))
        elif not inside(root_real, os.path.join(root, rel)):
            ignored.append((given, "symbolic link out of the repository; not followed"))
        elif not os.path.isfile(os.path.join(root, rel)):
            ignored.append((given, "not a file (deleted?)"))
        else:
            kept.append(rel)
    # A manifest whose lockfile sits beside or above it adds nothing the lockfile does not
    # say (the full scan drops it too): look for those lockfiles on disk, not only among the
    # given paths, since a commit often touches the manifest alone.
    present = set(kept) | _lockfiles_near(root, kept, matcher)
    planned = {rel for rel, _ in plan(present, parsers)}
    files = []
    for rel in kept:
        if rel in planned:
            files.append(rel)
        else:
            ignored.append((rel, "manifest covered by its lockfile"))
    return Selection(tuple(sorted(files)), tuple(ignored))


def _lockfiles_near(root: str, rels: Sequence[str], matcher: Matcher) -> set[str]:
    found: set[str] = set()
    for rel in rels:
        names = {n.removeprefix("./") for p in matcher.match(rel) for n in p.SUPERSEDED_BY}
        if not names:
            continue
        folder = rel.rpartition("/")[0]
        while True:
            abs_folder = os.path.join(root, *folder.split("/")) if folder else root
            try:
                entries = os.listdir(abs_folder)
            except OSError:
                entries = []
            prefix = folder + "/" if folder else ""
            found.update(prefix + e for e in entries if any(fnmatchcase(e, n) for n in names))
            if not folder:
                break
            folder = folder.rpartition("/")[0]
    return found


def read_blobs(
    root: str, rels: Sequence[str], rev: str, strict: bool = False
) -> dict[str, bytes | None] | None:
    """Each file's content at ``rev`` from git objects (None: not there then).

    None when there is no baseline at all: outside git, or ``rev`` does not exist (a first
    commit); with ``strict`` (a revision the user named) that raises RevisionError instead.
    A damaged object store always raises: a file must not pass for new because its old
    version could not be read. Git runs hardened (scanner.diff.gitrev): nothing is checked
    out, and no hook, fsmonitor or lazy fetch can run.
    """
    from scanner.diff.gitrev import RevisionError, files_at, open_repository, resolve

    try:
        repo = open_repository(root)
        commit = resolve(repo, rev)
    except RevisionError:
        if strict:
            raise
        return None
    return files_at(repo, commit, rels)


def _inventory_of(root: str, blobs: dict[str, bytes], parsers: tuple[Parser, ...]) -> Inventory:
    matcher = Matcher(parsers)
    results: list[ParseResult] = [
        parse_bytes(data, rel, parser)
        for rel, data in blobs.items()
        for parser in matcher.match(rel)
    ]
    return merge(root, results)


def scope(
    root: str,
    files: Sequence[str],
    parsers: tuple[Parser, ...],
    rev: str | None,
    strict: bool = False,
) -> Scope:
    """Components to check in ``files``: all of them without ``rev``, else what changed since it."""
    current = inventory_from_files(root, files, parsers)
    blobs = read_blobs(os.path.abspath(root), files, rev, strict) if rev else None
    digests = {f.path: f.sha256 for f in current.files}
    compared: dict[str, bytes] = {}
    full: list[str] = []
    for rel in files:
        data = (blobs or {}).get(rel)
        # Unchanged since the baseline (a run over all files, or on CI): the whole file is
        # what was asked about, so all of it is checked.
        if data is None or hashlib.sha256(data).hexdigest() == digests.get(rel):
            full.append(rel)
        else:
            compared[rel] = data
    before = _inventory_of(root, compared, parsers)
    before_purls = {c.purl for c in before.components}
    full_set = set(full)
    targets: set[str] = set()
    for comp in current.components:
        paths = {loc.path for loc in comp.locations}
        if paths & full_set or comp.purl not in before_purls:
            targets.add(comp.purl)
    bases = {base_name(p) for p in targets}
    prior = {
        c.purl for c in before.components if c.purl not in targets and base_name(c.purl) in bases
    }
    return Scope(
        inventory=_scan_inventory(current, before, targets, prior),
        targets=frozenset(targets),
        prior=frozenset(prior),
        compared=tuple(sorted(compared)),
        full=tuple(full),
        current=current,
    )


def _scan_inventory(
    current: Inventory, before: Inventory, targets: set[str], prior: set[str]
) -> Inventory:
    comps: list[Component] = [c for c in current.components if c.purl in targets]
    comps += [c for c in before.components if c.purl in prior]
    # Unchanged components are left out, so their being direct dependencies is kept as
    # edges from the project root: dependency paths of new transitive ones still start there.
    roots = [Relationship("", c.purl) for c in current.components if c.direct]
    rels = tuple(sorted({*current.relationships, *roots}, key=lambda r: (r.source, r.target)))
    return Inventory(
        root=current.root,
        components=tuple(sorted(comps, key=lambda c: c.purl)),
        relationships=rels,
        files=current.files,
        issues=current.issues,
    )
