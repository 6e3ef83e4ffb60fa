"""Projects of a monorepo: which lockfiles and manifests belong together, per-project inventories, shards."""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase

from sbom.build import default_parsers, inventory_from_files, plan
from sbom.discover import discover
from sbom.merge import merge
from sbom.model import (
    Component,
    Inventory,
    Location,
    ParseIssue,
    ParseResult,
    Relationship,
    SourceFile,
)
from sbom.parser import Matcher, Parser
from scanner.monorepo.workspaces import MAX_DECLARATION, WORKSPACE_FILES, matches, members, under


@dataclass(frozen=True)
class Tree:
    """A tree read once: the whole inventory, what each input file yields, and its project."""

    inventory: Inventory
    parts: dict[str, Inventory]
    projects: dict[str, str]
    """Input file path → project folder ('' is the root)."""


def folder_of(path: str, parsers: Iterable[Parser] = ()) -> str:
    """The folder a file speaks for: its own, or the one above an anchored layout.

    ``.github/...`` belongs to the folder holding ``.github``; patterns with a slash
    (``vendor/modules.txt``, ``requirements/*.txt``, ``gradle/dependency-locks/*``)
    belong to the folder the pattern starts in.
    """
    parts = path.split("/")
    if ".github" in parts[:-1]:
        return "/".join(parts[: parts.index(".github")])
    for parser in parsers:
        for pat in parser.PATTERNS:
            depth = pat.count("/") + 1
            if depth > 1 and len(parts) >= depth and fnmatchcase("/".join(parts[-depth:]), pat):
                return "/".join(parts[:-depth])
    return "/".join(parts[:-1])


def group(
    paths: Iterable[str],
    declarations: Mapping[str, bytes] | None = None,
    parsers: Iterable[Parser] | None = None,
) -> dict[str, str]:
    """Input file → project folder: its own folder, or the workspace root that lists it."""
    anchored = [p for p in parsers or default_parsers() if any("/" in x for x in p.PATTERNS)]
    own = {p: folder_of(p, anchored) for p in paths}
    candidates = set(own.values())
    rules = []
    for decl, data in sorted((declarations or {}).items(), key=lambda kv: (kv[0].count("/"), kv)):
        root = posixpath.dirname(decl)
        pats = members(decl, data)
        if pats:
            candidates.add(root)
            rules.append((root, pats))
    owner: dict[str, str] = {}
    # Outer workspaces first, so a folder listed by two is claimed by the outermost.
    for root, pats in rules:
        keep = [under(root, p) for p in pats if not p.startswith("!")]
        drop = [under(root, p) for p in pats if p.startswith("!")]
        for folder in sorted(candidates - owner.keys() - {root}):
            if any(matches(k, folder) for k in keep) and not any(matches(d, folder) for d in drop):
                owner[folder] = root

    def top(folder: str) -> str:
        seen = {folder}
        while folder in owner and owner[folder] not in seen:
            folder = owner[folder]
            seen.add(folder)
        return folder

    return {path: top(folder) for path, folder in own.items()}


def build(
    root: str,
    parsers: tuple[Parser, ...] | None = None,
    tick: Callable[[int, int], None] | None = None,
) -> Tree:
    """Read a tree once: the same inventory as ``inventory_from_tree``, kept per input file."""
    parsers = parsers if parsers is not None else default_parsers()
    matcher = Matcher(parsers)
    found, refused = discover(
        root, wanted=lambda p: bool(matcher.match(p)) or p.rsplit("/", 1)[-1] in WORKSPACE_FILES
    )
    inputs = [f.relpath for f in found if matcher.match(f.relpath)]
    todo = sorted({rel for rel, _ in plan(inputs, parsers)})
    parts: dict[str, Inventory] = {}
    for n, rel in enumerate(todo, 1):
        # One file at a time: it survived planning over the whole tree, so alone it parses
        # exactly as it would among all the others.
        parts[rel] = inventory_from_files(root, [rel], parsers)
        if tick:
            tick(n, len(todo))
    issues = [
        ParseIssue(
            rel, None, "symbolic link points outside the scanned root; not followed", "warning"
        )
        for rel in refused
        if matcher.match(rel)
    ]
    inventory = _combine(os.path.abspath(root), [parts[r] for r in todo], issues)
    declarations = {}
    for f in found:
        if f.relpath.rsplit("/", 1)[-1] in WORKSPACE_FILES:
            try:
                with open(f.abspath, "rb") as fh:
                    declarations[f.relpath] = fh.read(MAX_DECLARATION)
            except OSError:
                continue
    return Tree(inventory, parts, group(todo, declarations, parsers))


def select(tree: Tree, names: Iterable[str]) -> Inventory:
    """The inventory of some projects only (one shard), merged from their own files."""
    wanted = set(names)
    files = [p for p in sorted(tree.parts) if tree.projects[p] in wanted]
    anchored = default_parsers()
    extra = [
        i
        for i in tree.inventory.issues
        if i.path not in tree.parts and folder_of(i.path, anchored) in wanted
    ]
    return _combine(tree.inventory.root, [tree.parts[p] for p in files], extra)


def _combine(root: str, parts: list[Inventory], issues: Iterable[ParseIssue] = ()) -> Inventory:
    results = [ParseResult(p.components, p.relationships, p.issues) for p in parts]
    return merge(root, results, [f for p in parts for f in p.files], issues)


def split(
    inventory: Inventory,
    projects: Mapping[str, str],
    parts: Mapping[str, Inventory] | None = None,
) -> dict[str, Inventory]:
    """Per-project inventories; a component found in several projects appears in each.

    With ``parts`` (from ``build``) each project is merged from its own files, so
    ``direct`` flags and the dependency graph are the project's own. Without, components
    are split by location and edges are kept where both ends are in the project.
    """

    anchored = default_parsers()
    cache = dict(projects)

    def project(path: str) -> str:
        if path not in cache:
            cache[path] = folder_of(path, anchored)
        return cache[path]

    files: dict[str, list[SourceFile]] = defaultdict(list)
    for f in inventory.files:
        files[project(f.path)].append(f)
    issues: dict[str, list[ParseIssue]] = defaultdict(list)
    for issue in inventory.issues:
        issues[project(issue.path)].append(issue)
    if parts is not None:
        return {
            name: _combine(
                _root(inventory, name),
                [
                    replace(parts[p], issues=())
                    for p in sorted({f.path for f in files[name]} & parts.keys())
                ],
                issues[name],
            )
            for name in sorted(files.keys() | issues.keys())
        }
    comps: dict[str, list[Component]] = defaultdict(list)
    where: dict[str, set[str]] = {}
    for c in inventory.components:
        by: dict[str, list[Location]] = defaultdict(list)
        for loc in c.locations:
            by[project(loc.path)].append(loc)
        where[c.purl] = set(by)
        for name, locs in by.items():
            comps[name].append(replace(c, locations=tuple(locs)))
    rels: dict[str, list[Relationship]] = defaultdict(list)
    for r in inventory.relationships:
        targets = where.get(r.target, set())
        for name in targets & where.get(r.source, set()) if r.source else targets:
            rels[name].append(r)
    return {
        name: Inventory(
            _root(inventory, name),
            tuple(comps[name]),
            tuple(rels[name]),
            tuple(files[name]),
            tuple(issues[name]),
        )
        for name in sorted(files.keys() | issues.keys() | comps.keys())
    }


def _root(inventory: Inventory, name: str) -> str:
    return os.path.join(inventory.root, *name.split("/")) if name else inventory.root


def parse_shard(text: str) -> tuple[int, int]:
    """``i/n`` (1-based) → (i, n); ValueError explains what is wrong."""
    index, sep, count = text.partition("/")
    if not sep or not index.strip().isdigit() or not count.strip().isdigit():
        raise ValueError(f"shard must look like 2/5, got {text!r}")
    i, n = int(index), int(count)
    if not 1 <= i <= n:
        raise ValueError(f"shard {i}/{n}: the index must be between 1 and {max(n, 1)}")
    return i, n


def shard(projects: Iterable[str], index: int, count: int) -> list[str]:
    """Sorted round-robin: project k (0-based, in path order) goes to shard k mod n + 1."""
    return sorted(set(projects))[index - 1 :: count]


def file_names(projects: Iterable[str]) -> dict[str, str]:
    """Project folder → SBOM file stem: the path with '/' as '__'; a hash where two would collide.

    Computed over every project (not one shard), so a project's file name never depends on
    how the work was split; collisions are checked without case (case-insensitive disks).
    """
    out: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(set(projects)):
        stem = re.sub(r"[^A-Za-z0-9._-]", "-", name.replace("/", "__")).lstrip(".") or "_"
        stem = stem if name else "_root"
        digest = hashlib.sha256(name.encode()).hexdigest()[:8]
        if len(stem) > 150 or stem.lower() in taken:
            stem = f"{stem[:150]}-{digest}"
        taken.add(stem.lower())
        out[name] = stem
    return out
