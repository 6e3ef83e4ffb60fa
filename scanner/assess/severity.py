"""The one severity table: what kind of evidence, about which scope of identifier, allows which severity."""

from __future__ import annotations

from dataclasses import dataclass

from scanner.assess.model import TIER_SEVERITY, Tier


@dataclass(frozen=True, slots=True)
class Row:
    """One kind of evidence, the identifier scope it needs, and the tier it allows."""

    basis: str
    evidence: str
    scope: str
    tier: Tier
    why: str

    @property
    def severity(self) -> str:
        return TIER_SEVERITY[self.tier]


ROWS: tuple[Row, ...] = (
    Row("namespace", "the package's own name lies in a registry namespace or code-host organisation: npm scope, Maven groupId, Go module prefix or repository owner, Composer vendor, Swift/Actions repository owner", "organisation", "strong",
        "registries and code hosts let only the namespace's owner publish there"),
    Row("repository", "the package's own name is one repository the entity runs in an otherwise mixed organisation", "repository", "strong",
        "the repository, not its organisation, is what the source shows the entity controls"),
    Row("exact-name", "the package's exact name (npm, PyPI, NuGet, RubyGems, crates.io, pub.dev) is one the entity publishes", "organisation", "strong",
        "one name belongs to one publisher"),
    Row("owner", "a registry-asserted owner, publisher or organisation account belongs to the entity", "organisation", "strong",
        "the registry, not the package author, states it"),
    Row("trusted-publisher", "an attested build (PEP 740, npm provenance, trusted publishing) ran in the entity's repository", "organisation", "strong",
        "a signature or the registry binds the release to the repository"),
    Row("name-family", "the package name only fits the shape of a family the entity publishes (a glob, a NuGet ID prefix)", "organisation", "medium",
        "anyone may register a name of the same shape"),
    Row("declared-repository", "the source repository declared in the package's metadata belongs to the entity (attested: strong)", "organisation", "medium",
        "the author typed the URL; the code host says who owns it"),
    Row("repository-owner", "the code host says the declared repository belongs to the entity's organisation", "organisation", "medium",
        "asserted by the code host about a repository the author declared"),
    Row("email-domain", "a maintainer, publisher, author or commit address is at the entity's corporate mail domain", "organisation", "medium",
        "people who maintain or publish use the entity's own mail system"),
    Row("web-domain", "the homepage or documentation is on the entity's own web domain", "organisation", "medium",
        "self-declared, and never for a hosting platform, mirror or share link"),
    Row("declared-organization", "a free-text organisation field names the entity's whole legal or registered name", "organisation", "weak",
        "free text alone is never more than a hint"),
    Row("declared-employer", "a maintainer's profile names the entity as employer", "organisation", "weak",
        "an individual's own declaration"),
)  # fmt: skip
BY_BASIS = {row.basis: row for row in ROWS}
# Never a link to the operator: these scopes only ever lead to the individual or supply-path checks.
NOT_LINKS = (
    (
        "hosting-platform",
        "a URL on a service that hosts other people's code, files or tenants",
        "none",
    ),
    ("mirror", "a download through a package mirror", "supply-path check only"),
    ("personal-mailbox", "an address at a consumer mailbox provider", "individual check, low"),
    ("student-mailbox", "a student's university mailbox", "individual check, low"),
)
_ORDER: list[Tier] = ["informational", "weak", "medium", "strong", "prohibition"]


def lower(tier: Tier) -> Tier:
    """One step weaker: for an unverified knowledge-base fact, or a collaboration link."""
    return _ORDER[max(0, _ORDER.index(tier) - 1)]


def tier_for(basis: str, *, verified: bool = True, attested: bool = False) -> Tier:
    """The tier a piece of evidence allows; an unverified identifier allows one step less."""
    tier: Tier = "strong" if attested else BY_BASIS[basis].tier
    return tier if verified else lower(tier)


def table_markdown() -> str:
    """The table as Markdown, for ``icts-scan explain severity`` and the docs."""
    lines = ["| evidence | identifier scope | severity |", "|---|---|---|"]
    lines += [f"| {r.evidence} | {r.scope} | {r.severity} |" for r in ROWS]
    lines += [f"| {what} | {scope} | {outcome} |" for scope, what, outcome in NOT_LINKS]
    return "\n".join(lines)
