"""pnpm-lock.yaml v5, v6 and v9: packages, snapshots, importers (workspaces), scopes, the graph."""

from __future__ import annotations

import posixpath
import re
from typing import Any

from sbom import purl
from sbom.ecosystems.javascript import _yaml
from sbom.ecosystems.javascript._common import (
    as_str,
    build,
    classify,
    component,
    is_registry_tarball,
    key_lines,
    scopes,
    split_ident,
    valid_name,
)
from sbom.errors import ParseError
from sbom.model import ParseIssue, ParseResult, Scope, SourceKind

NAME = "npm/pnpm-lock"
TITLE = "pnpm-lock.yaml v5–v9"
PATTERNS = ("pnpm-lock.yaml",)
SUPERSEDED_BY: tuple[str, ...] = ()

_KEYS = re.compile(r"\n  ['\"]?([^\s'\"#][^\n]*?)['\"]?:(?= |\r?\n)")
# Package fields nothing here reads: the fast YAML path skips them (a third of the lines).
_UNUSED = frozenset(
    {
        "bin", "bundledDependencies", "cpu", "deprecated", "engines", "hasBin", "libc", "os",
        "peerDependencies", "peerDependenciesMeta", "requiresBuild", "specifiers",
        "transitivePeerDependencies",
    }
)  # fmt: skip
_IMPORTER_FIELDS = (("dependencies", 0), ("optionalDependencies", 1), ("devDependencies", 2))
_DEP_FIELDS = (("dependencies", 0), ("optionalDependencies", 1))


def parse(text: str, path: str) -> ParseResult:
    """Parse a pnpm lockfile.

    Importers (the root "." and workspace members) are the project itself: not components;
    what they declare is direct, with its scope. ``link:`` targets that are importers are
    skipped; other link and ``file:`` targets are components of kind "path". Peer-dependency
    suffixes (``(react@18.2.0)``, ``_react@18.2.0``) are dropped from identities.
    """
    body, offset = _main_document(text)
    doc = _yaml.load(body, skip=_UNUSED, skip_depth=3)
    if not isinstance(doc, dict):
        raise ParseError("not a pnpm lockfile mapping", 1)
    version = as_str(doc.get("lockfileVersion")) or ""
    head = version.split(".", 1)[0]
    major = int(head) if head.isdigit() else 5
    lines = {k: v + offset for k, v in key_lines(body, _KEYS).items()}
    lock = _Lock(path, doc, major, lines)
    del doc  # the lock drops each part of the document once read (a 30 MB lockfile's peak)
    return lock.result()


def _main_document(text: str) -> tuple[str, int]:
    """The lockfile document and its line offset (pnpm 10 may put an env document first)."""
    if not text.startswith("---"):
        return text, 0
    cut = text.rfind("\n---")
    cut = cut + 1 if cut > 0 else 0
    start = text.find("\n", cut) + 1
    return text[start:], text.count("\n", 0, start)


class _Lock:
    def __init__(self, path: str, doc: dict[str, Any], major: int, lines: dict[str, int]) -> None:
        self.path, self.major, self.lines = path, major, lines
        self.issues: list[ParseIssue] = []
        packages = doc.get("packages")
        self.packages: dict[str, Any] = packages if isinstance(packages, dict) else {}
        snapshots = doc.get("snapshots")
        # v9 splits metadata (packages) from the graph (snapshots, keyed with peer suffixes).
        self.graph: dict[str, Any] = snapshots if isinstance(snapshots, dict) else self.packages
        importers = doc.get("importers")
        self.importers: dict[str, Any] = importers if isinstance(importers, dict) else {".": doc}
        self.purls: dict[str, str] = {}  # package or snapshot key → purl
        # Component fields by purl; Components are built last, once scope and direct are known.
        self.found: dict[str, dict[str, Any]] = {}

    def result(self) -> ParseResult:
        for key, meta in self.packages.items():
            self._identify(str(key), meta)
        if self.graph is not self.packages:
            self.packages = {}  # v9: package metadata is read; the graph is in the snapshots
        for key in self.graph:
            base = str(key).split("(", 1)[0]
            if key not in self.purls and base in self.purls:
                self.purls[str(key)] = self.purls[base]
        edges: set[tuple[str, str]] = set()
        adjacency: dict[str, list[tuple[str, int]]] = {}
        for key, meta in self.graph.items():
            source = self.purls.get(str(key))
            if source is None or not isinstance(meta, dict):
                continue
            for target, rank in self._deps(meta, _DEP_FIELDS, "."):
                edges.add((source, target))
                adjacency.setdefault(source, []).append((target, rank))
        self.graph = self.packages = {}  # read: only the importers are still needed
        roots: dict[str, int] = {}
        for folder, meta in self.importers.items():
            for target, rank in self._deps(
                meta if isinstance(meta, dict) else {}, _IMPORTER_FIELDS, str(folder)
            ):
                edges.add(("", target))
                roots[target] = min(rank, roots.get(target, rank))
        # v5/v6 record dev/optional per package; v9 leaves it to the graph from the importers.
        reach = scopes(roots, adjacency) if self.major >= 9 else {}
        comps = []
        for ref, fields in self.found.items():
            scope = reach.get(ref, fields.pop("scope"))
            comps.append(component(**fields, scope=scope, direct=ref in roots))
        return build(comps, edges, self.issues)

    def _identify(self, key: str, meta: Any) -> None:
        line = self.lines.get(key)
        if not isinstance(meta, dict):
            self.issues.append(
                ParseIssue(self.path, line, f"{NAME}: package {key!r} is not a mapping")
            )
            return
        name, ref = self._parse_key(key)
        name = as_str(meta.get("name")) or name
        version = as_str(meta.get("version"))
        kind: SourceKind = "registry"
        url = None
        if ref and (":" in ref or "/" in ref):  # not a registry version: file:, link:, git, tarball
            kind, url = classify(ref)
        else:
            version = version or ref
        res = meta.get("resolution")
        res = res if isinstance(res, dict) else {}
        tarball = as_str(res.get("tarball"))
        if res.get("type") == "directory":
            kind, url = "path", as_str(res.get("directory"))
        elif res.get("type") == "git":
            repo, commit = as_str(res.get("repo")) or "", as_str(res.get("commit")) or ""
            kind, url = "vcs", f"{repo if repo.startswith('git+') else 'git+' + repo}#{commit}"
        elif tarball and not is_registry_tarball(tarball):
            kind, url = classify(tarball)
        if not valid_name(name) or (kind == "registry" and not version):
            self.issues.append(
                ParseIssue(self.path, line, f"{NAME}: package {key!r} has no name or version")
            )
            return
        scope: Scope | None = None
        if self.major < 9:  # dev: true = dev only, false = production only, absent = both
            scope = (
                "dev"
                if meta.get("dev") is True
                else "optional"
                if meta.get("optional")
                else "required"
            )
        ref_purl = purl.npm(name, version)
        self.purls[key] = ref_purl
        self.found.setdefault(ref_purl, {
            "name": name, "version": version, "path": self.path, "line": line, "scope": scope, "ref": ref_purl,
            "integrity": res.get("integrity"), "resolved": tarball, "kind": kind, "source_url": url,
            "registry": as_str(res.get("registry")),
        })  # fmt: skip

    def _parse_key(self, key: str) -> tuple[str | None, str | None]:
        """(name, version or non-registry reference) from a package key of this lockfile version."""
        bare = key[1:] if key.startswith("/") else key
        if bare is key and self.major < 9:
            host, sep, rest = key.partition("/")
            if not sep or ":" in host or "." not in host or host.startswith("@"):
                return None, key  # file:…, link:…: name and version come from the entry
            bare = rest  # "registry.example.com/name/1.0.0" (or a git host: the entry names it)
        if self.major >= 6:  # "/name@1.0.0(peer@2.0.0)" (v6), "name@1.0.0" (v9)
            name, ref = split_ident(bare.split("(", 1)[0])
            return (name, ref) if ref else (None, bare)
        name, _, ref = bare.rpartition("/")  # "/@scope/name/1.0.0_peer@2.0.0"
        return name, ref.split("_", 1)[0]

    def _deps(
        self, meta: dict[str, Any], fields: tuple[tuple[str, int], ...], folder: str
    ) -> list[tuple[str, int]]:
        """Targets (purl, rank) of a package's or importer's dependency maps."""
        out = []
        for field, rank in fields:
            deps = meta.get(field)
            for name, spec in deps.items() if isinstance(deps, dict) else ():
                ref = as_str(spec.get("version") if isinstance(spec, dict) else spec)
                target = self._target(str(name), ref, folder) if ref else None
                if target:
                    out.append((target, rank))
        return out

    def _target(self, name: str, ref: str, folder: str) -> str | None:
        if ref.startswith("link:"):
            return self._link(name, ref[5:], folder)
        if self.major >= 9:
            key = f"{name}@{ref}"
        elif self.major >= 6:
            key = f"/{name}@{ref}"
        else:
            key = f"/{name}/{ref}"
        return self.purls.get(key) or self.purls.get(ref)  # the ref is a whole key for aliases

    def _link(self, name: str, rel: str, folder: str) -> str | None:
        """A ``link:`` to an importer is the project itself; to any other folder, a path component."""
        target = posixpath.normpath(posixpath.join(folder, rel))
        if target in self.importers or not valid_name(name):
            return None
        ref_purl = purl.npm(name)
        self.found.setdefault(ref_purl, {
            "name": name, "version": None, "path": self.path, "line": self.lines.get(folder), "scope": None,
            "ref": ref_purl, "kind": "path", "source_url": target,
        })  # fmt: skip
        return ref_purl
