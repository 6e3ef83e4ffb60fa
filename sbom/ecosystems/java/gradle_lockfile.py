"""Gradle dependency lockfiles: ``group:artifact:version=configurations`` lines."""

from __future__ import annotations

import re

from sbom import purl
from sbom.errors import ParseError
from sbom.model import Component, Location, ParseIssue, ParseResult, Scope

NAME = "maven/gradle-lockfile"
TITLE = "Gradle lockfile"
# gradle.lockfile (Gradle 6+, one per project), buildscript-/settings-gradle.lockfile
# (plugin classpaths), and the per-configuration files of Gradle 4.8–5.x.
PATTERNS = (
    "gradle.lockfile",
    "buildscript-gradle.lockfile",
    "settings-gradle.lockfile",
    "gradle/dependency-locks/*.lockfile",
)
SUPERSEDED_BY: tuple[str, ...] = ()

# Scope: "dev" when every configuration that locks the entry is a test one (a camel-case
# word "test"/"tests": testRuntimeClasspath, integrationTestCompileClasspath, but not
# latestDepRuntimeClasspath) or a build tool's (code analysis, annotation processors,
# Kotlin compiler plugins), and for buildscript/settings lockfiles, whose entries are
# plugins; otherwise "required". The lockfile does not say which entries are direct.
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_TOOL_PREFIXES = (
    "annotationprocessor", "kapt", "ksp", "spotbugs", "checkstyle", "pmd", "jacoco", "codenarc",
    "detekt", "ktlint", "errorprone", "kotlincompiler", "kotlinnative", "kotlinklib",
    "kotlinscriptdef", "kotlinbuildtools",
)  # fmt: skip


def _build_only(configuration: str, cache: dict[str, bool]) -> bool:
    known = cache.get(configuration)
    if known is None:
        words = {w.lower() for w in _WORD.findall(configuration)}
        known = (
            "test" in words or "tests" in words or configuration.lower().startswith(_TOOL_PREFIXES)
        )
        cache[configuration] = known
    return known


def parse(text: str, path: str) -> ParseResult:
    """Parse a Gradle lockfile."""
    name = path.rsplit("/", 1)[-1]
    plugins = name in ("buildscript-gradle.lockfile", "settings-gradle.lockfile")
    # Old per-configuration files have no "=configurations" part: the file name is it.
    own_configuration = name.removesuffix(".lockfile")
    comps: dict[tuple[str, str, str], tuple[set[str], int]] = {}
    issues: list[ParseIssue] = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        coords, eq, configurations = line.partition("=")
        if coords == "empty" and eq:
            continue  # configurations that resolve to nothing
        parts = coords.split(":")
        if len(parts) != 3 or not all(parts) or any(" " in p for p in parts):
            issues.append(
                ParseIssue(path, n, f"{NAME}: expected 'group:artifact:version=configurations'")
            )
            continue
        group, artifact, version = parts
        confs = set(filter(None, configurations.split(","))) if eq else {own_configuration}
        seen = comps.get((group, artifact, version))
        comps[(group, artifact, version)] = (seen[0] | confs, seen[1]) if seen else (confs, n)
    if issues and not comps:
        raise ParseError("not a Gradle lockfile: no 'group:artifact:version' line", issues[0].line)

    cache: dict[str, bool] = {}
    out = []
    for (group, artifact, version), (confs, n) in comps.items():
        dev = plugins or (bool(confs) and all(_build_only(c, cache) for c in confs))
        scope: Scope = "dev" if dev else "required"
        out.append(
            Component(
                purl=purl.maven(group, artifact, version),
                ecosystem="maven",
                name=f"{group}:{artifact}",
                version=version,
                scope=scope,
                locations=(Location(path, n),),
            )
        )
    return ParseResult(tuple(out), (), tuple(issues))
