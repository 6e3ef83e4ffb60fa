"""NuGet V3: catalog-entry authors and links, nuspec repository, owner accounts from search."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from sbom.errors import ParseError
from sbom.loaders import parse_xml
from sbom.model import Component
from scanner.enrich.context import (
    Context,
    FactBuilder,
    combine,
    failed,
    foreign_registry,
    not_applicable,
    utc_iso,
)
from scanner.enrich.model import SourceResult, SourceStatus, Status
from scanner.net.client import FetchError, JsonDoc

NAME = "nuget"
ECOSYSTEMS = ("nuget",)
# Registry documents are hostile input: a list of 10,000 "owners" must not flood a report.
MAX_ENTRIES = 100

# Service-index @types, preferred first (docs/api/*-resource.md). 3.6.0 is the only
# registration hive that includes SemVer 2.0.0 packages.
_REGISTRATIONS = (
    "RegistrationsBaseUrl/3.6.0",
    "RegistrationsBaseUrl/3.4.0",
    "RegistrationsBaseUrl/3.0.0-rc",
    "RegistrationsBaseUrl/3.0.0-beta",
    "RegistrationsBaseUrl",
)
SEARCH = (
    "SearchQueryService/3.5.0",
    "SearchQueryService/3.0.0-rc",
    "SearchQueryService/3.0.0-beta",
    "SearchQueryService",
)
_CONTENT = ("PackageBaseAddress/3.0.0",)
_MAX_PAGES = 8  # registration pages fetched per lookup: 64 versions each on nuget.org


def enrich(component: Component, ctx: Context) -> SourceResult:
    """Facts from the registration leaf, the nuspec and the search result (apis.md §7)."""
    if component.ecosystem != "nuget" or component.source_kind != "registry":
        return not_applicable(NAME)  # project references are the scanned code itself
    other = foreign_registry(component, ctx, NAME)
    if other:
        reason = f"from another feed ({other}); the configured NuGet source may not know it"
        return SourceResult(SourceStatus(NAME, "skipped", reason))
    index = _get(ctx, ctx.base(NAME))
    if isinstance(index, SourceStatus):
        # A missing service index is a configuration problem, not a missing package.
        status: Status = "offline" if index.status == "offline" else "error"
        return SourceResult(SourceStatus(NAME, status, f"service index: {index.reason}", index.url))
    resources = resources_of(index.data)
    lower = component.name.lower()  # ids are case-insensitive; URLs use the lowercased id
    ref = quote(lower, safe="")
    parts: list[tuple[str, FactBuilder | SourceStatus]] = []
    if component.version:
        registrations = first_resource(resources, _REGISTRATIONS, folder=True)
        if registrations is None:
            return _shape(index, "service index lists no RegistrationsBaseUrl")
        version = _normalized(component.version)
        leaf = _leaf(ctx, f"{registrations}{ref}/index.json", version)
        if isinstance(leaf, SourceStatus):
            return SourceResult(leaf)
        parts.append(("registration", _catalog_facts(component.purl, *leaf)))
        content = first_resource(resources, _CONTENT, folder=True)
        if content:
            url = f"{content}{ref}/{quote(version, safe='')}/{ref}.nuspec"
            parts.append(("nuspec", _nuspec(ctx, component.purl, url)))
    # Owners are package-wide and only the search service reports them.
    search = first_resource(resources, SEARCH)
    if search is None:
        parts.append(("owners", _shape(index, "service index lists no search").status))
    else:
        query = urlencode({"q": f"packageid:{lower}", "prerelease": "true", "semVerLevel": "2.0.0"})
        parts.append(("owners", _owners(ctx, component.purl, f"{search}?{query}", lower)))
    return combine(NAME, parts)


def _leaf(
    ctx: Context, url: str, version: str
) -> tuple[JsonDoc, str, dict[str, Any]] | SourceStatus:
    """The registration document holding ``version``, the leaf's path in it, its catalog entry."""
    index = _get(ctx, url)
    if isinstance(index, SourceStatus):
        return index
    pages = index.data.get("items") if isinstance(index.data, dict) else None
    if not isinstance(pages, list):
        return _shape(index, "registration index has no items").status
    fetched = 0
    for p, page in enumerate(pages):
        if not isinstance(page, dict):
            continue
        doc, prefix = index, f"items[{p}]."
        if not isinstance(page.get("items"), list):
            # Large packages keep their leaves in separate page documents: fetch only the
            # pages whose [lower, upper] range can hold the version.
            if not _may_hold(page, version) or not isinstance(page.get("@id"), str):
                continue
            if fetched >= _MAX_PAGES:
                break
            fetched += 1
            got = _get(ctx, page["@id"])
            if isinstance(got, SourceStatus):
                return got
            if not isinstance(got.data, dict) or not isinstance(got.data.get("items"), list):
                return _shape(got, "registration page has no items").status
            doc, page, prefix = got, got.data, ""
        for i, leaf in enumerate(page["items"]):
            entry = leaf.get("catalogEntry") if isinstance(leaf, dict) else None
            if isinstance(entry, dict) and _normalized(str(entry.get("version"))) == version:
                return doc, f"{prefix}items[{i}].catalogEntry.", entry
    reason = f"version {version} is not in the registration index (deleted?)"
    return SourceStatus(NAME, "not-found", reason, index.fetched.url)


def _catalog_facts(purl: str, doc: JsonDoc, prefix: str, entry: dict[str, Any]) -> FactBuilder:
    facts = FactBuilder(purl, NAME, doc)
    authors = entry.get("authors")
    # A string is the nuspec's comma-separated <authors>; some feeds give an array.
    names = authors.split(",") if isinstance(authors, str) else authors
    for name in names[:MAX_ENTRIES] if isinstance(names, list) else ():
        facts.add("author-name", name, prefix + "authors", "self-declared")
    facts.add("homepage", entry.get("projectUrl"), prefix + "projectUrl", "self-declared")
    return facts


def _nuspec(ctx: Context, purl: str, url: str) -> FactBuilder | SourceStatus:
    """``<repository url commit>`` of the nuspec: the declared source and revision."""
    got = ctx.client.fetch(url, source=NAME)
    if isinstance(got, FetchError):
        return failed(NAME, got).status
    try:
        root = parse_xml(got.body)
    except ParseError as exc:
        return SourceStatus(NAME, "error", str(exc), got.url)
    facts = FactBuilder(purl, NAME, url=got.url)
    facts.retrieved = utc_iso(got.fetched_at)
    repo = next((n for n in root.iter() if n.tag.rsplit("}", 1)[-1] == "repository"), None)
    if repo is not None:
        field = "metadata.repository@"
        kind = repo.get("type") or ""
        facts.add("repository", repo.get("url"), field + "url", "self-declared", type=kind)
        facts.add("source-commit", repo.get("commit"), field + "commit", "self-declared")
    return facts


def _owners(ctx: Context, purl: str, url: str, lower: str) -> FactBuilder | SourceStatus:
    got = _get(ctx, url)
    if isinstance(got, SourceStatus):
        return got
    data = got.data.get("data")
    for i, hit in enumerate(data if isinstance(data, list) else ()):
        if not isinstance(hit, dict) or str(hit.get("id", "")).lower() != lower:
            continue
        facts = FactBuilder(purl, NAME, got)
        # verified: the id falls under a reserved prefix held by one of these owners.
        verified = hit.get("verified")
        attrs = {"verified": str(verified).lower()} if isinstance(verified, bool) else {}
        owners = hit.get("owners")
        owners = owners.split(",") if isinstance(owners, str) else owners
        for j, owner in enumerate(owners[:MAX_ENTRIES] if isinstance(owners, list) else ()):
            field = f"data[{i}].owners[{j}]"
            facts.add("owner-account", owner, field, "registry-asserted", **attrs)
        return facts
    # Unlisted packages never appear in search: their owners stay unknown, and say so.
    return SourceStatus(NAME, "error", "not in search results (unlisted?)", got.fetched.url)


def resources_of(data: Any) -> dict[str, str]:
    """``@type`` → ``@id`` of the service index; the first entry of a type wins."""
    out: dict[str, str] = {}
    items = data.get("resources") if isinstance(data, dict) else None
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict) and isinstance(item.get("@type"), str):
            target = item.get("@id")
            if isinstance(target, str) and target.startswith(("https://", "http://")):
                out.setdefault(item["@type"], target)
    return out


def first_resource(
    resources: dict[str, str], types: tuple[str, ...], folder: bool = False
) -> str | None:
    """The URL of the first listed resource type; base addresses get their trailing slash."""
    url = next((resources[t] for t in types if t in resources), None)
    return url + "/" if url and folder and not url.endswith("/") else url


def _normalized(version: str) -> str:
    """NuGet's normalized form: no build metadata, no leading zeros, no zero fourth part."""
    text = version.strip().lower().split("+", 1)[0]
    release, dash, pre = text.partition("-")
    parts = release.split(".")
    if 1 <= len(parts) <= 4 and all(p.isdigit() for p in parts):
        nums = [str(int(p)) for p in parts] + ["0"] * (3 - len(parts))
        release = ".".join(nums[:3] if len(nums) == 4 and nums[3] == "0" else nums)
    return release + dash + pre


def _release(version: object) -> tuple[int, ...] | None:
    parts = _normalized(str(version)).partition("-")[0].split(".")
    if not all(p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in (parts + ["0"] * 4)[:4])


def _may_hold(page: dict[str, Any], version: str) -> bool:
    """Whether a page's range can hold ``version``, comparing numeric parts only.

    A prerelease sorts before its release, so a numeric-only comparison errs on the side
    of fetching a page too many, never of missing the one that holds the version.
    """
    lower, upper, mine = _release(page.get("lower")), _release(page.get("upper")), _release(version)
    if lower is None or upper is None or mine is None:
        return True
    return lower <= mine <= upper


def _get(ctx: Context, url: str) -> JsonDoc | SourceStatus:
    """A JSON object document, or why there is none."""
    doc = ctx.client.get_json(url, source=NAME)
    if isinstance(doc, FetchError):
        return failed(NAME, doc).status
    if not isinstance(doc.data, dict):
        return _shape(doc, "expected a JSON object").status
    return doc


def _shape(doc: JsonDoc, what: str) -> SourceResult:
    return SourceResult(
        SourceStatus(NAME, "error", f"unexpected response shape: {what}", doc.fetched.url)
    )
