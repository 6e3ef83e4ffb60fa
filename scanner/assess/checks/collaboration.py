"""Is the component developed in collaboration with an adversary-controlled entity?"""

from __future__ import annotations

from scanner.assess.model import CheckRecord, Finding
from scanner.assess.subject import Subject, entity_check

RECORD = CheckRecord(
    id="collaboration",
    title="Developed in collaboration with an adversary-linked entity",
    question="Is the entity behind the component tied to a linked entity by a project or "
    "collaboration relation rather than by ownership or control?",
    outcome="collaboration-link",
    provision="Final rule preamble, 89 FR 96872 (Dec. 6, 2024): ICTS designed, developed or "
    "supplied in collaboration with a foreign adversary-controlled entity may be reviewed",
    grounds="The knowledge base relates the matched entity to a linked one by collaboration "
    "(e.g. a project run with a linked company); reported one level below the evidence.",
    never="Contributions by individuals, or employment of nationals, are never collaboration.",
    remediation="Review the collaboration; it is a weaker indicator than development by a "
    "linked entity.",
    tiers=("medium", "weak"),
)


def run(subject: Subject) -> list[Finding]:
    """Collaboration-link findings."""
    return entity_check(subject, RECORD)
