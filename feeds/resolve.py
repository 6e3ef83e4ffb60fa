"""Resolution: an entity, its chain of parents, the jurisdiction that links it, and each step's sources."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from feeds import model as m
from feeds.model import COLLABORATION_RELATIONS, CONTROL_RELATIONS
from feeds.timeline import day, holds

# Relations where the child is the same legal person or wholly held, so a share is implied.
_WHOLE = frozenset({"brand", "division"})


@dataclass(frozen=True, slots=True)
class Step:
    """One entity on the chain, with its jurisdiction and the relation to the next entity up."""

    entity: m.Entity
    jurisdiction: str
    jurisdiction_sources: tuple[m.Source, ...]
    relation: str | None  # relation of this entity to its parent (None at the top)
    relation_sources: tuple[m.Source, ...]
    verified: bool  # jurisdiction fact and relation fact both verified


@dataclass(frozen=True, slots=True)
class Match:
    """What a lookup matched: the query, the stored identifier or name, its sources and score."""

    kind: str
    query: str
    value: str
    sources: tuple[m.Source, ...]
    verified: bool
    score: float = 1.0
    basis: str = ""
    """How a package name matched: namespace, exact-name, name-family or repository."""
    scope: str = ""
    """The matched identifier's scope (organisation, repository); "" for names."""


@dataclass(frozen=True, slots=True)
class Resolution:
    """Why an entity is (or is not) linked to a jurisdiction of the active profile.

    ``link`` is ``"direct"`` (the entity itself is in the jurisdiction), ``"ownership"``
    (through a parent chain of subsidiaries, brands, divisions, control or state bodies),
    ``"collaboration"`` (through a project relation: a weaker indicator), or None.
    """

    entity: m.Entity
    chain: tuple[Step, ...]
    profile: str
    link: str | None
    jurisdiction: str | None
    via: str | None
    verified: bool
    listings: tuple[tuple[str, m.Listing], ...]
    prohibitions: tuple[m.Prohibition, ...]
    match: Match | None = None

    @property
    def linked(self) -> bool:
        return self.link is not None

    @property
    def negative_control(self) -> bool:
        return self.entity.negative_control

    @property
    def prohibited(self) -> bool:
        return bool(self.prohibitions)


def resolve(
    entity: m.Entity,
    entities: Mapping[str, m.Entity],
    profile: m.Profile,
    sources: Callable[[tuple[str, ...]], tuple[m.Source, ...]],
    prohibitions: tuple[m.Prohibition, ...] = (),
    *,
    on: date | None = None,
    rules: tuple[m.Rule, ...] = (),
) -> Resolution:
    """Walk up the parent chain; the closest entity in a profile jurisdiction links the start.

    With ``on``, only parent links and listings that hold on that day count, and list rules in
    force then (BIS's 50 % affiliates rule) extend a parent's listing to the entity.
    """
    chain: list[Step] = []
    current: m.Entity | None = entity
    seen: set[str] = set()
    while current is not None and current.id not in seen:
        seen.add(current.id)
        p = current.parent
        if p is not None and not holds(p.valid_from, p.valid_to, on):
            p = None  # the parent no longer (or not yet) holds the entity
        chain.append(
            Step(
                entity=current,
                jurisdiction=current.jurisdiction.value,
                jurisdiction_sources=sources(current.jurisdiction.src),
                relation=p.relation if p else None,
                relation_sources=sources(p.src) if p else (),
                verified=current.jurisdiction.verified and (p.verified if p else True),
            )
        )
        current = entities.get(p.id) if p else None

    link = jurisdiction = via = None
    verified = True
    if not entity.negative_control:
        wanted = set(profile.jurisdictions)
        weak = False
        for i, step in enumerate(chain):
            if step.jurisdiction in wanted:
                link = "direct" if i == 0 else ("collaboration" if weak else "ownership")
                jurisdiction, via = step.jurisdiction, step.entity.id
                verified = step.entity.jurisdiction.verified and all(s.verified for s in chain[:i])
                break
            if step.relation in COLLABORATION_RELATIONS:
                weak = True
            elif step.relation not in CONTROL_RELATIONS:
                break  # an affiliate (minority holder) does not pass its link down
    listings = tuple(
        (s.entity.id, li)
        for s in _controlling(chain)
        for li in s.entity.listings
        if holds(li.valid_from, li.valid_to, on)
    )
    listings += _by_rule(chain, listings, rules, on)
    return Resolution(
        entity=entity,
        chain=tuple(chain),
        profile=profile.id,
        link=link,
        jurisdiction=jurisdiction,
        via=via,
        verified=verified,
        listings=listings,
        prohibitions=() if entity.negative_control else prohibitions,
    )


def _controlling(chain: list[Step]) -> list[Step]:
    """The entity and the owners whose listings reach it: up to the first minority holder."""
    out = []
    for step in chain:
        out.append(step)
        if step.relation not in CONTROL_RELATIONS:
            break
    return out


def _share(parent: m.Parent) -> float | None:
    if parent.share:
        return float(parent.share.rstrip("%").split("-")[0])
    return 100.0 if parent.relation in _WHOLE else None


def _by_rule(
    chain: list[Step],
    listings: tuple[tuple[str, m.Listing], ...],
    rules: tuple[m.Rule, ...],
    on: date | None,
) -> tuple[tuple[str, m.Listing], ...]:
    """Listings a rule in force on ``on`` extends to the start entity from a listed owner."""
    out: list[tuple[str, m.Listing]] = []
    for rule in rules:
        if on is None or not holds(rule.valid_from, rule.valid_to, on):
            continue
        if any(holds(s.valid_from, s.valid_to, on) for s in rule.suspensions):
            continue
        share = 100.0
        for i, step in enumerate(chain[:-1]):
            parent = step.entity.parent
            owned = _share(parent) if parent is not None else None
            # A subsidiary of unstated share is not assumed to cross the threshold.
            if owned is None or parent is None or parent.relation not in CONTROL_RELATIONS:
                break
            share = share * owned / 100.0
            if share < rule.threshold:
                break
            owner = chain[i + 1].entity.id
            for eid, li in listings:
                if eid == owner and li.list in rule.lists and li.status == "listed":
                    start = max(day(rule.valid_from), day(li.valid_from or rule.valid_from))
                    out.append(
                        (
                            owner,
                            li._replace(
                                status="by-rule",
                                valid_from=start.isoformat(),
                                src=rule.citation.src,
                                note=f"{rule.title}: {share:g} % owned by {owner}",
                            ),
                        )
                    )
    return tuple(out)


def covered_ids(prohibition: m.Prohibition, entities: Mapping[str, m.Entity]) -> frozenset[str]:
    """Entities a prohibition reaches: those named, plus their subsidiaries and parents if it says so."""
    named = set(prohibition.entities)
    if not prohibition.covers_related:
        return frozenset(named)
    covered = set(named)
    for e in entities.values():
        cur: m.Entity | None = e
        path: list[str] = []
        while cur is not None and cur.id not in path:
            path.append(cur.id)
            if cur.id in named:
                covered.update(path)  # e and everything between e and the named entity
                covered.update(_ancestors(cur, entities))  # parents of a named entity
                break
            if cur.parent is None or cur.parent.relation not in CONTROL_RELATIONS:
                break
            cur = entities.get(cur.parent.id)
    return frozenset(covered)


def _ancestors(e: m.Entity, entities: Mapping[str, m.Entity]) -> list[str]:
    out: list[str] = []
    cur = e
    while cur.parent and cur.parent.id in entities and cur.parent.id not in out:
        out.append(cur.parent.id)
        cur = entities[cur.parent.id]
    return out
