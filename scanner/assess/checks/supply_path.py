"""Was the artifact resolved from a mirror or host operated in or by an adversary jurisdiction?"""

from __future__ import annotations

from urllib.parse import urlsplit

from scanner.assess.model import TIER_SEVERITY, CheckRecord, Evidence, Finding, Tier
from scanner.assess.subject import Subject

RECORD = CheckRecord(
    id="supply-path",
    title="Supplied through an adversary-operated mirror or host",
    question="Does the lockfile record a download URL or registry run by a linked entity, or "
    "operated in an adversary jurisdiction?",
    outcome="supply-path",
    provision="15 CFR 791.1(a)(1): persons who supply the ICTS, including update channels",
    grounds="A resolved URL or registry in the lockfile (or an --index-url) whose host the "
    "knowledge base lists as a mirror, proxy or code host with its operator.",
    never="The package's own origin is a separate question; a mirror only says who delivered "
    "the bytes. Integrity hashes in the lockfile limit what a mirror can change.",
    remediation="Resolve from the official registry or a mirror you control; keep lockfile "
    "integrity hashes and verify them.",
    tiers=("medium", "weak"),
)


def run(subject: Subject) -> list[Finding]:
    """One finding per mirror the component was resolved through."""
    comp, feeds = subject.component, subject.feeds
    seen: dict[str, list[Evidence]] = {}
    infra_by_id = {}
    where = comp.locations[0].path if comp.locations else None
    for field, urls in (("resolved", comp.resolved), ("registry", comp.registries)):
        for url in urls:
            infra = feeds.infrastructure_for(url)
            if infra is None:
                continue
            infra_by_id[infra.id] = infra
            seen.setdefault(infra.id, []).append(
                Evidence("lockfile", field, url, "lockfile", where, None, "registry-asserted")
            )
    wanted = set(feeds.profile(subject.profile).jurisdictions)
    findings = []
    for infra_id, evidence in sorted(seen.items()):
        infra = infra_by_id[infra_id]
        operator = feeds.resolve(infra.operator, subject.profile) if infra.operator else None
        linked = operator is not None and operator.linked
        if not linked and infra.jurisdiction not in wanted:
            continue
        # A mirror run by a linked entity is an update channel it controls; one merely
        # located in an adversary jurisdiction is a weaker signal.
        tier: Tier = "medium" if linked else "weak"
        who = operator.entity.name if operator is not None else (infra.operator_name or infra.id)
        findings.append(
            Finding(
                purl=comp.purl,
                check=RECORD.id,
                outcome=RECORD.outcome,
                tier=tier,
                severity=TIER_SEVERITY[tier],
                reason=f"Resolved through {infra.title or infra.id} "
                f"({urlsplit(evidence[0].value).hostname or evidence[0].value}), "
                f"operated by {who} in {infra.jurisdiction}.",
                provision=RECORD.provision,
                remediation=RECORD.remediation,
                entity=operator.entity.id if operator is not None else None,
                entity_name=who,
                jurisdiction=infra.jurisdiction,
                chain=tuple(s.entity.id for s in operator.chain) if operator is not None else (),
                confidence="high" if infra.verified else "low",
                evidence=tuple(evidence),
                locations=tuple((loc.path, loc.line) for loc in comp.locations),
                paths=subject.paths,
            )
        )
    return findings
