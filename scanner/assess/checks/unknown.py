"""Could the component's provenance be established at all?"""

from __future__ import annotations

from scanner.assess.model import CheckRecord, Finding
from scanner.assess.subject import Subject

RECORD = CheckRecord(
    id="unknown",
    title="Provenance unknown",
    question="Did every provenance source that applies to this component fail, time out, or "
    "stay unasked (offline, no source for its ecosystem)?",
    outcome="unknown",
    provision="15 CFR 791.106 recordkeeping: what could not be established must be recorded as "
    "such, not as clear",
    grounds="No applicable source answered; the finding lists each source's reason.",
    never="Unknown is never reported as clean.",
    remediation="Re-run online (or warm the cache), point the source at a reachable mirror "
    "with its ICTS_SCAN_*_URL variable, or review the component by hand.",
    tiers=("informational",),
)


def run(subject: Subject) -> list[Finding]:
    """One finding when nothing is known, with every source's reason."""
    prov = subject.provenance
    if prov.known or subject.links:
        return []
    reasons = prov.unknown_reasons or (
        f"no provenance source covers pkg:{subject.component.ecosystem} components",
    )
    comp = subject.component
    return [
        Finding(
            purl=comp.purl,
            check=RECORD.id,
            outcome=RECORD.outcome,
            tier="informational",
            severity="info",
            reason="Provenance unknown: " + "; ".join(reasons) + ".",
            provision=RECORD.provision,
            remediation=RECORD.remediation,
            confidence="high",
            locations=tuple((loc.path, loc.line) for loc in comp.locations),
            paths=subject.paths,
        )
    ]
