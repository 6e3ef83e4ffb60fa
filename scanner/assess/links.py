"""From a component's identity, provenance facts and lockfile URLs to knowledge-base entity links."""

from __future__ import annotations

from dataclasses import dataclass

from feeds import FeedSet
from feeds.resolve import Resolution
from sbom.model import Component
from scanner.assess.model import Evidence, Tier
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
    """The package's own name: registry namespaces are owned, so a match is strong."""
    eco, name = component.ecosystem, component.name
    found: list[tuple[Resolution, Tier, str]] = []
    if eco == "npm":
        found = [(r, "strong", "namespace") for r in feeds.by_npm(name, profile)]
    elif eco == "maven" and ":" in name:
        found = [
            (r, "strong", "namespace") for r in feeds.by_maven_group(name.split(":")[0], profile)
        ]
    elif eco == "golang":
        for r in feeds.by_go_module(name, profile):
            # A registered module prefix is the entity's namespace; an org in the path only
            # says where the source is hosted.
            prefix = r.match is not None and r.match.kind == "go_module_prefix"
            found.append(
                (r, "strong" if prefix else "medium", "namespace" if prefix else "repository")
            )
    elif eco == "pypi":
        # PyPI has no namespaces: anyone may register a name that fits a pattern.
        found = [(r, "medium", "name-pattern") for r in feeds.by_pypi_name(name, profile)]
    elif eco in ("github", "swift") and "/" in name:
        owner_path = name if eco == "github" else name.split("/", 1)[1]
        host = "github.com" if eco == "github" else name.split("/", 1)[0]
        owner = owner_path.split("/", 1)[0]
        found = [
            (r, "strong", "repository-owner") for r in feeds.by_code_host_org(host, owner, profile)
        ]
    ev_field = {"npm": "name", "maven": "groupId", "golang": "module path"}.get(eco, "name")
    return [
        Link(
            r,
            tier,
            basis,
            Evidence(
                "identity", f"purl {ev_field}", name, "inventory", None, None, "registry-asserted"
            ),
            "identity",
        )
        for r, tier, basis in found
    ]


def _from_fact(fact: Fact, feeds: FeedSet, profile: str) -> list[tuple[Resolution, Tier, str]]:
    kind, value, strong = fact.kind, fact.value, fact.strength != "self-declared"
    if kind in ("publisher-account", "owner-account", "maintainer-account") and strong:
        if fact.source == "pypi":
            return [(r, "strong", "owner") for r in feeds.by_pypi_owner(value, profile)]
        registry = _OWNER_REGISTRY.get(fact.source)
        if registry:
            return [(r, "strong", "owner") for r in feeds.by_owner(registry, value, profile)]
        return []
    if kind == "owner-team" and value.count(":") >= 2:
        host, org = value.split(":")[:2]
        return [
            (r, "strong", "owner-team") for r in feeds.by_code_host_org(f"{host}.com", org, profile)
        ]
    if kind == "organization":
        if fact.source == "pypi" and strong:
            return [(r, "strong", "organization") for r in feeds.by_pypi_org(value, profile)]
        return [
            (r, "medium", "declared-organization")
            for r in feeds.by_name(value, profile, fuzzy=False)
        ]
    if kind in ("publisher-email", "maintainer-email", "author-email", "host-org-email"):
        return [(r, "medium", "email-domain") for r in feeds.by_email(value, profile)]
    if kind == "commit-email-domain":
        return [(r, "medium", "commit-email-domain") for r in feeds.by_email("x@" + value, profile)]
    if kind == "trusted-publisher":
        target = value.split(":", 1)[1] if value.startswith(("github:", "gitlab:")) else value
        if "://" not in target:
            target = (
                "https://gitlab.com/" if value.startswith("gitlab:") else "https://github.com/"
            ) + target
        return [(r, "strong", "trusted-publisher") for r in feeds.by_repo_url(target, profile)]
    if kind == "repository":
        attested = dict(fact.attrs).get("provenance", "") not in ("", "UNVERIFIED_METADATA")
        tier: Tier = "strong" if attested and strong else "medium"
        return [(r, tier, "repository") for r in feeds.by_repo_url(value, profile)]
    if kind == "host-owner" and ":" in value:
        host, owner = value.split(":", 1)
        return [
            (r, "medium", "repository-owner")
            for r in feeds.by_code_host_org(f"{host}.com", owner, profile)
        ]
    if kind in ("homepage", "host-org-blog"):
        return [(r, "medium", "web-domain") for r in feeds.by_web_domain(value, profile)]
    if kind == "host-company":
        # What an individual typed about their employer: an individual hint at most.
        return [
            (r, "weak", "declared-employer") for r in feeds.by_name(value, profile, fuzzy=False)
        ]
    return []


def entity_links(
    component: Component, facts: tuple[Fact, ...], feeds: FeedSet, profile: str
) -> list[Link]:
    """Every link between the component and a linked entity (unlinked and negative controls dropped)."""
    links = _identity(component, feeds, profile)
    for fact in facts:
        for resolution, tier, basis in _from_fact(fact, feeds, profile):
            links.append(Link(resolution, tier, basis, fact_evidence(fact), fact.source))
    return [
        link
        for link in links
        if link.resolution.linked and not link.resolution.entity.negative_control
    ]
