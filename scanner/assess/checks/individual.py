"""Do individual maintainers declare facts tied to an adversary jurisdiction? (low severity at most)"""

from __future__ import annotations

import re

from scanner.assess.links import fact_evidence
from scanner.assess.model import CheckRecord, Evidence, Finding
from scanner.assess.subject import Subject, entity_check

RECORD = CheckRecord(
    id="individual",
    title="Individual jurisdiction hint (declared)",
    question="Did a maintainer declare something tied to an adversary jurisdiction: an "
    "address at a mailbox provider operated there or at its country-code domain, a profile "
    "location naming it, or an employer that is a linked entity?",
    outcome="individual-hint",
    provision="15 CFR 791.103(b)(2) (subject to the jurisdiction of a foreign adversary) — an "
    "individual's own declaration, never a finding about the component's owner",
    grounds="Only what the person declared: e-mail addresses they published, their profile "
    "location or company field.",
    never="Nationality, ethnicity, names, scripts, languages and time zones are never used; "
    "a hint is shown for review at low severity and never raised by other hints.",
    remediation="Usually none: review together with stronger evidence, if any.",
    tiers=("weak",),
)

_EMAIL_KINDS = ("author-email", "maintainer-email", "publisher-email")
# Country names as people write them in a profile location (English and official native
# forms): the person's own statement of where they are, not an inference about them.
_PLACES = {
    "CN": ("china", "people's republic of china", "prc", "中国", "中华人民共和国"),
    "HK": ("hong kong", "香港"),
    "MO": ("macau", "macao", "澳門", "澳门"),
    "RU": ("russia", "russian federation", "россия"),
    "IR": ("iran", "ایران"),
    "KP": ("north korea", "dprk", "조선"),
    "CU": ("cuba",),
}


def _place(location: str) -> str | None:
    words = {w.strip().lower() for w in re.split(r"[,;/|·]", location) if w.strip()}
    for code, names in _PLACES.items():
        if words.intersection(names):
            return code
    return None


def run(subject: Subject) -> list[Finding]:
    """Hints from declared addresses, locations and employers."""
    feeds, profile = subject.feeds, subject.profile
    wanted = set(feeds.profile(profile).jurisdictions)
    hints: dict[str, list[Evidence]] = {}
    for fact in subject.provenance.facts:
        if fact.kind in _EMAIL_KINDS or fact.kind == "commit-email-domain":
            address = fact.value if "@" in fact.value else "x@" + fact.value
            provider = feeds.email_provider(address)
            if provider is not None and provider.jurisdiction in wanted:
                note = f"mailbox provider {provider.title or provider.id} ({provider.jurisdiction})"
                hints.setdefault(provider.jurisdiction, []).append(fact_evidence(fact, note))
                continue
            tld = feeds.cctld(address, profile)
            if tld is not None and not feeds.by_email(address, profile):
                hints.setdefault(tld.id, []).append(
                    fact_evidence(fact, f"country-code domain of {tld.id}")
                )
        elif fact.kind == "host-location":
            code = _place(fact.value)
            if code is not None and code in wanted:
                hints.setdefault(code, []).append(fact_evidence(fact, "declared profile location"))
    comp = subject.component
    findings = [
        Finding(
            purl=comp.purl,
            check=RECORD.id,
            outcome=RECORD.outcome,
            tier="weak",
            severity="low",
            reason=f"{len(evidence)} declared individual fact(s) point to {code}: "
            + "; ".join(sorted({e.note for e in evidence}))
            + ".",
            provision=RECORD.provision,
            remediation=RECORD.remediation,
            jurisdiction=code,
            confidence="low",
            evidence=tuple(dict.fromkeys(evidence)),
            locations=tuple((loc.path, loc.line) for loc in comp.locations),
            paths=subject.paths,
        )
        for code, evidence in sorted(hints.items())
    ]
    return findings + entity_check(subject, RECORD)
