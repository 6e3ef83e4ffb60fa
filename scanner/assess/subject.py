"""What every check looks at: one component, its provenance, its entity links, and the feeds."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from feeds import FeedSet
from sbom.model import Component
from scanner.assess.links import Link
from scanner.assess.model import TIER_RANK, TIER_SEVERITY, CheckRecord, Evidence, Finding, Tier
from scanner.assess.severity import lower
from scanner.enrich.model import Provenance


@dataclass(frozen=True)
class Subject:
    """A component under assessment."""

    component: Component
    provenance: Provenance
    links: tuple[Link, ...]
    feeds: FeedSet
    profile: str
    paths: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class EntityCase:
    """All links of one component to one entity, and the check that owns them."""

    entity: str
    links: tuple[Link, ...]
    tier: Tier
    check: str
    notes: tuple[str, ...] = ()


def _prohibition(subject: Subject, links: list[Link]) -> tuple[bool, tuple[str, ...]]:
    """Whether a determination covers this very component, and notes when it does not.

    A determination covers product classes (Kaspersky's: its cybersecurity and anti-virus
    software), not every artifact its entity publishes: a component is prohibited only when a
    sourced fact places it in a covered class.
    """
    determinations = {
        p.id: p for lk in links if lk.tier == "strong" for p in lk.resolution.prohibitions
    }
    comp, notes = subject.component, []
    for p in determinations.values():
        if subject.feeds.covered_classes(p, comp.ecosystem, comp.name):
            return True, ()
        covered = "; ".join(c.description for c in p.product_classes if c.covered)
        notes.append(
            f"{p.title} ({p.citation.text}) applies to this entity and covers: {covered}. No "
            "source in the knowledge base places this component in a covered class, so it is "
            "reported as a development link, not as prohibited; review what it is."
        )
    return False, tuple(notes)


def entity_cases(subject: Subject) -> list[EntityCase]:
    """Links grouped per entity; the strongest evidence decides which check reports it."""
    groups: dict[str, list[Link]] = defaultdict(list)
    for link in subject.links:
        groups[link.resolution.entity.id].append(link)
    # Evidence about a parent (Alibaba Group's mail domain) and about its subsidiary (Alibaba
    # Cloud's repository) is one case: reported under the most specific entity, whose
    # chain already names the parent.
    for child in list(groups):
        ancestors = {
            step.entity.id for lk in groups.get(child, ()) for step in lk.resolution.chain[1:]
        }
        for parent in ancestors & set(groups):
            if parent != child:
                groups[child].extend(groups.pop(parent))
    cases = []
    for entity, links in sorted(groups.items()):
        best = max(links, key=lambda lk: TIER_RANK[lk.tier])
        tier = best.tier
        if tier == "informational":
            continue  # below a hint (e.g. an unverified name in free text): not a link at all
        covered, notes = _prohibition(subject, links) if tier == "strong" else (False, ())
        if best.resolution.link == "collaboration":
            # Working with a linked entity is a weaker ground than being developed by one.
            cases.append(EntityCase(entity, tuple(links), lower(tier), "collaboration"))
        elif covered:
            cases.append(EntityCase(entity, tuple(links), "prohibition", "prohibition"))
        elif tier == "strong":
            cases.append(EntityCase(entity, tuple(links), tier, "development", notes))
        elif tier == "medium":
            cases.append(EntityCase(entity, tuple(links), tier, "maintenance"))
        else:
            cases.append(EntityCase(entity, tuple(links), tier, "individual"))
    return cases


def confidence(links: tuple[Link, ...]) -> str:
    """Independent sources agreeing raise confidence; unverified feed facts lower it."""
    origins = {lk.origin for lk in links}
    if not any(lk.resolution.verified for lk in links):
        return "low"
    return "high" if len(origins) >= 2 else "medium"


def feed_evidence(link: Link) -> list[Evidence]:
    """The knowledge-base side: the identifier matched and each step up the ownership chain."""
    res = link.resolution
    out = []
    if res.match is not None:
        src = res.match.sources[0] if res.match.sources else None
        out.append(
            Evidence(
                "feed",
                f"identifier {res.match.kind}",
                res.match.value,
                "feeds",
                src.url if src else None,
                getattr(src, "as_of", None),
                "feed",
                "" if res.match.verified else "unverified in the knowledge base",
            )
        )
    for step in res.chain:
        src = (step.relation_sources or step.jurisdiction_sources or (None,))[0]
        note = (
            f"{step.relation} of the next entity"
            if step.relation
            else f"jurisdiction {step.jurisdiction}"
        )
        out.append(
            Evidence(
                "feed",
                "entity",
                step.entity.id,
                "feeds",
                src.url if src else None,
                getattr(src, "as_of", None),
                "feed",
                note,
            )
        )
    return out


def entity_finding(subject: Subject, case: EntityCase, **fields: object) -> Finding:
    """A Finding for an entity case, with evidence from both sides and the chain."""
    best = max(case.links, key=lambda lk: TIER_RANK[lk.tier])
    res = best.resolution
    evidence = [link.evidence for link in case.links] + feed_evidence(best)
    comp = subject.component
    listings = tuple(
        dict.fromkeys(_listing(eid, li) for lk in case.links for eid, li in lk.resolution.listings)
    )
    return Finding(
        purl=comp.purl,
        entity=case.entity,
        entity_name=res.entity.name,
        jurisdiction=res.jurisdiction,
        chain=tuple(step.entity.id for step in res.chain),
        confidence=confidence(case.links),  # type: ignore[arg-type]
        evidence=tuple(dict.fromkeys(evidence)),
        locations=tuple((loc.path, loc.line) for loc in comp.locations),
        paths=subject.paths,
        basis=best.basis,
        namespace=_namespace(best),
        notes=case.notes,
        listings=listings,
        **fields,  # type: ignore[arg-type]
    )


def _namespace(link: Link) -> str:
    """What the component matched: the identifier for identity links, else basis and value."""
    match = link.resolution.match
    if link.origin == "identity" and match is not None:
        return match.value
    return f"{link.basis}:{match.value if match is not None else link.evidence.value}"


def _listing(eid: str, li: Any) -> str:
    when = f" from {li.valid_from}" if li.valid_from else ""
    when += f" until {li.valid_to}" if li.valid_to else ""
    cite = f" ({li.citation})" if li.citation else ""
    via = f", via {li.note}" if li.status == "by-rule" and li.note else ""
    return f"{eid}: {li.list} {li.status}{when}{cite}{via}"


def describe(case: EntityCase) -> str:
    """One sentence: what ties the component to the entity, and how the entity is linked."""
    best = max(case.links, key=lambda lk: TIER_RANK[lk.tier])
    res = best.resolution
    ev = best.evidence
    ns = res.match.value if res.match is not None else ev.value
    basis = {
        "namespace": f"its namespace {ns} ({ev.value})",
        "repository": f"its repository {ns}",
        "exact-name": f"its package name {ev.value}",
        "name-family": f"its package name {ev.value}, which fits the family {ns}",
        "repository-owner": f"the repository owner in {ev.value}",
        "owner": f"the registry account {ev.value}",
        "declared-organization": f"the declared organization {ev.value!r}",
        "email-domain": f"the address {ev.value} ({ev.field})",
        "trusted-publisher": f"the trusted publisher {ev.value}",
        "declared-repository": f"the source repository {ev.value}",
        "web-domain": f"the web domain of {ev.value}",
        "declared-employer": f"a maintainer's declared employer {ev.value!r}",
    }.get(best.basis, ev.value)
    top = res.chain[-1].entity.name if res.chain else res.entity.name
    how = {
        "direct": f"which is in {res.jurisdiction}",
        "ownership": f"part of {top} ({res.jurisdiction})",
        "collaboration": f"which works with {top} ({res.jurisdiction})",
    }.get(res.link or "", f"linked to {res.jurisdiction}")
    more = len({lk.origin for lk in case.links}) - 1
    extra = f"; {more} more independent source(s) agree" if more > 0 else ""
    return f"Tied to {res.entity.name} through {basis}, {how}{extra}."


def entity_check(subject: Subject, record: CheckRecord) -> list[Finding]:
    """The findings of an entity-based check: one per entity whose case it owns."""
    return [
        entity_finding(
            subject,
            case,
            check=record.id,
            outcome=record.outcome,
            tier=case.tier,
            severity=TIER_SEVERITY[case.tier],
            reason=describe(case),
            provision=_provision(record, case),
            remediation=record.remediation,
        )
        for case in entity_cases(subject)
        if case.check == record.id
    ]


def _provision(record: CheckRecord, case: EntityCase) -> str:
    prohibitions = {p.id: p for lk in case.links for p in lk.resolution.prohibitions}
    if record.id == "prohibition" and prohibitions:
        return "; ".join(f"{p.title} ({p.citation.text})" for p in prohibitions.values())
    return record.provision
