"""What a change introduces between two revisions: components, findings, provenance changes, stale waivers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from feeds import FeedSet
from feeds.hosts import split_url
from sbom.model import Component, Inventory
from sbom.vcs import split as split_remote
from scanner.assess.model import SEVERITY_RANK, Finding
from scanner.assess.policy import WaiverUse, exit_code
from scanner.config import Config
from scanner.enrich.model import Enriched, Fact
from scanner.pipeline import ScanRequest, ScanResult, scan

# Fact kinds whose value is an account or organization: a new one at head is a new party.
ACCOUNT_KINDS = {
    "maintainer-account": "maintainer account",
    "publisher-account": "publishing account",
    "owner-account": "owner account",
    "owner-team": "owner team",
    "organization": "organization",
    "trusted-publisher": "trusted publisher",
    "host-owner": "repository owner account",
}
# E-mail facts compare by domain: a new address at a known domain is not a new party.
EMAIL_KINDS = {
    "maintainer-email": "maintainer e-mail domain",
    "publisher-email": "publisher e-mail domain",
}
# Registry text is hostile input: one package must not flood the report.
MAX_CHANGES_PER_PACKAGE = 20
MAX_BEFORE = 10


@dataclass(frozen=True)
class Revision:
    """One side of the diff: the name as given and the commit (None for the working tree)."""

    name: str
    commit: str | None = None


@dataclass(frozen=True)
class VersionChange:
    """A package present at both revisions whose versions differ."""

    package: str
    """purl without version."""
    name: str
    ecosystem: str
    base: tuple[str, ...]
    head: tuple[str, ...]


@dataclass(frozen=True)
class ProvenanceChange:
    """A party or supply path of a kept package that the base revision did not have."""

    package: str
    what: str
    value: str
    before: tuple[str, ...]
    source: str
    """The enricher that stated it, or ``lockfile`` for download hosts and registries."""
    purl: str
    """The head component it was read for."""
    url: str | None = None
    strength: str = "lockfile"


@dataclass(frozen=True)
class DiffResult:
    """Both scans and what the head revision introduces over the base."""

    base: Revision
    head: Revision
    base_scan: ScanResult
    head_scan: ScanResult
    added: tuple[Component, ...]
    changed: tuple[VersionChange, ...]
    removed: tuple[Component, ...]
    new_findings: tuple[Finding, ...]
    provenance: tuple[ProvenanceChange, ...]
    stale_waivers: tuple[WaiverUse, ...]
    policy_source: str = ""
    """Where the policy that judged the change came from (the base revision's file)."""
    policy_changes: tuple[str, ...] = ()
    """What the change does to the policy file: reported for review, never applied to itself."""

    @property
    def incomplete(self) -> bool:
        """Unknowns on either side: a base unknown can hide what is really new."""
        return self.base_scan.incomplete or self.head_scan.incomplete

    @property
    def fail_on(self) -> str:
        return self.head_scan.fail_on

    def exit_code(self, strict: bool) -> int:
        """1 when a new, unwaived finding is at or above fail-on; 3 incomplete under strict."""
        return exit_code(self.new_findings, self.fail_on, self.incomplete, strict)


def package_of(purl: str) -> str:
    """The purl without its version (and qualifiers), as Finding.identity spells a package."""
    return purl.split("@", 1)[0] if "@" in purl[4:] else purl.split("?", 1)[0]


def _by_package(inv: Inventory) -> dict[str, list[Component]]:
    out: dict[str, list[Component]] = {}
    for c in inv.components:
        out.setdefault(package_of(c.purl), []).append(c)
    return out


def _versions(comps: Iterable[Component]) -> tuple[str, ...]:
    return tuple(sorted({c.version or c.requirement or "" for c in comps}))


def run(
    base: Revision,
    base_inventory: Inventory,
    head: Revision,
    head_inventory: Inventory,
    feeds: FeedSet,
    config: Config,
    *,
    path: str = ".",
    offline: bool = False,
    network: bool = True,
    verify: bool = False,
    today: date | None = None,
    max_time: float | None = None,
) -> DiffResult:
    """Scan both inventories with the same policy and compare them."""

    def one(inv: Inventory) -> ScanResult:
        request = ScanRequest(
            path=path,
            config=config,
            offline=offline,
            network=network,
            verify=verify,
            today=today,
            inventory=inv,
            max_time=max_time,
        )
        return scan(request, feeds)

    return compare(base, one(base_inventory), head, one(head_inventory))


def compare(
    base: Revision, base_scan: ScanResult, head: Revision, head_scan: ScanResult
) -> DiffResult:
    """What head introduces: finding identity ignores versions and lockfile paths."""
    before, after = _by_package(base_scan.inventory), _by_package(head_scan.inventory)
    added = tuple(c for key, comps in sorted(after.items()) if key not in before for c in comps)
    removed = tuple(c for key, comps in sorted(before.items()) if key not in after for c in comps)
    changed = tuple(
        VersionChange(key, comps[0].name, comps[0].ecosystem, _versions(before[key]), now)
        for key, comps in sorted(after.items())
        if key in before and (now := _versions(comps)) != _versions(before[key])
    )
    known = {f.identity for f in base_scan.findings}
    new = sorted(
        (f for f in head_scan.findings if f.identity not in known),
        key=lambda f: (-SEVERITY_RANK[f.severity], f.check, f.purl, f.entity or ""),
    )
    was = {u.waiver.id: u.state for u in base_scan.waivers}
    stale = tuple(
        u for u in head_scan.waivers if u.state == "stale" and was.get(u.waiver.id) != "stale"
    )
    return DiffResult(
        base=base,
        head=head,
        base_scan=base_scan,
        head_scan=head_scan,
        added=added,
        changed=changed,
        removed=removed,
        new_findings=tuple(new),
        provenance=tuple(
            provenance_changes(
                base_scan.inventory, base_scan.enriched, head_scan.inventory, head_scan.enriched
            )
        ),
        stale_waivers=stale,
    )


def _signals(fact: Fact) -> tuple[str, str] | None:
    """(what, comparable value) of a fact that names a party, or None."""
    if fact.kind in ACCOUNT_KINDS:
        return ACCOUNT_KINDS[fact.kind], fact.value.strip().lower()
    if fact.kind in EMAIL_KINDS:
        _, at, domain = fact.value.rpartition("@")
        domain = domain.strip().strip("<>").rstrip(".").lower()
        return (EMAIL_KINDS[fact.kind], domain) if at and domain else None
    if fact.kind == "repository":
        parts = split_remote(fact.value)
        if parts is None:
            return None
        host, path = parts
        return "repository owner", f"{host}/{path.split('/', 1)[0]}".lower()
    return None


def _hosts(comp: Component) -> list[tuple[str, str]]:
    """(what, value) of the download hosts and registries the lockfile recorded."""
    out = []
    for url, what in [
        *((u, "download host") for u in comp.resolved),
        *((u, "registry") for u in comp.registries),
    ]:
        parts = split_url(url)
        if parts and parts.scheme and parts.hostname:
            port = f":{parts.port}" if parts.port else ""
            path = parts.path.rstrip("/") if what == "registry" else ""
            # No user info: a lockfile URL may carry credentials.
            out.append((what, f"{parts.scheme}://{parts.hostname}{port}{path}".lower()))
    return out


def provenance_changes(
    base_inv: Inventory, base: Enriched, head_inv: Inventory, head: Enriched
) -> list[ProvenanceChange]:
    """New parties and supply paths of packages present at both revisions.

    Facts count only from sources that answered at base (an unknown base is not a change);
    hosts only where the base lockfile recorded any (a new lockfile format is not a change).
    """
    before, after = _by_package(base_inv), _by_package(head_inv)
    out: list[ProvenanceChange] = []
    for key, comps in sorted(after.items()):
        if key not in before:
            continue
        old: dict[str, set[str]] = {}
        answered: set[str] = set()
        for c in before[key]:
            prov = base.provenance.get(c.purl)
            if prov is not None:
                answered.update(s.source for s in prov.statuses if s.status == "ok")
                for fact in prov.facts:
                    if (sig := _signals(fact)) is not None:
                        old.setdefault(sig[0], set()).add(sig[1])
            for what, value in _hosts(c):
                old.setdefault(what, set()).add(value)
        changes: dict[tuple[str, str], ProvenanceChange] = {}
        for c in comps:
            prov = head.provenance.get(c.purl)
            for fact in prov.facts if prov is not None else ():
                sig = _signals(fact)
                if sig is None or fact.source not in answered or sig[1] in old.get(sig[0], ()):
                    continue
                seen = tuple(sorted(old.get(sig[0], ())))[:MAX_BEFORE]
                changes.setdefault(
                    sig,
                    ProvenanceChange(
                        key, sig[0], sig[1], seen, fact.source, c.purl, fact.url, fact.strength
                    ),
                )
            for what, value in _hosts(c):
                if old.get(what) and value not in old[what]:
                    seen = tuple(sorted(old[what]))[:MAX_BEFORE]
                    changes.setdefault(
                        (what, value), ProvenanceChange(key, what, value, seen, "lockfile", c.purl)
                    )
        out.extend(list(changes.values())[:MAX_CHANGES_PER_PACKAGE])
    return out
