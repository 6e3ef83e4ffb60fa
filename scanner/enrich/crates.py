"""crates.io: owner users and teams, the account that published each version, declared links."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

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
from scanner.net.client import FetchError, JsonDoc
from scanner.net.endpoints import endpoint

NAME = "crates"
ECOSYSTEMS = ("cargo",)
# Registry documents are hostile input: a list of 10,000 "owners" must not flood a report.
MAX_ENTRIES = 100

# Cargo.lock names the git index by its repository ("…/rust-lang/crates.io-index").
_GIT_INDEX = "crates.io-index"
# The sparse index lives on the index subdomain of the API host.
_SPARSE_HOST = f"index.{urlsplit(endpoint(NAME).default).hostname}"


def enrich(component: Component, ctx: Context) -> SourceResult:
    """Facts from the version document and the owners list (apis.md §4)."""
    if component.ecosystem != "cargo" or component.source_kind != "registry":
        return not_applicable(NAME)  # git and path crates: the git source covers them
    other = foreign_registry(component, ctx, NAME, also=(_GIT_INDEX, _SPARSE_HOST))
    if other:
        # A crate of the same name on crates.io may belong to someone else entirely.
        reason = f"from another registry ({other}); crates.io does not know it"
        return SourceResult(SourceStatus(NAME, "skipped", reason))
    crate = f"{ctx.base(NAME)}/api/v1/crates/{quote(component.name, safe='')}"
    builders: list[FactBuilder] = []
    if component.version:
        got = _get(ctx, f"{crate}/{quote(component.version, safe='')}", "version", dict)
        if isinstance(got, SourceStatus):
            return SourceResult(got)
        builders.append(_version_facts(component.purl, *got))
    # Without a version only the crate-wide owners can be told: another version's
    # document would describe someone else's upload.
    owners = _get(ctx, f"{crate}/owners", "users", list)
    if isinstance(owners, SourceStatus):
        return combine(NAME, [*(("version", b) for b in builders), ("owners", owners)])
    builders.append(_owner_facts(component.purl, *owners))
    return combine(NAME, [("version", b) for b in builders])


def _version_facts(purl: str, doc: JsonDoc, version: dict[str, Any]) -> FactBuilder:
    facts = FactBuilder(purl, NAME, doc)
    publisher = version.get("published_by")
    if isinstance(publisher, dict):
        facts.add(
            "publisher-account",
            publisher.get("login"),
            "version.published_by.login",
            "registry-asserted",
            **_matches(publisher),
        )
    # Trusted publishing: the registry checked the CI's OIDC token, so the repository and
    # commit are its assertion, not the uploader's text (they are not signed, though).
    trustpub = version.get("trustpub_data")
    if isinstance(trustpub, dict):
        provider = str(trustpub.get("provider") or "")
        key = "project_path" if provider == "gitlab" else "repository"
        prefix = "version.trustpub_data."
        facts.add(
            "trusted-publisher",
            trustpub.get(key),
            prefix + key,
            "registry-asserted",
            provider=provider,
        )
        facts.add("source-commit", trustpub.get("sha"), prefix + "sha", "registry-asserted")
    facts.add("repository", version.get("repository"), "version.repository", "self-declared")
    facts.add("homepage", version.get("homepage"), "version.homepage", "self-declared")
    return facts


def _owner_facts(purl: str, doc: JsonDoc, users: list[Any]) -> FactBuilder:
    facts = FactBuilder(purl, NAME, doc)
    for i, owner in enumerate(users[:MAX_ENTRIES]):
        if not isinstance(owner, dict) or not isinstance(owner.get("login"), str):
            continue
        login: str = owner["login"]
        if owner.get("kind") == "team":
            # "github:<org>:<team>": the team's GitHub organization is what feeds match.
            provider, _, rest = login.partition(":")
            org = rest.partition(":")[0]
            attrs = {"provider": provider, "org": org} if org else {}
            facts.add("owner-team", login, f"users[{i}].login", "registry-asserted", **attrs)
        else:
            facts.add(
                "owner-account",
                login,
                f"users[{i}].login",
                "registry-asserted",
                **_matches(owner),
            )
    return facts


def _matches(account: dict[str, Any]) -> dict[str, str]:
    """``github_username_matches`` as an attribute: false means the GitHub login was renamed."""
    flag = account.get("github_username_matches")
    return {"github_username_matches": str(flag).lower()} if isinstance(flag, bool) else {}


def _get(ctx: Context, url: str, key: str, kind: type) -> tuple[JsonDoc, Any] | SourceStatus:
    """The document at ``url`` and its ``key`` member, or why there is none."""
    doc = ctx.client.get_json(url, source=NAME)
    if isinstance(doc, FetchError):
        return failed(NAME, doc).status
    value = doc.data.get(key) if isinstance(doc.data, dict) else None
    if not isinstance(value, kind):
        return SourceStatus(
            NAME, "error", f"unexpected response shape: no {key!r}", doc.fetched.url
        )
    return doc, value
