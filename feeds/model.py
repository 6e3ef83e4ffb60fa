"""Feed records as frozen dataclasses: sources, facts, entities, jurisdictions, lists."""

from __future__ import annotations

from dataclasses import dataclass, field

# Relations through which a parent's link passes to the child (look-through, 15 CFR 791.2).
CONTROL_RELATIONS = frozenset({"subsidiary", "brand", "division", "controlled", "state-body"})
# A weaker link: a project originated or run by a linked entity under neutral governance.
COLLABORATION_RELATIONS = frozenset({"collaboration"})


@dataclass(frozen=True, slots=True)
class Source:
    """Where facts come from: the page read, what it is, its date and when it was read."""

    id: str
    url: str
    title: str
    kind: str
    as_of: str
    accessed: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Name:
    value: str
    type: str
    src: tuple[str, ...]
    lang: str | None = None
    verified: bool = True
    as_of: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class JurisdictionFact:
    """Where an entity is organized or controlled, and on what basis."""

    value: str
    basis: str
    src: tuple[str, ...]
    verified: bool = True
    as_of: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Identifier:
    """A handle that names the entity: domain, code-host org, registry namespace."""

    kind: str
    value: str
    src: tuple[str, ...]
    verified: bool = True
    as_of: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Parent:
    id: str
    relation: str
    src: tuple[str, ...]
    share: str | None = None
    verified: bool = True
    as_of: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Listing:
    """A (reported) entry on a U.S. government list."""

    list: str
    status: str
    src: tuple[str, ...]
    date: str | None = None
    ended: str | None = None
    citation: str | None = None
    verified: bool = True
    as_of: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Note:
    value: str
    src: tuple[str, ...]
    verified: bool = True
    as_of: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Citation:
    text: str
    src: tuple[str, ...]
    verified: bool = True
    as_of: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Entity:
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

    @property
    def name(self) -> str:
        """The display name: first legal name, else the first name given."""
        for n in self.names:
            if n.type == "legal":
                return n.value
        return self.names[0].value


@dataclass(frozen=True, slots=True)
class Jurisdiction:
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


@dataclass(frozen=True, slots=True)
class Profile:
    """Which jurisdictions count: icts (default), connected-vehicles, bulk-data."""

    id: str
    title: str
    jurisdictions: tuple[str, ...]
    citation: Citation
    default: bool = False
    note: str | None = None


@dataclass(frozen=True, slots=True)
class DatedEvent:
    date: str
    what: str
    src: tuple[str, ...]
    verified: bool = True


@dataclass(frozen=True, slots=True)
class ProductClass:
    id: str
    covered: bool
    description: str
    src: tuple[str, ...]
    verified: bool = True


@dataclass(frozen=True, slots=True)
class Prohibition:
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


@dataclass(frozen=True, slots=True)
class Infrastructure:
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


@dataclass(frozen=True, slots=True)
class EmailProvider:
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


@dataclass(frozen=True, slots=True)
class CslParty:
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


@dataclass(frozen=True, slots=True)
class CslMeta:
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


@dataclass(frozen=True, slots=True)
class CslSnapshot:
    meta: CslMeta
    parties: tuple[CslParty, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class FeedVersion:
    """Identifies the exact feed a report used: content hash of all data files plus as-of date."""

    content_hash: str
    as_of: str

    @property
    def label(self) -> str:
        return f"{self.as_of}+{self.content_hash.removeprefix('sha256:')[:12]}"
