"""Maven Central: a version's POM (developers, organization, scm, url), through its parent chain."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import quote

from sbom.errors import ParseError
from sbom.loaders import parse_xml
from sbom.model import Component
from scanner.enrich.context import Context, FactBuilder, failed, not_applicable, utc_iso
from scanner.enrich.model import Fact, SourceResult, SourceStatus
from scanner.net.client import Fetched, FetchError

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

NAME = "maven"
ECOSYSTEMS = ("maven",)

# Sections a child usually inherits from its parent POM (apis.md §6 "Inheritance").
SECTIONS = ("developers", "organization", "scm", "url")
MAX_PARENTS = 3  # corporate parent chains are 1-3 deep; deeper is a loop or noise
MAX_POM_BYTES = 2 * 1024 * 1024  # real POMs are kilobytes; bound the parser's work
_COORD = re.compile(r"^[A-Za-z0-9_.+~-]+$")
_SCM_PREFIX = re.compile(r"^scm:([A-Za-z0-9]+)[:|]")

# No "owner-account" fact for the groupId: apis.md §6 (evidence matrix) says Maven Central
# exposes no registry-asserted accounts ("namespace owner not exposed") and that everything
# in the POM is self-declared. The groupId is the component's own name; the assessment can
# match it against registry-namespace feeds without a fact restating it.


def pom_url(ctx: Context, group: str, artifact: str, version: str) -> str:
    """``<base>/<group path>/<artifact>/<version>/<artifact>-<version>.pom``."""
    path = "/".join(quote(part, safe="") for part in group.split("."))
    a, v = quote(artifact, safe=""), quote(version, safe="")
    return f"{ctx.base('maven')}/{path}/{a}/{v}/{a}-{v}.pom"


def _valid(*parts: str) -> bool:
    # A coordinate is one path segment: "..", "/" or "${...}" would aim the request elsewhere.
    return all(_COORD.match(p) and p.strip(".") for p in parts)


def enrich(component: Component, ctx: Context) -> SourceResult:
    """Facts from the version's POM, filling missing sections from up to three parents."""
    if component.ecosystem != "maven" or component.source_kind != "registry":
        return not_applicable(NAME)
    group, _, artifact = component.name.partition(":")
    version = component.version
    if not version:
        return SourceResult(SourceStatus(NAME, "skipped", "no exact version to fetch a POM for"))
    if not _valid(group, artifact, version):
        return SourceResult(SourceStatus(NAME, "error", f"not Maven coordinates: {component.name}"))
    url = pom_url(ctx, group, artifact, version)
    first = _load(ctx, url)
    if isinstance(first, SourceResult):
        return first
    project, fetched = first
    facts = _facts(component.purl, project, fetched, set(SECTIONS), inherited_from=None)
    missing = {s for s in SECTIONS if _child(project, s) is None}
    note = ""
    seen = {f"{group}:{artifact}:{version}"}
    for _ in range(MAX_PARENTS):
        parent = _parent(project)
        # <url> alone is no reason to fetch a parent; the people and the scm are.
        if not missing - {"url"} or parent is None:
            break
        gav = ":".join(parent)
        if gav in seen:
            note = f"parent POM cycle at {gav}"
            break
        seen.add(gav)
        loaded = _load(ctx, pom_url(ctx, *parent))
        if isinstance(loaded, SourceResult):
            # The child's own facts still stand; the parent's part stays unknown, and says so.
            note = f"parent POM {gav}: {loaded.status.reason or loaded.status.status}"
            if not facts:
                offline = loaded.status.status == "offline"
                return SourceResult(
                    SourceStatus(NAME, "offline" if offline else "error", note, url)
                )
            break
        project, fetched = loaded
        facts += _facts(component.purl, project, fetched, missing, inherited_from=gav)
        missing -= {s for s in SECTIONS if _child(project, s) is not None}
    return SourceResult(SourceStatus(NAME, "ok", note, url), tuple(dict.fromkeys(facts)))


def _load(ctx: Context, url: str) -> tuple[Element, Fetched] | SourceResult:
    """The POM's <project> element, or a non-ok result saying why there is none."""
    got = ctx.client.fetch(url, source=NAME)
    if isinstance(got, FetchError):
        return failed(NAME, got)
    if len(got.body) > MAX_POM_BYTES:
        return SourceResult(SourceStatus(NAME, "error", "POM larger than 2 MiB refused", got.url))
    try:
        root = parse_xml(got.body)
    except ParseError as exc:  # entity bombs, DTD tricks and broken XML all land here
        return SourceResult(SourceStatus(NAME, "error", exc.message[:300], got.url))
    if _local(root.tag) != "project":
        return SourceResult(SourceStatus(NAME, "error", "not a POM: no <project> root", got.url))
    return root, got


def _facts(
    purl: str, project: Element, fetched: Fetched, sections: set[str], inherited_from: str | None
) -> list[Fact]:
    facts = FactBuilder(purl, NAME, url=fetched.url)
    facts.retrieved = utc_iso(fetched.fetched_at)
    extra = {"inherited_from": inherited_from} if inherited_from else {}

    def add(kind: str, value: str | None, path: str, **attrs: str) -> None:
        # An uninterpolated ${property} is not a statement about anyone: leave it out.
        if value and "${" not in value:
            facts.add(kind, value, "project." + path, "self-declared", **attrs, **extra)

    if "developers" in sections:
        for role in ("developer", "contributor"):
            for i, person in enumerate(_children(_child(project, role + "s"), role)):
                at = f"{role}s.{role}[{i}]."
                add("author-name", _text(person, "name"), at + "name", role=role)
                add("author-email", _text(person, "email"), at + "email", role=role)
                add("organization", _text(person, "organization"), at + "organization", role=role)
                url = _text(person, "organizationUrl")
                add("organization", url, at + "organizationUrl", role=role, form="url")
        # <timezone> is left out on purpose: time-zone hints may only be commit-tz-offset facts.
    if "organization" in sections:
        org = _child(project, "organization")
        add("organization", _text(org, "name"), "organization.name")
        add("homepage", _text(org, "url"), "organization.url", of="organization")
    if "scm" in sections:
        scm = _child(project, "scm")
        add("repository", _text(scm, "url"), "scm.url")
        for tag in ("connection", "developerConnection"):
            raw = _text(scm, tag)
            # "scm:git:https://host/o/r.git": the provider prefix is Maven syntax, not the URL.
            m = _SCM_PREFIX.match(raw or "")
            if raw and m:
                add("repository", raw[m.end() :], "scm." + tag, scm=m.group(1))
            else:
                add("repository", raw, "scm." + tag)
    if "url" in sections:
        # Maven appends the artifactId to an inherited url/scm; the value is kept as the
        # parent wrote it (what the source states), which names the same host and owner.
        add("homepage", _text(project, "url"), "url")
    return facts.facts


def _parent(project: Element) -> tuple[str, str, str] | None:
    parent = _child(project, "parent")
    coords = tuple(_text(parent, k) or "" for k in ("groupId", "artifactId", "version"))
    # A ${revision}-style parent version cannot be resolved without running Maven.
    return (coords[0], coords[1], coords[2]) if _valid(*coords) else None


def _local(tag: object) -> str:
    # POMs normally carry xmlns="http://maven.apache.org/POM/4.0.0"; some omit it.
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(node: Element | None, name: str) -> Element | None:
    if node is None:
        return None
    return next((c for c in node if _local(c.tag) == name), None)


def _children(node: Element | None, name: str) -> list[Element]:
    return [] if node is None else [c for c in node if _local(c.tag) == name][:200]


def _text(node: Element | None, name: str) -> str | None:
    child = _child(node, name)
    return child.text.strip() if child is not None and child.text else None
