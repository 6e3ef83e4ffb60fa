"""FeedSet: the loaded, indexed knowledge base and the lookups the scanner asks it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from feeds.hosts import CODE_HOSTS, host_of, pep503, repo_path_and_owner, suffixes
from feeds.version import FeedVersion

if TYPE_CHECKING:
    from feeds import model as m
    from feeds.build import Parts
    from feeds.index import Hit, Index
    from feeds.resolve import Match, Resolution

# The records, the index and the resolver are imported where first used: a repeat scan
# whose findings are kept (scanner/assess/kept.py) needs none of them.


class FeedSet:
    """Entities, lists and infrastructure, indexed once; lookups return Resolutions per profile."""

    def __init__(
        self,
        parts: Parts | Callable[[], Parts],
        *,
        version: FeedVersion,
        root: Path,
        digests: dict[str, str],
        on: date | None = None,
    ) -> None:
        # A callable builds the records on first use: a repeat scan whose findings are kept
        # (scanner/assess/kept.py) needs only the version, and never parses the data files.
        self._make = parts if callable(parts) else lambda: parts
        self.on = on
        """The day the knowledge base is evaluated on (``--as-of``); None: every fact, undated."""
        self.version = version
        self.root = root
        self.digests = digests
        self._resolved: dict[tuple[str, str], Resolution] = {}

    @cached_property
    def parts(self) -> Parts:
        """Every record, built on first use."""
        return self._make()

    @cached_property
    def sources(self) -> Mapping[str, m.Source]:
        return self.parts.sources

    @cached_property
    def jurisdictions(self) -> dict[str, m.Jurisdiction]:
        return self.parts.jurisdictions

    @cached_property
    def profiles(self) -> dict[str, m.Profile]:
        return self.parts.profiles

    @cached_property
    def entities(self) -> dict[str, m.Entity]:
        return self.parts.entities

    @cached_property
    def prohibitions(self) -> dict[str, m.Prohibition]:
        return self.parts.prohibitions

    @cached_property
    def infrastructure(self) -> dict[str, m.Infrastructure]:
        return self.parts.infrastructure

    @cached_property
    def email_providers(self) -> dict[str, m.EmailProvider]:
        return self.parts.email_providers

    @cached_property
    def csl(self) -> m.CslSnapshot | None:
        return self.parts.csl

    @cached_property
    def rules(self) -> dict[str, m.Rule]:
        return self.parts.rules

    @cached_property
    def files(self) -> dict[str, list[str]]:
        return self.parts.files

    @cached_property
    def _covered(self) -> dict[str, frozenset[str]]:
        from feeds.resolve import covered_ids

        return {p.id: covered_ids(p, self.entities) for p in self.prohibitions.values()}

    @cached_property
    def default_profile(self) -> str:
        return next(p.id for p in self.profiles.values() if p.default)

    @cached_property
    def index(self) -> Index:
        """The lookup index for this day, built on first use: a scan evaluates the knowledge
        base on one day, so the undated view it loads first is never indexed."""
        from feeds.index import Index

        return Index(
            self.entities,
            self.email_providers.values(),
            self.infrastructure.values(),
            self.jurisdictions.values(),
            self.csl,
            self.on,
        )

    def at(self, on: date | None) -> FeedSet:
        """The same knowledge base evaluated on another day (identifiers, parents, listings and
        rules that hold then); the day's view is built once and kept."""
        if on == self.on:
            return self
        views = self.__dict__.setdefault("_views", {})
        if on not in views:
            views[on] = FeedSet(
                lambda: self.parts,
                version=self.version,
                root=self.root,
                digests=self.digests,
                on=on,
            )
        view: FeedSet = views[on]
        return view

    # Records -------------------------------------------------------------------------------

    def profile(self, profile_id: str | None = None) -> m.Profile:
        try:
            return self.profiles[profile_id or self.default_profile]
        except KeyError:
            raise KeyError(
                f"unknown profile {profile_id!r} (known: {', '.join(self.profiles)})"
            ) from None

    def sources_of(self, ids: tuple[str, ...]) -> tuple[m.Source, ...]:
        return tuple(self.sources[i] for i in ids if i in self.sources)

    def resolve(self, entity_id: str, profile: str | None = None) -> Resolution:
        """The entity, its parent chain and the jurisdiction that links it under ``profile``."""
        prof = self.profile(profile)
        key = (entity_id, prof.id)
        if key not in self._resolved:
            from feeds.resolve import resolve

            entity = self.entities[entity_id]
            applicable = tuple(
                p
                for p in self.prohibitions.values()
                if prof.id in p.profiles and entity_id in self._covered[p.id]
            )
            self._resolved[key] = resolve(
                entity,
                self.entities,
                prof,
                self.sources_of,
                applicable,
                on=self.on,
                rules=tuple(self.rules.values()),
            )
        return self._resolved[key]

    def _resolutions(
        self, hits: list[Hit], query: str, profile: str | None, basis: str | list[str] = ""
    ) -> tuple[Resolution, ...]:
        from feeds.resolve import Match

        out = []
        for n, hit in enumerate(hits):
            base = self.resolve(hit.entity_id, profile)
            match = Match(
                hit.kind,
                query,
                hit.value,
                self.sources_of(hit.fact.src),
                hit.fact.verified,
                hit.score,
                basis if isinstance(basis, str) else basis[n],
                getattr(hit.fact, "scope", ""),
            )
            verified = base.verified and hit.fact.verified
            out.append(_with(base, match, verified))
        return tuple(out)

    # Identifier lookups --------------------------------------------------------------------

    def by_package(
        self, ecosystem: str, name: str, profile: str | None = None
    ) -> tuple[Resolution, ...]:
        """What a package's own name says (npm scope, Maven groupId, Go module path, exact names
        and name families); each match carries its basis (see feeds.packages)."""
        from feeds.packages import package_hits

        found = package_hits(self.index, ecosystem, name)
        return self._resolutions([h for h, _ in found], name, profile, [b for _, b in found])

    def covered_classes(
        self, prohibition: m.Prohibition, ecosystem: str, name: str
    ) -> tuple[m.ProductClass, ...]:
        """The covered product classes of a prohibition that a source places this package in."""
        from feeds import model as m
        from feeds.index import Index
        from feeds.packages import package_hits

        out = []
        for pc in prohibition.product_classes:
            if pc.covered and pc.members:
                members = self.__dict__.setdefault("_members", {})
                key = (prohibition.id, pc.id)
                if key not in members:
                    entity = m.Entity(
                        id=pc.id, kind="project", names=(), identifiers=pc.members, file="",
                        jurisdiction=m.JurisdictionFact("", "", ()),
                    )  # fmt: skip
                    members[key] = Index({pc.id: entity}, on=self.on)
                if package_hits(members[key], ecosystem, name):
                    out.append(pc)
        return tuple(out)

    def by_email(self, address: str, profile: str | None = None) -> tuple[Resolution, ...]:
        """Corporate e-mail domains (subdomains included); consumer mailboxes never match here."""
        kind, domain = self._mailbox(address)
        if kind != "corporate":
            return ()
        return self._resolutions(self.index.exact("email_domain", domain), address, profile)

    def by_web_domain(self, url_or_host: str, profile: str | None = None) -> tuple[Resolution, ...]:
        """The entity whose own web domain a URL is on; nothing for hosting platforms and mirrors."""
        return self._resolutions(
            self.index.domain("web_domain", host_of(url_or_host)), url_or_host, profile
        )

    def hosting_platform(self, url_or_host: str) -> m.Identifier | None:
        """The hosting platform or mirror identifier a URL falls under, if any."""
        from feeds import model as m

        hit = self.index.hosting("web_domain", host_of(url_or_host))
        return hit.fact if hit is not None and isinstance(hit.fact, m.Identifier) else None

    def by_code_host_org(
        self, host: str, org: str, profile: str | None = None
    ) -> tuple[Resolution, ...]:
        kind = CODE_HOSTS.get(host_of(host).removeprefix("www."))
        if kind is None:
            return ()
        return self._resolutions(self.index.exact(kind, org), f"{host}/{org}", profile)

    def by_repo_url(self, url: str, profile: str | None = None) -> tuple[Resolution, ...]:
        """One registered repository first (a mixed organisation), then the owning organisation."""
        found, owner = repo_path_and_owner(url)
        if found is not None:
            host, path = found
            kind = CODE_HOSTS[host].replace("_org", "_repo").replace("_group", "_repo")
            hits = self.index.exact(kind, path)
            if hits:
                return self._resolutions(hits, url, profile)
        return self.by_code_host_org(owner[0], owner[1], profile) if owner else ()

    def by_npm(self, name: str, profile: str | None = None) -> tuple[Resolution, ...]:
        """An npm package name: its exact name first, then its scope, then name families."""
        hits = self.index.exact("npm_package", name)
        if not hits and name.startswith("@") and "/" in name:
            hits = self.index.exact("npm_scope", name.split("/", 1)[0])
        if not hits and not name.startswith("@"):
            hits = self.index.package_name("npm_name_pattern", name)
        return self._resolutions(hits, name, profile)

    def by_nuget(self, package_id: str, profile: str | None = None) -> tuple[Resolution, ...]:
        """A NuGet package ID: the longest registered prefix on ``.`` boundaries (or the ID)."""
        return self._resolutions(
            self.index.prefix("nuget_prefix", package_id, "."), package_id, profile
        )

    def by_package_name(
        self, ecosystem: str, name: str, profile: str | None = None
    ) -> tuple[Resolution, ...]:
        """A package name in an ecosystem without namespaces (gems, crates, pub): exact or family."""
        kind = {
            "gem": "gem_name_pattern",
            "cargo": "crates_name_pattern",
            "pub": "pub_name_pattern",
        }
        return self._resolutions(self.index.package_name(kind[ecosystem], name), name, profile)

    def by_composer(self, name: str, profile: str | None = None) -> tuple[Resolution, ...]:
        """A Composer package ``vendor/name``: its vendor namespace."""
        vendor = name.split("/", 1)[0]
        return self._resolutions(self.index.exact("composer_vendor", vendor), name, profile)

    def by_npm_scope(self, scope: str, profile: str | None = None) -> tuple[Resolution, ...]:
        return self._resolutions(self.index.exact("npm_scope", scope), scope, profile)

    def by_maven_group(self, group_id: str, profile: str | None = None) -> tuple[Resolution, ...]:
        return self._resolutions(
            self.index.prefix("maven_group_prefix", group_id, "."), group_id, profile
        )

    def by_go_module(self, module: str, profile: str | None = None) -> tuple[Resolution, ...]:
        """Registered module prefixes first, then the code-host organization in the path."""
        hits = self.index.prefix("go_module_prefix", module, "/")
        if hits:
            return self._resolutions(hits, module, profile)
        return self.by_repo_url(module, profile)

    def by_pypi_org(self, org: str, profile: str | None = None) -> tuple[Resolution, ...]:
        return self._resolutions(self.index.exact("pypi_org", org), org, profile)

    def by_pypi_owner(self, owner: str, profile: str | None = None) -> tuple[Resolution, ...]:
        return self._resolutions(self.index.exact("pypi_owner", owner), owner, profile)

    def by_pypi_name(self, name: str, profile: str | None = None) -> tuple[Resolution, ...]:
        return self._resolutions(self.index.pypi_name(pep503(name)), name, profile)

    def by_owner(
        self, registry: str, owner: str, profile: str | None = None
    ) -> tuple[Resolution, ...]:
        """Owner accounts on NuGet (``nuget``), crates.io (``crates``) and RubyGems (``gems``)."""
        kind = {"nuget": "nuget_owner", "crates": "crates_owner", "gems": "gem_owner"}[registry]
        return self._resolutions(self.index.exact(kind, owner), owner, profile)

    def by_name(
        self, name: str, profile: str | None = None, fuzzy: bool = True
    ) -> tuple[Resolution, ...]:
        """A legal or common name (suffixes stripped; fuzzy only at or above FUZZY_THRESHOLD)."""
        return self._resolutions(self.index.name(name, fuzzy), name, profile)

    def in_text(self, text: str, profile: str | None = None) -> tuple[Resolution, ...]:
        """Entity names found in free text; aliases shorter than MIN_KEY_LENGTH never match."""
        return self._resolutions(self.index.text(text), text, profile)

    # Hints that are not entity links -------------------------------------------------------

    def email_provider(self, address_or_domain: str) -> m.EmailProvider | None:
        """The consumer mailbox provider of an address: an individual jurisdiction hint only."""
        kind, domain = self._mailbox(address_or_domain)
        return self.index.email_providers[domain] if kind == "provider" else None

    def _mailbox(self, address: str) -> tuple[str, str]:
        """The most specific known domain of an address: ("corporate" | "provider" | "", domain).

        Walking from the full host up lets a corporate subdomain of a provider's domain
        (``corp.mail.ru``) win over the consumer service (``mail.ru``).
        """
        corporate = self.index.ids.get("email_domain", {})
        for candidate in suffixes(host_of(address)):
            if candidate in corporate:
                return "corporate", candidate
            if candidate in self.index.email_providers:
                return "provider", candidate
        return "", ""

    def infrastructure_for(self, url_or_host: str) -> m.Infrastructure | None:
        """The mirror, proxy, code host or model hub serving a URL, when one is known."""
        for candidate in suffixes(host_of(url_or_host)):
            if candidate in self.index.infrastructure:
                return self.index.infrastructure[candidate]
        return None

    def cctld(self, url_or_host: str, profile: str | None = None) -> m.Jurisdiction | None:
        """The profile jurisdiction whose country-code TLD a host ends in (a weak hint)."""
        tld = host_of(url_or_host).rsplit(".", 1)[-1]
        j = self.index.tlds.get(tld)
        if j is None:
            return None
        wanted = self.profile(profile).jurisdictions
        # .ve names Venezuela, which only bulk-data lists as a state; the ICTS list names the regime.
        return j if j.id in wanted else None

    def screen(
        self, name: str, profile: str | None = None, fuzzy: bool = True
    ) -> tuple[tuple[m.CslParty, float], ...]:
        """Consolidated Screening List parties in the profile's jurisdictions matching a name."""
        wanted = set(self.profile(profile).jurisdictions)
        return tuple(
            (p, s) for p, s in self.index.csl(name, fuzzy) if wanted.intersection(p.countries)
        )


def _with(base: Resolution, match: Match, verified: bool) -> Resolution:
    from feeds.resolve import Resolution

    return Resolution(
        entity=base.entity,
        chain=base.chain,
        profile=base.profile,
        link=base.link,
        jurisdiction=base.jurisdiction,
        via=base.via,
        verified=verified,
        listings=base.listings,
        prohibitions=base.prohibitions,
        match=match,
    )
