"""Feed records as named tuples: sources, facts, entities, jurisdictions, lists."""

# Named tuples, not frozen dataclasses: a scan that builds the knowledge base imports these
# 25 record types, and a
# dataclass costs ~0.7 ms to create against ~0.1 ms for a named tuple (all of this module's
# import time; benchmarks/repeat_scan.py). Records are immutable and hashable either way;
# code changes one with ``_replace``. As tuples, two records of different types with equal
# fields compare equal (a Note and a Citation): no collection mixes such types. No
# ``from __future__ import annotations``: typing compiles every string annotation of a
# named tuple, real types it only checks.
from typing import NamedTuple

from feeds.version import FeedVersion as FeedVersion  # the version beside the records it names

# Relations through which a parent's link passes to the child (look-through, 15 CFR 791.2).
CONTROL_RELATIONS = frozenset({"subsidiary", "brand", "division", "controlled", "state-body"})
# A weaker link: a project originated or run by a linked entity under neutral governance.
COLLABORATION_RELATIONS = frozenset({"collaboration"})


class Source(NamedTuple):
    """Where facts come from: the page read, what it is, its date and when it was read."""

    id: str
    url: str
    title: str
    kind: str
    accessed: str
    as_of: str | None = None
    """The date the page describes; a repository source is pinned by ``commit`` instead."""
    note: str | None = None
    repo: str | None = None
    commit: str | None = None
    path: str | None = None
    read_via: str | None = None
    """A word-for-word copy actually read when the canonical ``url`` could not be."""


class Name(NamedTuple):
    value: str
    type: str
    src: tuple[str, ...]
    free_text: bool = False
    """Whether the name may match free text: never for words, first names or other projects' names."""
    lang: str | None = None
    verified: bool = True
    as_of: str | None = None
    note: str | None = None


class JurisdictionFact(NamedTuple):
    """Where an entity is organized or controlled, and on what basis."""

    value: str
    basis: str
    src: tuple[str, ...]
    verified: bool = True
    as_of: str | None = None
    note: str | None = None


# What an identifier proves (DESIGN §3, docs/feeds.md): only the first two link to the entity.
LINKING_SCOPES = frozenset({"organisation", "repository"})
SCOPES = (
    "organisation",
    "repository",
    "hosting-platform",
    "personal-mailbox",
    "student-mailbox",
    "mirror",
)


class Identifier(NamedTuple):
    """A handle that names the entity: domain, code-host org, registry namespace."""

    kind: str
    value: str
    src: tuple[str, ...]
    scope: str = "organisation"
    verified: bool = True
    as_of: str | None = None
    note: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    excludes: tuple[str, ...] = ()
    """Names that fit a name family but are someone else's (a third party's fork)."""

    @property
    def links(self) -> bool:
        """Whether a match ties a component to the entity (hosting, mailboxes, mirrors never do)."""
        return self.scope in LINKING_SCOPES


class Parent(NamedTuple):
    id: str
    relation: str
    src: tuple[str, ...]
    share: str | None = None
    verified: bool = True
    as_of: str | None = None
    note: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None


class Listing(NamedTuple):
    """A (reported) entry on a U.S. government list."""

    list: str
    status: str
    src: tuple[str, ...]
    valid_from: str | None = None
    valid_to: str | None = None
    """The day it stopped counting (removal, vacatur, suspension); exclusive."""
    citation: str | None = None
    verified: bool = True
    as_of: str | None = None
    note: str | None = None


class ExternalId(NamedTuple):
    """A registry number that identifies the organisation (LEI, USCC, OGRN, INN, OFAC id …)."""

    scheme: str
    value: str
    src: tuple[str, ...]
    verified: bool = True
    note: str | None = None


class Stake(NamedTuple):
    """A holder of part of the entity that does not control it: recorded, never looked through."""

    holder: str
    """An entity id when the holder is in the knowledge base, else its name."""
    src: tuple[str, ...]
    share: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    verified: bool = True
    note: str | None = None


class Note(NamedTuple):
    value: str
    src: tuple[str, ...]
    verified: bool = True
    as_of: str | None = None
    note: str | None = None


class Citation(NamedTuple):
    text: str
    src: tuple[str, ...]
    verified: bool = True
    as_of: str | None = None
    note: str | None = None


class Entity(NamedTuple):
    """An organization (or a negative control: one often mistaken for adversary-linked)."""

    id: str
    kind: str
    names: tuple[Name, ...]
    jurisdiction: JurisdictionFact
    file: str
    sectors: tuple[str, ...] = ()
    parent: Parent | None = None
    listings: tuple[Listing, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    notes: tuple[Note, ...] = ()
    negative_control: bool = False
    why: tuple[Note, ...] = ()
    pitfall: str | None = None
    related: tuple[str, ...] = ()
    external_ids: tuple[ExternalId, ...] = ()
    stakes: tuple[Stake, ...] = ()

    @property
    def name(self) -> str:
        """The display name: first legal name, else the first name given."""
        for n in self.names:
            if n.type == "legal":
                return n.value
        return self.names[0].value


class Jurisdiction(NamedTuple):
    """A foreign adversary (15 CFR 791.4) or a country of concern (28 CFR 202.601)."""

    id: str
    name: str
    iso: str
    kind: str
    cctlds: tuple[str, ...]
    citation: Citation
    part_of: str | None = None
    idn_cctlds: tuple[tuple[str, str], ...] = ()
    cctld_note: str | None = None
    note: str | None = None

    @property
    def all_tlds(self) -> tuple[str, ...]:
        """ccTLDs in the ASCII form DNS uses (IDN ccTLDs as punycode)."""
        return self.cctlds + tuple(ascii_ for _, ascii_ in self.idn_cctlds)


class Profile(NamedTuple):
    """Which jurisdictions count: icts (default), connected-vehicles, bulk-data."""

    id: str
    title: str
    jurisdictions: tuple[str, ...]
    citation: Citation
    default: bool = False
    note: str | None = None


class DatedEvent(NamedTuple):
    date: str
    what: str
    src: tuple[str, ...]
    verified: bool = True


class ProductClass(NamedTuple):
    id: str
    covered: bool
    description: str
    src: tuple[str, ...]
    verified: bool = True
    members: tuple[Identifier, ...] = ()
    """Components a source places in this class (a covered class prohibits only its members)."""


class Prohibition(NamedTuple):
    """An issued Final Determination or class rule: a match is a prohibition, not an indicator."""

    id: str
    title: str
    kind: str
    citation: Citation
    entities: tuple[str, ...]
    dates: tuple[DatedEvent, ...]
    product_classes: tuple[ProductClass, ...]
    profiles: tuple[str, ...]
    case: str | None = None
    covers_related: bool = False
    note: str | None = None


class Rejection(NamedTuple):
    """An identifier considered and not accepted, with why: never proposed again unchanged."""

    kind: str
    value: str
    why: str
    reviewed: str
    entity: str | None = None
    src: tuple[str, ...] = ()


class DatedRange(NamedTuple):
    """A period (``valid_to`` exclusive) with its sources: e.g. a suspension of a rule."""

    valid_from: str
    src: tuple[str, ...]
    valid_to: str | None = None
    what: str | None = None
    verified: bool = True


class Rule(NamedTuple):
    """A list rule in force for a time: e.g. BIS's 50 % affiliates rule extends Entity List
    restrictions to entities owned at least ``threshold`` percent by listed parties."""

    id: str
    title: str
    kind: str
    lists: tuple[str, ...]
    threshold: float
    citation: Citation
    valid_from: str
    valid_to: str | None = None
    note: str | None = None
    suspensions: tuple[DatedRange, ...] = ()


class Infrastructure(NamedTuple):
    """A package mirror, module proxy, code host or model hub run in or by an adversary jurisdiction."""

    id: str
    kind: str
    hosts: tuple[str, ...]
    jurisdiction: str
    src: tuple[str, ...]
    title: str | None = None
    ecosystems: tuple[str, ...] = ()
    operator: str | None = None
    operator_name: str | None = None
    status: str = "active"
    retired: str | None = None
    verified: bool = True
    note: str | None = None


class EmailProvider(NamedTuple):
    """A mailbox provider: an individual jurisdiction hint, never an organizational affiliation."""

    id: str
    domains: tuple[str, ...]
    jurisdiction: str
    src: tuple[str, ...]
    title: str | None = None
    operator: str | None = None
    operator_name: str | None = None
    verified: bool = True
    note: str | None = None
    signal: str = "individual-jurisdiction-hint"
    scope: str = "personal-mailbox"


class CslParty(NamedTuple):
    """One party of the Consolidated Screening List, kept because it is in a profile jurisdiction."""

    id: str
    list: str
    source: str
    name: str
    alt_names: tuple[str, ...]
    countries: tuple[str, ...]
    addresses: tuple[tuple[str, str], ...]  # (city, country)
    federal_register_notice: str | None
    start_date: str | None
    end_date: str | None = None
    type: str | None = None
    programs: tuple[str, ...] = ()
    source_information_url: str | None = None


class CslMeta(NamedTuple):
    """Where a CSL snapshot came from: URL, retrieval time, sha256 and size of the raw file."""

    source_url: str
    retrieved: str
    sha256: str
    raw_bytes: int
    raw_format: str
    raw_records: int
    records: int
    jurisdictions: tuple[str, ...]
    complete: bool
    note: str | None = None


class CslSnapshot(NamedTuple):
    meta: CslMeta
    parties: tuple[CslParty, ...] = ()
