"""RubyGems.org: gemspec authors and links of a version, and the gem's owner accounts."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from packageurl import PackageURL

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
from scanner.enrich.people import emails, names_from_list
from scanner.net.client import FetchError, JsonDoc

NAME = "rubygems"
ECOSYSTEMS = ("gem",)
# Registry documents are hostile input: a list of 10,000 "owners" must not flood a report.
MAX_ENTRIES = 100


def enrich(component: Component, ctx: Context) -> SourceResult:
    """Facts from the v2 version payload and ``owners.json`` (apis.md §5).

    RubyGems exposes no JSON field for the account that pushed a version (only its HTML
    page and the Sigstore attestations, which the verification source reads), so there is
    no publisher fact here.
    """
    if component.ecosystem != "gem" or component.source_kind != "registry":
        return not_applicable(NAME)  # git and path gems: the git source covers them
    other = foreign_registry(component, ctx, NAME)
    if other:
        # A gem of the same name on RubyGems.org may belong to someone else entirely.
        reason = f"from another gem server ({other}); RubyGems.org does not know it"
        return SourceResult(SourceStatus(NAME, "skipped", reason))
    gem = quote(component.name, safe="")
    builders: list[FactBuilder] = []
    if component.version:
        got = _get(ctx, _version_url(ctx, component), dict)
        if isinstance(got, SourceStatus):
            return SourceResult(got)
        builders.append(_version_facts(component.purl, *got))
    # Without a version only the gem-wide owners can be told.
    owners = _get(ctx, f"{ctx.base(NAME)}/api/v1/gems/{gem}/owners.json", list)
    if isinstance(owners, SourceStatus):
        return combine(NAME, [*(("version", b) for b in builders), ("owners", owners)])
    builders.append(_owner_facts(component.purl, *owners))
    return combine(NAME, [("version", b) for b in builders])


def _version_url(ctx: Context, component: Component) -> str:
    """One version's payload; a platform build (``-x86_64-linux``) is asked for by name."""
    gem, version = quote(component.name, safe=""), quote(component.version or "", safe="")
    url = f"{ctx.base(NAME)}/api/v2/rubygems/{gem}/versions/{version}.json"
    try:
        platform = PackageURL.from_string(component.purl).qualifiers.get("platform")
    except ValueError:
        platform = None
    return f"{url}?{urlencode({'platform': platform})}" if platform else url


def _version_facts(purl: str, doc: JsonDoc, payload: dict[str, Any]) -> FactBuilder:
    facts = FactBuilder(purl, NAME, doc)
    authors = payload.get("authors")
    # rubygems.org joins the gemspec's authors array with ", " into one string.
    for name in names_from_list(authors):
        facts.add("author-name", name, "authors", "self-declared")
    for address in emails(authors):
        facts.add("author-email", address, "authors", "self-declared")
    facts.add("repository", payload.get("source_code_uri"), "source_code_uri", "self-declared")
    facts.add("homepage", payload.get("homepage_uri"), "homepage_uri", "self-declared")
    return facts


def _owner_facts(purl: str, doc: JsonDoc, owners: list[Any]) -> FactBuilder:
    facts = FactBuilder(purl, NAME, doc)
    for i, owner in enumerate(owners[:MAX_ENTRIES]):
        if not isinstance(owner, dict):
            continue
        handle = owner.get("handle")
        role = owner.get("role")
        attrs = {"role": role} if isinstance(role, str) and role else {}
        facts.add("owner-account", handle, f"[{i}].handle", "registry-asserted", **attrs)
        # Only owners who made their address public have one; it is the account's address.
        if isinstance(handle, str):
            attrs["account"] = handle
        facts.add(
            "maintainer-email", owner.get("email"), f"[{i}].email", "registry-asserted", **attrs
        )
    return facts


def _get(ctx: Context, url: str, kind: type) -> tuple[JsonDoc, Any] | SourceStatus:
    """The document at ``url`` when it is a ``kind``, or why there is none."""
    doc = ctx.client.get_json(url, source=NAME)
    if isinstance(doc, FetchError):
        return failed(NAME, doc).status
    if not isinstance(doc.data, kind):
        what = f"expected a JSON {'object' if kind is dict else 'array'}"
        return SourceStatus(NAME, "error", f"unexpected response shape: {what}", doc.fetched.url)
    return doc, doc.data
