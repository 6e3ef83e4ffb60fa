"""Core inventory types: components, relationships, parse issues, source files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sbom import limits

Scope = Literal["required", "optional", "dev"]
SourceKind = Literal["registry", "vcs", "url", "path", "workspace", "sdk"]
# The project's own code (workspace members, reactor modules) and what ships inside a
# toolchain (Flutter/Dart SDK packages): never published to a registry, never looked up.
FIRST_PARTY: frozenset[str] = frozenset({"workspace", "sdk"})

# Lower rank wins when the same component is met with several scopes:
# a package that is required anywhere is required.
SCOPE_RANK: dict[str, int] = {"required": 0, "optional": 1, "dev": 2}


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """Where a component was found: repository-relative path and 1-based line (None if unknown)."""

    path: str
    line: int | None = None


@dataclass(frozen=True, slots=True, order=True)
class Hash:
    """A digest recorded by the lockfile.

    ``alg`` uses CycloneDX names (``SHA-1``, ``SHA-256``, ``SHA-512``, ``MD5``...);
    ``value`` is lowercase hex.
    """

    alg: str
    value: str


@dataclass(frozen=True, slots=True)
class Component:
    """One package version, identified by its purl."""

    purl: str
    ecosystem: str
    """purl type: npm, pypi, golang, cargo, maven, nuget, gem, composer, pub, swift, hex, conan,
    vcpkg, cran, github, docker, generic."""
    name: str
    """The name as the ecosystem writes it (``@scope/pkg``, ``group:artifact``, module path)."""
    version: str | None
    scope: Scope | None = None
    direct: bool | None = None
    """True for a dependency the project declares itself; None when the format does not say."""
    hashes: tuple[Hash, ...] = ()
    resolved: tuple[str, ...] = ()
    """Download URLs the lockfile records for this exact artifact."""
    registries: tuple[str, ...] = ()
    """Registry or index base URLs the lockfile records (which mirror supplied it)."""
    source_kind: SourceKind = "registry"
    source_url: str | None = None
    """For vcs/url/path sources: where it comes from (git URL with commit, tarball URL, path)."""
    requirement: str | None = None
    """Declared range when no exact version is known (manifests without a lock)."""
    locations: tuple[Location, ...] = ()
    licenses: tuple[str, ...] = ()
    """License expressions the lockfile declares for this package, as written (SPDX where it is)."""

    def __post_init__(self) -> None:
        # Counted while a file is parsed, so that a hostile file stops early (sbom/limits.py).
        limits.built()


@dataclass(frozen=True, slots=True, order=True)
class Relationship:
    """``source`` depends on ``target``; both are purls. An empty source means the project root."""

    source: str
    target: str


@dataclass(frozen=True, slots=True, order=True)
class ParseIssue:
    """A problem met while reading a file; the scan goes on without that file's broken part."""

    path: str
    line: int | None
    message: str
    severity: Literal["error", "warning"] = "error"


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What one parser returns for one file."""

    components: tuple[Component, ...] = ()
    relationships: tuple[Relationship, ...] = ()
    issues: tuple[ParseIssue, ...] = ()
    complete_set: bool = False
    """The file names every package of its build (go.mod under module-graph pruning), so a
    checksum file beside it (go.sum) adds hashes to those packages and no package of its own."""


@dataclass(frozen=True, slots=True, order=True)
class SourceFile:
    """An input file that was read: path, parser, digest and how much it yielded."""

    path: str
    format: str
    sha256: str
    size: int
    components: int = 0


@dataclass(frozen=True, slots=True)
class Inventory:
    """Every component found in a tree or an SBOM, merged by purl and sorted."""

    root: str
    components: tuple[Component, ...] = ()
    relationships: tuple[Relationship, ...] = ()
    files: tuple[SourceFile, ...] = ()
    issues: tuple[ParseIssue, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict, compare=False)

    def by_purl(self) -> dict[str, Component]:
        """Index of components by purl."""
        return {c.purl: c for c in self.components}
