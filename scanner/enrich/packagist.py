"""Packagist: composer.json authors and source of a version, and the package's maintainer accounts."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sbom.model import Component
from scanner.enrich.context import (
    Context,
    FactBuilder,
    combine,
    failed,
    foreign_registry,
    not_applicable,
)
from scanner.enrich.model import SourceResult, SourceStatus
from scanner.enrich.people import person
from scanner.net.client import FetchError, JsonDoc
from scanner.net.endpoints import EndpointError

NAME = "packagist"
ECOSYSTEMS = ("composer",)
# Registry documents are hostile input: a list of 10,000 "owners" must not flood a report.
MAX_ENTRIES = 100
# Composer v2 metadata is served from its own CDN host (apis.md §7); until the endpoint
# table has an entry for it, the API base stands in.
METADATA = "packagist-repo"


def enrich(component: Component, ctx: Context) -> SourceResult:
    """Facts from the p2 metadata of the version and the package API's maintainers."""
    if component.ecosystem != "composer" or component.source_kind != "registry":
        return not_applicable(NAME)  # vcs and path packages: the git source covers them
    other = foreign_registry(component, ctx, NAME)
    if other:
        # A package of the same name on Packagist may belong to someone else entirely.
        reason = f"from another Composer repository ({other}); Packagist does not know it"
        return SourceResult(SourceStatus(NAME, "skipped", reason))
    vendor, _, package = component.name.lower().partition("/")
    if not vendor or not package:
        return SourceResult(
            SourceStatus(NAME, "error", f"not a vendor/package name: {component.name!r}")
        )
    path = f"{quote(vendor, safe='')}/{quote(package, safe='')}"
    parts: list[tuple[str, FactBuilder | SourceStatus]] = []
    if component.version:
        # Branches (dev-main, 2.x-dev) live in a separate ~dev file.
        dev = component.version.startswith("dev-") or component.version.endswith("-dev")
        url = f"{_metadata_base(ctx)}/p2/{path}{'~dev' if dev else ''}.json"
        got = _get(ctx, url)
        if isinstance(got, SourceStatus):
            return SourceResult(got)
        found = _version(got, f"{vendor}/{package}", component.version)
        if isinstance(found, SourceStatus):
            return SourceResult(found)
        prefix = f"packages[{vendor}/{package}][{found[0]}]."
        parts.append(("metadata", _version_facts(component.purl, got, prefix, found[1])))
    # Maintainers are package-wide: without a version they are all that can be told.
    got = _get(ctx, f"{ctx.base(NAME)}/packages/{path}.json")
    found_maintainers = got if isinstance(got, SourceStatus) else _maintainers(component.purl, got)
    parts.append(("maintainers", found_maintainers))
    return combine(NAME, parts)


def _version(doc: JsonDoc, name: str, wanted: str) -> tuple[int, dict[str, Any]] | SourceStatus:
    """The expanded entry of ``wanted``; "v1.2.3" and "1.2.3" name the same tag."""
    packages = doc.data.get("packages")
    entries = packages.get(name) if isinstance(packages, dict) else None
    if not isinstance(entries, list):
        return _shape(doc, f"no packages[{name!r}] list")
    if doc.data.get("minified") == "composer/2.0":
        entries = _expand(entries)
    key = _plain(wanted)
    for i, entry in enumerate(entries):
        if isinstance(entry, dict) and _plain(str(entry.get("version", ""))) == key:
            return i, entry
    return SourceStatus(
        NAME, "not-found", f"version {wanted} is not in the metadata", doc.fetched.url
    )


def _expand(entries: list[Any]) -> list[Any]:
    """Undo Composer's minification: each entry repeats only what changed from the last."""
    out: list[Any] = []
    last: dict[str, Any] = {}
    for entry in entries:
        if not isinstance(entry, dict):
            out.append(entry)
            continue
        current = dict(last)
        for key, value in entry.items():
            if value == "__unset":
                current.pop(key, None)
            else:
                current[key] = value
        out.append(current)
        last = current
    return out


def _plain(version: str) -> str:
    text = version.strip().lower()
    return text[1:] if text[:1] == "v" and text[1:2].isdigit() else text


def _version_facts(purl: str, doc: JsonDoc, prefix: str, entry: dict[str, Any]) -> FactBuilder:
    facts = FactBuilder(purl, NAME, doc)
    authors = entry.get("authors")
    for i, raw in enumerate(authors[:MAX_ENTRIES] if isinstance(authors, list) else ()):
        who = person({**raw, "url": raw.get("homepage")} if isinstance(raw, dict) else raw)
        if who:
            at = f"{prefix}authors[{i}]."
            facts.add("author-name", who.name, at + "name", "self-declared")
            facts.add("author-email", who.email, at + "email", "self-declared")
            facts.add("homepage", who.url, at + "homepage", "self-declared", of="author")
    facts.add("homepage", entry.get("homepage"), prefix + "homepage", "self-declared")
    source = entry.get("source")
    if isinstance(source, dict):
        kind = str(source.get("type") or "")
        facts.add(
            "repository", source.get("url"), prefix + "source.url", "self-declared", type=kind
        )
        # Packagist reads the reference from the repository itself, not from the uploader.
        facts.add(
            "source-commit",
            source.get("reference"),
            prefix + "source.reference",
            "registry-asserted",
        )
    return facts


def _maintainers(purl: str, doc: JsonDoc) -> FactBuilder | SourceStatus:
    package = doc.data.get("package")
    if not isinstance(package, dict):
        return _shape(doc, "no package object")
    facts = FactBuilder(purl, NAME, doc)
    maintainers = package.get("maintainers")
    for i, who in enumerate(maintainers[:MAX_ENTRIES] if isinstance(maintainers, list) else ()):
        if isinstance(who, dict):
            field = f"package.maintainers[{i}].name"
            facts.add("maintainer-account", who.get("name"), field, "registry-asserted")
    # The repository Packagist syncs the package from, as its maintainer submitted it.
    facts.add("repository", package.get("repository"), "package.repository", "self-declared")
    return facts


def _metadata_base(ctx: Context) -> str:
    try:
        return ctx.base(METADATA)
    except EndpointError:
        return ctx.base(NAME)


def _get(ctx: Context, url: str) -> JsonDoc | SourceStatus:
    """A JSON object document, or why there is none."""
    doc = ctx.client.get_json(url, source=NAME)
    if isinstance(doc, FetchError):
        return failed(NAME, doc).status
    if not isinstance(doc.data, dict):
        return _shape(doc, "expected a JSON object")
    return doc


def _shape(doc: JsonDoc, what: str) -> SourceStatus:
    return SourceStatus(NAME, "error", f"unexpected response shape: {what}", doc.fetched.url)
