"""Was the artifact resolved from a mirror or host operated in or by an adversary jurisdiction?"""

from __future__ import annotations

from typing import Any

from feeds.hosts import split_url
from scanner.assess.model import TIER_SEVERITY, CheckRecord, Evidence, Finding, Tier
from scanner.assess.subject import Subject

MAX_EVIDENCE = 5  # example URLs per finding; the finding lists every component
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
    """Nothing per component: supply paths are reported per file and mirror (run_inventory)."""
    return []


def run_inventory(subjects: list[Subject]) -> list[Finding]:
    """One finding per (file or registry setting, mirror), listing every component it covers."""
    if not subjects:
        return []
    feeds, profile = subjects[0].feeds, subjects[0].profile
    wanted = set(feeds.profile(profile).jurisdictions)
    cases: dict[tuple[str, str], dict[str, Any]] = {}
    for subject in subjects:
        comp = subject.component
        files = [(loc.path, loc.line) for loc in comp.locations] or [("", None)]
        for field, urls in (("resolved", comp.resolved), ("registry", comp.registries)):
            for url in urls:
                infra = feeds.infrastructure_for(url)
                if infra is None:
                    continue
                for path, line in files:
                    case = cases.setdefault(
                        (path, infra.id),
                        {"infra": infra, "purls": {}, "evidence": [], "line": line},
                    )
                    case["purls"][comp.purl] = None
                    if line is not None and (case["line"] is None or line < case["line"]):
                        case["line"] = line
                    if len(case["evidence"]) < MAX_EVIDENCE:
                        ev = Evidence(
                            "lockfile",
                            field,
                            url,
                            "lockfile",
                            path or None,
                            None,
                            "registry-asserted",
                        )
                        if ev not in case["evidence"]:
                            case["evidence"].append(ev)
    findings = []
    for (path, _), case in sorted(cases.items(), key=lambda kv: kv[0]):
        infra = case["infra"]
        operator = feeds.resolve(infra.operator, profile) if infra.operator else None
        linked = operator is not None and operator.linked
        if not linked and infra.jurisdiction not in wanted:
            continue
        # A mirror run by a linked entity is an update channel it controls; one merely
        # located in an adversary jurisdiction is a weaker signal.
        tier: Tier = "medium" if linked else "weak"
        who = operator.entity.name if operator is not None else (infra.operator_name or infra.id)
        purls = tuple(case["purls"])
        split = split_url(case["evidence"][0].value)
        host = (split.hostname if split else None) or case["evidence"][0].value
        where = path or "the registry settings"
        findings.append(
            Finding(
                purl="",
                check=RECORD.id,
                outcome=RECORD.outcome,
                tier=tier,
                severity=TIER_SEVERITY[tier],
                reason=f"{len(purls)} component(s) in {where} resolved through "
                f"{infra.title or infra.id} ({host}), operated by {who} in {infra.jurisdiction}.",
                provision=RECORD.provision,
                remediation=RECORD.remediation,
                entity=operator.entity.id if operator is not None else None,
                entity_name=who,
                jurisdiction=infra.jurisdiction,
                chain=tuple(s.entity.id for s in operator.chain) if operator is not None else (),
                confidence="high" if infra.verified else "low",
                evidence=tuple(case["evidence"]),
                locations=((path, case["line"]),) if path else (),
                basis="mirror",
                namespace=infra.id,
                components=purls,
            )
        )
    return findings
