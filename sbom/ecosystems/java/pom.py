"""Maven pom.xml: dependencies and managed versions, with in-file property interpolation."""

from __future__ import annotations

import re
from typing import Any

from sbom import purl
from sbom.ecosystems.java._xml import element_lines, local
from sbom.errors import ParseError
from sbom.loaders import parse_xml
from sbom.merge import merge_sightings
from sbom.model import Component, Location, ParseIssue, ParseResult, Relationship, Scope

NAME = "maven/pom"
TITLE = "Maven pom.xml"
PATTERNS = ("pom.xml",)
SUPERSEDED_BY: tuple[str, ...] = ()

# What is read, and why (no Maven run, no parent or BOM POM is fetched):
# - <dependencies> of the project and of its profiles: direct=True. A profile is only
#   active sometimes, so its compile-scope entries become "optional".
# - <dependencyManagement> entries: they fill in the version and scope of versionless
#   dependencies of this file (Maven's rule), and are components themselves with
#   direct=None and at most "optional" scope: a BOM or parent POM is exactly such a list,
#   and children build with those versions.
# - Scope: compile/runtime → required; provided/system → optional (the runtime supplies
#   it, nothing ships it); test → dev; import (a BOM, read only for its versions) → dev.
#   <optional>true</optional> turns required into optional. A system-scoped jar gets
#   source_kind "path" with its <systemPath>.
# - Reactor siblings (the project's own modules: its groupId and its version, as in
#   <version>${project.version}</version>) are the project itself: source_kind
#   "workspace", never looked up in a registry where a -SNAPSHOT is not even published.
# - Plugins are left out: they are build tools whose versions usually come from parents.
# - A version that is missing (managed by a parent POM), a range, LATEST/RELEASE, or
#   made of properties this file does not define becomes version None with the text in
#   `requirement`; unresolved properties are reported once per file, as a warning.
_SCOPES: dict[str, Scope] = {
    "compile": "required",
    "runtime": "required",
    "provided": "optional",
    "system": "optional",
    "test": "dev",
    "import": "dev",
}
_FIELDS = (
    "groupId",
    "artifactId",
    "version",
    "type",
    "classifier",
    "scope",
    "optional",
    "systemPath",
)
_META_VERSIONS = ("LATEST", "RELEASE")  # Maven 2 meta-versions: resolved at build time
_PROPERTY = re.compile(r"\$\{([^}]+)\}")
_MAX_VALUE = 4096  # interpolation that grows past this is hostile (nested property bombs)


def _child(elem: Any, ns: str, name: str) -> str | None:
    found = elem.find(ns + name) if elem is not None else None
    text = found.text.strip() if found is not None and found.text else ""
    return text or None


def _properties(root: Any, ns: str) -> dict[str, str]:
    props = {local(e.tag): (e.text or "").strip() for e in root.iterfind(f"{ns}properties/*")}
    parent = root.find(ns + "parent")
    for key in ("groupId", "artifactId", "version"):
        inherited = _child(parent, ns, key)
        own = _child(root, ns, key) or (inherited if key != "artifactId" else None)
        for prefix in ("project.", "pom."):  # pom.* is the Maven 2 spelling, still honored
            if own:
                props[prefix + key] = own
            if inherited:
                props[prefix + "parent." + key] = inherited
    return props


def _interpolate(value: str, props: dict[str, str]) -> str:
    # Properties may refer to properties (${project.version} → ${revision} → 1.2.3);
    # a few rounds resolve real chains, and a cycle simply stays unresolved.
    for _ in range(10):
        if "${" not in value or len(value) > _MAX_VALUE:
            break
        budget = _MAX_VALUE - len(value)

        def substitute(m: re.Match[str]) -> str:
            # A growth budget per round, so that nested or repeated references
            # (a "billion laughs" made of properties) cannot blow up memory.
            nonlocal budget
            found = props.get(m.group(1))
            if found is None or len(found) > budget:
                return m.group(0)
            budget -= len(found)
            return found

        new = _PROPERTY.sub(substitute, value)
        if new == value:
            break
        value = new
    return value


def parse(text: str, path: str) -> ParseResult:
    """Parse a pom.xml."""
    root = parse_xml(text)
    if local(root.tag) != "project":
        raise ParseError(f"not a Maven POM: the root element is <{local(root.tag)}>", 1)
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    props = _properties(root, ns)
    lines = element_lines(text, root, "dependency")
    deps = f"{ns}dependencies/{ns}dependency"
    managed_path = f"{ns}dependencyManagement/{deps}"

    def read(elem: Any) -> dict[str, str | None]:
        raw = {key: _child(elem, ns, key) for key in _FIELDS}
        return {key: _interpolate(v, props) if v else v for key, v in raw.items()}

    managed: dict[tuple[str | None, ...], dict[str, str | None]] = {}
    for elem in root.iterfind(managed_path):
        d = read(elem)
        managed.setdefault((d["groupId"], d["artifactId"], d["type"] or "jar", d["classifier"]), d)

    def repositories(owner: Any) -> tuple[str, ...]:
        urls = (_child(r, ns, "url") for r in owner.iterfind(f"{ns}repositories/{ns}repository"))
        return tuple(_interpolate(u, props) for u in urls if u)

    # (element, direct, scope cap, registries): project deps, profile deps, managed entries.
    # Declared <repositories> are where Maven looks besides Central (or a settings.xml
    # mirror, which this file cannot show); a profile's apply to its own entries.
    repos = repositories(root)
    entries: list[tuple[Any, bool | None, bool, tuple[str, ...]]] = []
    entries += [(e, True, False, repos) for e in root.iterfind(deps)]
    for profile in root.iterfind(f"{ns}profiles/{ns}profile"):
        more = tuple(sorted({*repos, *repositories(profile)}))
        entries += [(e, True, True, more) for e in profile.iterfind(deps)]
        entries += [(e, None, True, more) for e in profile.iterfind(managed_path)]
    entries += [(e, None, True, repos) for e in root.iterfind(managed_path)]

    own = (props.get("project.groupId"), _interpolate(props.get("project.version", ""), props))
    sightings: list[Component] = []
    issues: list[ParseIssue] = []
    unresolved: dict[str, int | None] = {}
    for elem, direct, capped, registries in entries:
        d, line = read(elem), lines.get(id(elem))
        group, artifact = d["groupId"], d["artifactId"]
        if not group or not artifact or "${" in group or "${" in artifact:
            msg = f"{NAME}: no resolvable groupId and artifactId ({group}:{artifact}); skipped"
            issues.append(ParseIssue(path, line, msg, "warning"))
            continue
        rule = managed.get((group, artifact, d["type"] or "jar", d["classifier"]), {})
        version = d["version"] or rule.get("version")
        scope = _SCOPES.get(d["scope"] or rule.get("scope") or "compile", "required")
        if scope == "required" and (capped or d["optional"] == "true"):
            scope = "optional"
        requirement = None
        if version and ("${" in version or version[0] in "[(" or version in _META_VERSIONS):
            for name in _PROPERTY.findall(version):
                unresolved.setdefault(name, line)
            version, requirement = None, version
        system_path = d["systemPath"] if d["scope"] == "system" else None
        sibling = version is not None and (group, version) == own
        comp = Component(
            purl=purl.maven(group, artifact, version, d["type"], d["classifier"]),
            ecosystem="maven",
            name=f"{group}:{artifact}",
            version=version,
            scope=scope,
            direct=direct,
            # A system-scoped jar is a file of the repository, not a registry download.
            source_kind="path" if system_path else "workspace" if sibling else "registry",
            source_url=system_path,
            registries=tuple(sorted(set(registries))),
            requirement=requirement,
            locations=(Location(path, line),),
        )
        sightings.append(comp)
    comps = merge_sightings(sightings)
    if unresolved:
        names = ", ".join("${" + n + "}" for n in sorted(unresolved))
        first = min((n for n in unresolved.values() if n), default=None)
        msg = f"{NAME}: versions use properties this file does not define (parent POM not read): {names}"
        issues.append(ParseIssue(path, first, msg, "warning"))
    edges = tuple(Relationship("", ref) for ref, c in sorted(comps.items()) if c.direct)
    return ParseResult(tuple(comps.values()), edges, tuple(issues))
