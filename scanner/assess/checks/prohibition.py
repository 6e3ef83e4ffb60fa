"""Is the component covered by an issued prohibition (a Final Determination or a class rule)?"""

from __future__ import annotations

from scanner.assess.model import CheckRecord, Finding
from scanner.assess.subject import Subject, entity_check

RECORD = CheckRecord(
    id="prohibition",
    title="Covered by an issued prohibition",
    question="Is this component supplied by an entity that an issued ICTS Final Determination "
    "(or, under its profile, a class rule) covers?",
    outcome="prohibited",
    provision="The Final Determination named in the finding (e.g. Kaspersky, 89 FR 52434)",
    grounds="Strong evidence only: the package's registry namespace, its owning or publishing "
    "registry account, a registry organization or a trusted publisher belongs to an entity "
    "(or a subsidiary of one) covered by a prohibition in the knowledge base.",
    never="Weaker evidence (declared e-mail domains, repository URLs) is reported by the "
    "maintenance check for review, never as a prohibition.",
    remediation="Remove or replace the component; transactions covered by a Final "
    "Determination are prohibited from its effective date. Keep the evidence record.",
    tiers=("prohibition",),
)


def run(subject: Subject) -> list[Finding]:
    """Prohibition findings."""
    return entity_check(subject, RECORD)
