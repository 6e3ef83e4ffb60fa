"""npm registry: maintainers, author, repository, the account that published each version, provenance."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sbom.model import Component
from scanner.enrich.context import Context, FactBuilder, failed, not_applicable
from scanner.enrich.model import SourceResult, SourceStatus
from scanner.enrich.people import person
from scanner.net.client import FetchError

NAME = "npm"
ECOSYSTEMS = ("npm",)


def url_for(ctx: Context, name: str) -> str:
    """Full packument URL; a scoped name keeps its @ and encodes the slash."""
    return f"{ctx.base('npm')}/{quote(name, safe='@')}"


def enrich(component: Component, ctx: Context) -> SourceResult:
    """Facts from the full packument (the abbreviated one has no people)."""
    if component.ecosystem != "npm" or component.source_kind not in ("registry",):
        return not_applicable(NAME)
    doc = ctx.client.get_json(url_for(ctx, component.name), source=NAME)
    if isinstance(doc, FetchError):
        return failed(NAME, doc)
    if not isinstance(doc.data, dict):
        return SourceResult(
            SourceStatus(NAME, "error", "not a packument (a JSON object)", doc.fetched.url)
        )
    data = doc.data
    facts = FactBuilder(component.purl, NAME, doc)
    _people(facts, data, "", include_maintainers=False)
    versions = data.get("versions")
    version = versions.get(component.version) if isinstance(versions, dict) else None
    if isinstance(version, dict):
        prefix = f"versions[{component.version}]."
        user = version.get("_npmUser")
        if isinstance(user, dict):
            publisher = "trusted-publisher" if user.get("trustedPublisher") else "account"
            facts.add(
                "publisher-account",
                user.get("name"),
                prefix + "_npmUser.name",
                "registry-asserted",
                via=publisher,
            )
            facts.add(
                "publisher-email",
                user.get("email"),
                prefix + "_npmUser.email",
                "registry-asserted",
                via=publisher,
            )
        _people(facts, version, prefix, include_maintainers=True)
        facts.add("source-commit", version.get("gitHead"), prefix + "gitHead", "self-declared")
        attestations = (version.get("dist") or {}).get("attestations")
        if isinstance(attestations, dict):
            predicate = (attestations.get("provenance") or {}).get("predicateType")
            facts.add(
                "build-workflow",
                attestations.get("url"),
                prefix + "dist.attestations.url",
                "registry-asserted",
                predicate=str(predicate or ""),
            )
    else:
        # The version is not in the packument (unpublished, or a mirror-only build):
        # package-level facts still count; say so rather than guess.
        _people(facts, data, "", include_maintainers=True)
    return facts.result()


def _people(
    facts: FactBuilder, doc: dict[str, Any], prefix: str, include_maintainers: bool
) -> None:
    author = person(doc.get("author"))
    if author:
        facts.add("author-name", author.name, prefix + "author.name", "self-declared")
        facts.add("author-email", author.email, prefix + "author.email", "self-declared")
    for i, raw in enumerate(
        doc.get("contributors") or () if isinstance(doc.get("contributors"), list) else ()
    ):
        who = person(raw)
        if who:
            facts.add(
                "author-email",
                who.email,
                f"{prefix}contributors[{i}].email",
                "self-declared",
                role="contributor",
            )
    if include_maintainers:
        for i, raw in enumerate(
            doc.get("maintainers") or () if isinstance(doc.get("maintainers"), list) else ()
        ):
            who = person(raw)
            if who:
                facts.add(
                    "maintainer-account",
                    who.name,
                    f"{prefix}maintainers[{i}].name",
                    "registry-asserted",
                )
                facts.add(
                    "maintainer-email",
                    who.email,
                    f"{prefix}maintainers[{i}].email",
                    "registry-asserted",
                )
    repo = doc.get("repository")
    url = repo.get("url") if isinstance(repo, dict) else repo
    facts.add("repository", url, prefix + "repository", "self-declared")
    facts.add("homepage", doc.get("homepage"), prefix + "homepage", "self-declared")
