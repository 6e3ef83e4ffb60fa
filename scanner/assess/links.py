"""From a component's identity, provenance facts and lockfile URLs to knowledge-base entity links."""

from __future__ import annotations

from dataclasses import dataclass

from feeds import FeedSet
from feeds.resolve import Resolution
from sbom.model import Component
from scanner.assess.model import Evidence, Tier
from scanner.assess.severity import tier_for
from scanner.enrich.model import Fact

# Registries whose owner accounts the knowledge base indexes (feeds.FeedSet.by_owner).
_OWNER_REGISTRY = {"crates": "crates", "rubygems": "gems", "nuget": "nuget"}


@dataclass(frozen=True, slots=True)
class Link:
    """A component tied to a knowledge-base entity, on one piece of evidence."""

    resolution: Resolution
    tier: Tier
    basis: str
    """What ties them: ``namespace``, ``publisher``, ``owner``, ``email-domain``, ``repository``…"""
    evidence: Evidence
    origin: str
    """The independent source behind the evidence (for corroboration): ``identity``, ``npm``…"""


def fact_evidence(fact: Fact, note: str = "") -> Evidence:
    """A provenance fact as finding evidence."""
    return Evidence(
        "fact", fact.field, fact.value, fact.source, fact.url, fact.retrieved, fact.strength, note
    )


def _identity(component: Component, feeds: FeedSet, profile: str) -> list[Link]:
    """The package's own name against registry namespaces, exact names and name families."""
    eco, name = component.ecosystem, component.name
    if component.source_kind == "workspace":
        return []  # the project's own modules: first-party, never a supplier
    ev_field = {"npm": "name", "maven": "groupId", "golang": "module path"}.get(eco, "name")
    links = []
    for r in feeds.by_package(eco, name, profile):
        basis = r.match.basis if r.match is not None else "namespace"
        verified = r.match.verified if r.match is not None else True
        evidence = Evidence(
            "identity", f"purl {ev_field}", name, "inventory", None, None, "registry-asserted"
        )
        links.append(Link(r, tier_for(basis, verified=verified), basis, evidence, "identity"))
    return links


def _from_fact(fact: Fact, feeds: FeedSet, profile: str) -> list[tuple[Resolution, str, bool]]:
    """(resolution, basis, attested) for each entity a provenance fact names."""
    kind, value, strong = fact.kind, fact.value, fact.strength != "self-declared"
    if kind in ("publisher-account", "owner-account", "maintainer-account") and strong:
        if fact.source == "pypi":
            return [(r, "owner", False) for r in feeds.by_pypi_owner(value, profile)]
        registry = _OWNER_REGISTRY.get(fact.source)
        if registry:
            return [(r, "owner", False) for r in feeds.by_owner(registry, value, profile)]
        return []
    if kind == "owner-team" and value.count(":") >= 2:
        host, org = value.split(":")[:2]
        return [(r, "owner", False) for r in feeds.by_code_host_org(f"{host}.com", org, profile)]
    if kind == "organization":
        if fact.source == "pypi" and strong:
            return [(r, "owner", False) for r in feeds.by_pypi_org(value, profile)]
        # Free text (a Maven <organization>, an author field): whole registered names only.
        return [
            (r, "declared-organization", False) for r in feeds.by_name(value, profile, fuzzy=False)
        ]
    if kind in ("publisher-email", "maintainer-email", "author-email", "host-org-email"):
        return [(r, "email-domain", False) for r in feeds.by_email(value, profile)]
    if kind == "commit-email-domain":
        return [(r, "email-domain", False) for r in feeds.by_email("x@" + value, profile)]
    if kind == "trusted-publisher":
        target = value.split(":", 1)[1] if value.startswith(("github:", "gitlab:")) else value
        if "://" not in target:
            target = (
                "https://gitlab.com/" if value.startswith("gitlab:") else "https://github.com/"
            ) + target
        return [(r, "trusted-publisher", False) for r in feeds.by_repo_url(target, profile)]
    if kind == "repository":
        attested = dict(fact.attrs).get("provenance", "") not in ("", "UNVERIFIED_METADATA")
        return [
            (r, "declared-repository", attested and strong)
            for r in feeds.by_repo_url(value, profile)
        ]
    if kind == "host-owner" and ":" in value:
        host, owner = value.split(":", 1)
        return [
            (r, "repository-owner", False)
            for r in feeds.by_code_host_org(f"{host}.com", owner, profile)
        ]
    if kind in ("homepage", "host-org-blog"):
        return [(r, "web-domain", False) for r in feeds.by_web_domain(value, profile)]
    if kind == "host-company":
        # What an individual typed about their employer: an individual hint at most.
        return [(r, "declared-employer", False) for r in feeds.by_name(value, profile, fuzzy=False)]
    return []


def entity_links(
    component: Component, facts: tuple[Fact, ...], feeds: FeedSet, profile: str
) -> list[Link]:
    """Every link between the component and a linked entity (unlinked and negative controls dropped)."""
    links = _identity(component, feeds, profile)
    for fact in facts:
        for resolution, basis, attested in _from_fact(fact, feeds, profile):
            verified = resolution.match.verified if resolution.match is not None else True
            tier = tier_for(basis, verified=verified, attested=attested)
            links.append(Link(resolution, tier, basis, fact_evidence(fact), fact.source))
    return [
        link
        for link in links
        if link.resolution.linked and not link.resolution.entity.negative_control
    ]
