"""Is the component developed or published by an adversary-linked entity (or a subsidiary of one)?"""

from __future__ import annotations

from scanner.assess.model import CheckRecord, Finding
from scanner.assess.subject import Subject, entity_check

RECORD = CheckRecord(
    id="development",
    title="Developed or published by an adversary-linked entity",
    question="Does registry- or signature-asserted evidence tie the component's publisher or "
    "owner to an entity organized in, owned by, controlled by or subject to the jurisdiction of "
    "a foreign adversary — looking through parents?",
    outcome="development-link",
    provision="15 CFR 791.103(b)(2) and 791.1(a)(1): ICTS designed, developed, manufactured or "
    "supplied by persons owned by, controlled by, or subject to the jurisdiction or direction "
    "of a foreign adversary",
    grounds="The registry namespace (npm scope, Maven groupId, registered Go module prefix, "
    "GitHub owner of an action), an owning or publishing registry account, a PyPI "
    "organization, a team, or a trusted publisher / attested source repository belongs to a "
    "linked entity; ownership is resolved through the knowledge base's parent chains.",
    never="Personal names, scripts, languages, time zones or nationality are never grounds.",
    remediation="Review the evidence; decide whether to keep, replace or seek an exception. "
    "A waiver must name this exact version.",
    tiers=("strong",),
)


def run(subject: Subject) -> list[Finding]:
    """Development-link findings."""
    return entity_check(subject, RECORD)
