"""Turn validated data-file dicts into model records (the schema has already checked shapes)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from feeds import model as m

T = TypeVar("T")
V = TypeVar("V")


def _fact(cls: type[T], d: Mapping[str, Any]) -> T:
    # Schema keys equal dataclass field names; JSON lists become tuples for immutability.
    return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in d.items()})


def _many(cls: type[T], items: Any) -> tuple[T, ...]:
    return tuple(_fact(cls, d) for d in items or ())


class LazyTable(Mapping[str, V]):
    """A table read on first use: sources are needed only to cite a match, not for every scan."""

    def __init__(self, make: Callable[[], Mapping[str, V]]) -> None:
        self._make: Callable[[], Mapping[str, V]] | None = make
        self._table: Mapping[str, V] = {}

    @property
    def loaded(self) -> bool:
        return self._make is None

    def _get(self) -> Mapping[str, V]:
        if self._make is not None:
            self._table, self._make = self._make(), None
        return self._table

    def __getitem__(self, key: str) -> V:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


@dataclass
class Parts:
    """Everything the data files hold, before indexing; ``files`` maps feed → file names."""

    sources: Mapping[str, m.Source] = field(default_factory=dict)
    jurisdictions: dict[str, m.Jurisdiction] = field(default_factory=dict)
    profiles: dict[str, m.Profile] = field(default_factory=dict)
    entities: dict[str, m.Entity] = field(default_factory=dict)
    prohibitions: dict[str, m.Prohibition] = field(default_factory=dict)
    infrastructure: dict[str, m.Infrastructure] = field(default_factory=dict)
    email_providers: dict[str, m.EmailProvider] = field(default_factory=dict)
    rules: dict[str, m.Rule] = field(default_factory=dict)
    rejected: tuple[m.Rejection, ...] = ()
    csl: m.CslSnapshot | None = None
    files: dict[str, list[str]] = field(default_factory=dict)
    # (feed, id) pairs seen more than once, with the files: reported by the checks.
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)


def entity(d: Mapping[str, Any], file: str, negative: bool = False) -> m.Entity:
    parent = d.get("parent")
    return m.Entity(
        id=d["id"],
        kind=d["kind"],
        names=_many(m.Name, d["names"]),
        jurisdiction=_fact(m.JurisdictionFact, d["jurisdiction"]),
        file=file,
        sectors=tuple(d.get("sectors", ())),
        parent=_fact(m.Parent, parent) if parent else None,
        listings=_many(m.Listing, d.get("listings")),
        identifiers=_many(m.Identifier, d.get("identifiers")),
        notes=_many(m.Note, d.get("notes")),
        negative_control=negative,
        why=_many(m.Note, d.get("why")),
        pitfall=d.get("pitfall"),
        related=tuple(d.get("related", ())),
        external_ids=_many(m.ExternalId, d.get("external_ids")),
        stakes=_many(m.Stake, d.get("stakes")),
    )


def jurisdiction(d: Mapping[str, Any]) -> m.Jurisdiction:
    return m.Jurisdiction(
        id=d["id"],
        name=d["name"],
        iso=d["iso"],
        kind=d["kind"],
        cctlds=tuple(d["cctlds"]),
        citation=_fact(m.Citation, d["citation"]),
        part_of=d.get("part_of"),
        idn_cctlds=tuple((t["unicode"], t["ascii"]) for t in d.get("idn_cctlds", ())),
        cctld_note=d.get("cctld_note"),
        note=d.get("note"),
    )


def profile(d: Mapping[str, Any]) -> m.Profile:
    return m.Profile(
        id=d["id"],
        title=d["title"],
        jurisdictions=tuple(d["jurisdictions"]),
        citation=_fact(m.Citation, d["citation"]),
        default=d.get("default", False),
        note=d.get("note"),
    )


def prohibition(d: Mapping[str, Any]) -> m.Prohibition:
    return m.Prohibition(
        id=d["id"],
        title=d["title"],
        kind=d["kind"],
        citation=_fact(m.Citation, d["citation"]),
        entities=tuple(d["entities"]),
        dates=_many(m.DatedEvent, d["dates"]),
        product_classes=tuple(
            m.ProductClass(
                **{k: v for k, v in pc.items() if k not in ("src", "members")},
                src=tuple(pc["src"]),
                members=_many(m.Identifier, pc.get("members")),
            )
            for pc in d["product_classes"]
        ),
        profiles=tuple(d["profiles"]),
        case=d.get("case"),
        covers_related=d.get("covers_related", False),
        note=d.get("note"),
    )


def rule(d: Mapping[str, Any]) -> m.Rule:
    return m.Rule(
        id=d["id"],
        title=d["title"],
        kind=d["kind"],
        lists=tuple(d["lists"]),
        threshold=float(d["threshold"]),
        citation=_fact(m.Citation, d["citation"]),
        valid_from=d["valid_from"],
        valid_to=d.get("valid_to"),
        note=d.get("note"),
        suspensions=_many(m.DatedRange, d.get("suspensions")),
    )


def csl_snapshot(d: Mapping[str, Any]) -> m.CslSnapshot:
    parties = tuple(
        m.CslParty(
            id=r["id"],
            list=r["list"],
            source=r["source"],
            name=r["name"],
            alt_names=tuple(r["alt_names"]),
            countries=tuple(r["countries"]),
            addresses=tuple((a.get("city", ""), a["country"]) for a in r["addresses"]),
            federal_register_notice=r["federal_register_notice"],
            start_date=r["start_date"],
            end_date=r.get("end_date"),
            type=r.get("type"),
            programs=tuple(r.get("programs", ())),
            source_information_url=r.get("source_information_url"),
        )
        for r in d["records"]
    )
    return m.CslSnapshot(meta=_fact(m.CslMeta, d["meta"]), parties=parties)


def _put(parts: Parts, feed: str, table: dict[str, Any], key: str, value: Any, file: str) -> None:
    if key in table:
        parts.duplicates.append((feed, key, file))
    table[key] = value


def source_records(docs: Mapping[str, Mapping[str, Any]]) -> dict[str, m.Source]:
    """The records of sources documents (read on their own when a trusted load defers them)."""
    return {r["id"]: _fact(m.Source, r) for doc in docs.values() for r in doc.get("records", ())}


def build(docs: Mapping[str, Mapping[str, Any]]) -> Parts:
    """Assemble ``Parts`` from ``{relative file name: parsed, schema-valid document}``."""
    parts = Parts()
    sources: dict[str, m.Source] = {}
    parts.sources = sources
    for file, doc in docs.items():
        feed = doc["feed"]
        parts.files.setdefault(feed, []).append(file)
        records = doc.get("records", ())
        if feed == "sources":
            for r in records:
                _put(parts, feed, sources, r["id"], _fact(m.Source, r), file)
        elif feed == "jurisdictions":
            for r in records:
                _put(parts, feed, parts.jurisdictions, r["id"], jurisdiction(r), file)
        elif feed == "profiles":
            for r in records:
                _put(parts, feed, parts.profiles, r["id"], profile(r), file)
        elif feed in ("entities", "negative-controls"):
            for r in records:
                e = entity(r, file, negative=feed == "negative-controls")
                _put(parts, "entities", parts.entities, r["id"], e, file)
        elif feed == "prohibitions":
            for r in records:
                _put(parts, feed, parts.prohibitions, r["id"], prohibition(r), file)
        elif feed == "infrastructure":
            for r in records:
                _put(parts, feed, parts.infrastructure, r["id"], _fact(m.Infrastructure, r), file)
        elif feed == "email-providers":
            for r in records:
                _put(parts, feed, parts.email_providers, r["id"], _fact(m.EmailProvider, r), file)
        elif feed == "rejected":
            parts.rejected += _many(m.Rejection, records)
        elif feed == "rules":
            for r in records:
                _put(parts, feed, parts.rules, r["id"], rule(r), file)
        elif feed == "csl-snapshot":
            parts.csl = csl_snapshot(doc)
    return parts
