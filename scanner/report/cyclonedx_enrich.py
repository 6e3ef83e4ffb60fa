"""What the CycloneDX reports add to a scan's SBOM: supplier, authors, publisher, icts-scan: properties."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sbom.export.fields import NS
from scanner.assess.model import SEVERITY_RANK, Finding
from scanner.enrich.model import STRENGTH_RANK, Fact
from scanner.pipeline import ScanResult

# Dependency-Track keeps property values up to 1024 characters and rejects control
# characters; XML 1.0 cannot carry most of them at all. Bidi overrides are shown too, so
# that a name cannot reorder what a reviewer reads.
MAX_VALUE = 1024
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
_EMAIL = re.compile(r"[^@\s<>\"',;()\[\]\\]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_URL = re.compile(r"https?://[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+")
_PERSON_KEY = re.compile(r"(?:[._](?:name|email))$")
# Fixed namespace: the serial number is a pure function of the document's content.
_SERIAL_NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://icts-scan.invalid/cyclonedx/serial")


def clean(text: str, limit: int = MAX_VALUE) -> str:
    """Registry text made safe for XML and SBOM platforms: unsafe characters escaped, truncated."""
    out = _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return out if len(out) <= limit else out[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class Party:
    """A supplier organization or an author: name, and contact details when well-formed."""

    name: str | None
    email: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Extras:
    """Everything added to one component."""

    supplier: Party | None
    authors: tuple[Party, ...]
    publisher: str | None
    properties: tuple[tuple[str, str], ...]


def _attr(fact: Fact, key: str) -> str | None:
    return dict(fact.attrs).get(key)


def _source(fact: Fact) -> str:
    # Which fact a value was derived from, in the same pipe-separated style as findings.
    return clean(f"{fact.source}|{fact.field}|{fact.strength}")


def _ranked(facts: Iterable[Fact]) -> list[Fact]:
    """Strongest first, then a stable order."""
    return sorted(facts, key=lambda f: (-STRENGTH_RANK.get(f.strength, 0), f.value, f.field))


def _email(value: str | None) -> str | None:
    return value if value and _EMAIL.fullmatch(value) else None


def _url(value: str | None) -> str | None:
    return value if value and _URL.fullmatch(value) else None


def _supplier(facts: tuple[Fact, ...]) -> tuple[Party, Fact] | None:
    """The organization that supplies the component: its registry's record, then the code host.

    A maintainer's employer (``role`` set) or a fork's upstream is not the supplier.
    """
    orgs = _ranked(
        f for f in facts if f.kind == "organization" and not _attr(f, "role") and not f.subject
    )
    for f in orgs:
        if _attr(f, "form") != "url":
            return Party(clean(f.value, 200)), f
    types = {f.subject: f.value for f in facts if f.kind == "host-owner-type"}
    owners = _ranked(
        f
        for f in facts
        if f.kind == "host-owner"
        and not _attr(f, "role")
        and (_attr(f, "type") or types.get(f.subject)) == "Organization"
    )
    if not owners:
        return None
    owner = owners[0]
    about = {f.kind: f.value for f in _ranked(facts) if f.subject == owner.value}
    name = about.get("host-org-name") or owner.value.partition(":")[2] or owner.value
    party = Party(
        clean(name, 200), _email(about.get("host-org-email")), _url(about.get("host-org-blog"))
    )
    return party, owner


def _authors(facts: tuple[Fact, ...]) -> list[tuple[Party, Fact]]:
    """Declared authors; a name and an e-mail from the same declaration become one contact."""
    groups: dict[tuple[str, str], list[Fact]] = {}
    for f in facts:
        # Contributors are not authors; facts about accounts describe someone else.
        if f.kind in ("author-name", "author-email") and not f.subject:
            if _attr(f, "role") not in (None, "developer", "author"):
                continue
            groups.setdefault((f.source, _PERSON_KEY.sub("", f.field)), []).append(f)
    out: dict[Party, Fact] = {}
    for _, group in sorted(groups.items()):
        names = [f for f in _ranked(group) if f.kind == "author-name"]
        mails = [f for f in _ranked(group) if f.kind == "author-email"]
        if len(names) == 1 and len(mails) == 1 and _email(mails[0].value):
            out.setdefault(Party(clean(names[0].value, 200), mails[0].value), names[0])
            continue
        for f in names:
            out.setdefault(Party(clean(f.value, 200)), f)
        for f in mails:
            email = _email(f.value)
            out.setdefault(Party(None, email) if email else Party(clean(f.value, 200)), f)
    return sorted(out.items(), key=lambda kv: (kv[0].name or "", kv[0].email or ""))


def _publisher(facts: tuple[Fact, ...]) -> tuple[str, Fact] | None:
    """The account that published this exact version, else the CI identity bound to the release."""
    accounts = _ranked(f for f in facts if f.kind == "publisher-account" and not f.subject)
    if accounts:
        top = accounts[0]
        mails = [
            f.value
            for f in _ranked(facts)
            if f.kind == "publisher-email" and f.source == top.source and _email(f.value)
        ]
        text = f"{top.value} <{mails[0]}>" if mails else top.value
        return clean(text, 200), top
    trusted = _ranked(f for f in facts if f.kind == "trusted-publisher" and not f.subject)
    return (clean(trusted[0].value, 200), trusted[0]) if trusted else None


def _finding_properties(findings: list[Finding]) -> list[tuple[str, str]]:
    props: set[tuple[str, str]] = set()
    for f in findings:
        props.add(
            (NS + "finding", f"{f.check}|{f.severity}|{f.entity or ''}|{f.jurisdiction or ''}")
        )
        # Parents from the look-through chain too: filtering on a group finds its brands.
        props.update((NS + "entity", e) for e in (f.entity, *f.chain) if e)
        if f.jurisdiction:
            props.add((NS + "jurisdiction", f.jurisdiction))
        if f.waiver:
            props.add((NS + "waiver", f.waiver))
        if f.accepted:
            props.add((NS + "accepted-risk", f.accepted))
    # A waived or accepted finding stays listed, but only the others decide what a policy acts on.
    active = [f.severity for f in findings if not f.excused]
    top = max(active, key=SEVERITY_RANK.__getitem__) if active else "none"
    props.add((NS + "max-severity", top))
    return sorted(props)


def component_extras(result: ScanResult) -> dict[str, Extras]:
    """purl → what to add to that component."""
    by_purl: dict[str, list[Finding]] = {}
    for finding in result.findings:
        # A file-level finding (supply path) applies to every component it lists.
        for purl in finding.components or (finding.purl,):
            by_purl.setdefault(purl, []).append(finding)
    unknown = {p: reason for p, reason, _ in result.coverage.unknown}
    out: dict[str, Extras] = {}
    for comp in result.inventory.components:
        prov = result.enriched.provenance.get(comp.purl)
        facts = prov.facts if prov else ()
        props = _finding_properties(by_purl.get(comp.purl, []))
        props.append((NS + "provenance", "known" if prov and prov.known else "unknown"))
        if comp.purl in unknown:
            props.append((NS + "provenance-unknown-reason", unknown[comp.purl]))
        supplier = _supplier(facts)
        if supplier:
            props.append((NS + "supplier-source", _source(supplier[1])))
        authors = _authors(facts)
        props.extend((NS + "author-source", _source(f)) for _, f in authors)
        publisher = _publisher(facts)
        if publisher:
            props.append((NS + "publisher-source", _source(publisher[1])))
        out[comp.purl] = Extras(
            supplier[0] if supplier else None,
            tuple(p for p, _ in authors),
            publisher[0] if publisher else None,
            tuple(sorted(set(props))),
        )
    return out


def document_properties(result: ScanResult) -> list[tuple[str, str]]:
    """Document-level facts about the scan (metadata.properties)."""
    return [
        (NS + "feed-version", clean(result.feed_version)),
        (NS + "profile", result.profile),
        (NS + "scan-complete", "false" if result.incomplete else "true"),
    ]


def timestamp(result: ScanResult) -> datetime:
    """The scan's own (fixed) finish time, so the same scan gives the same document."""
    when = datetime.fromisoformat(result.finished.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def serial_number(doc: dict[str, Any]) -> str:
    """``urn:uuid:`` derived from the document's content (any serialNumber in it ignored)."""
    body = {k: v for k, v in doc.items() if k != "serialNumber"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return uuid.uuid5(_SERIAL_NS, hashlib.sha256(text.encode()).hexdigest()).urn
