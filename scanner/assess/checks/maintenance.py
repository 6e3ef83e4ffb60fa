"""Is the component maintained from, or its source hosted by, an adversary-linked entity?"""

from __future__ import annotations

from scanner.assess.model import CheckRecord, Finding
from scanner.assess.subject import Subject, entity_check

RECORD = CheckRecord(
    id="maintenance",
    title="Maintained or hosted by an adversary-linked entity",
    question="Do maintainers, publishers or commit authors use a linked entity's corporate "
    "domain, or does a linked organization own the source repository or homepage?",
    outcome="maintenance-link",
    provision="15 CFR 791.1(a)(1): persons who operate, maintain, update or service the ICTS; "
    "updates are transactions in their own right",
    grounds="A corporate e-mail domain of a linked entity on a maintainer, publisher, author or "
    "commit; a source repository or homepage owned by a linked organization; a declared "
    "organization naming a linked entity; a package name in a linked entity's naming pattern.",
    never="Consumer mailbox providers (qq.com, mail.ru…) are individual hints, not "
    "affiliation; names and time zones are never grounds.",
    remediation="Review who maintains the component and who controls its repository; consider "
    "pinning, vendoring a reviewed copy, or an alternative.",
    tiers=("medium",),
)


def run(subject: Subject) -> list[Finding]:
    """Maintenance-link findings."""
    return entity_check(subject, RECORD)
