"""Integrity checks across records: sources exist, parents resolve without cycles, no shared identifiers."""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Iterator
from typing import Any

from feeds import model as m
from feeds.build import Parts
from feeds.errors import Problem
from feeds.hosts import IDENTIFIER_FORMS, is_family, normalize_host, normalize_identifier
from feeds.names import normalize
from feeds.timeline import day

REQUIRED_FEEDS = ("sources", "jurisdictions", "profiles", "entities")
SINGLE_FEEDS = (
    "sources", "jurisdictions", "profiles", "prohibitions", "infrastructure",
    "email-providers", "negative-controls", "csl-snapshot", "manifest", "rules", "rejected",
)  # fmt: skip


def facts_of(e: m.Entity) -> Iterator[tuple[str, Any]]:
    """Every sourced fact of an entity with the field path used in messages."""
    for i, n in enumerate(e.names):
        yield f"names[{i}]", n
    yield "jurisdiction", e.jurisdiction
    if e.parent:
        yield "parent", e.parent
    for i, li in enumerate(e.listings):
        yield f"listings[{i}]", li
    for i, ident in enumerate(e.identifiers):
        yield f"identifiers[{i}]", ident
    for i, note in enumerate(e.notes):
        yield f"notes[{i}]", note
    for i, why in enumerate(e.why):
        yield f"why[{i}]", why
    for i, ext in enumerate(e.external_ids):
        yield f"external_ids[{i}]", ext
    for i, st in enumerate(e.stakes):
        yield f"stakes[{i}]", st


class _Found(list[Problem]):
    """Problems collected so far; ``add`` takes the Problem fields directly."""

    def add(self, file: str, record: str | None, field: str | None, message: str) -> None:
        self.append(Problem(file, record, field, message))


def _date_ok(value: str) -> bool:
    try:
        if len(value) == 10:
            dt.date.fromisoformat(value)
        elif len(value) == 7:
            dt.date.fromisoformat(value + "-01")
        return True
    except ValueError:
        return False


def _rec(rid: str) -> str:
    return repr(rid)


def check(parts: Parts) -> list[Problem]:
    """All cross-record problems; an empty list means the parts can be indexed."""
    out = _Found()
    files = parts.files

    bad = out.add

    def where(feed: str) -> str:
        return files.get(feed, [feed])[0]

    for feed in REQUIRED_FEEDS:
        if feed not in files:
            bad("(data dir)", None, None, f"no file declares feed {feed!r}")
    for feed in SINGLE_FEEDS:
        if len(files.get(feed, [])) > 1:
            bad(files[feed][1], None, "feed", f"a second {feed!r} file (only one allowed)")
    for feed, rid, file in parts.duplicates:
        bad(file, _rec(rid), "id", f"duplicate {feed} id")

    cited: set[str] = set()

    def src_problems(file: str, rid: str, path: str, fact: Any) -> None:
        cited.update(fact.src)
        for sid in fact.src:
            if sid not in parts.sources:
                bad(file, _rec(rid), f"{path}.src", f"unknown source id {sid!r}")
        for attr in ("as_of", "valid_from", "valid_to"):
            value = getattr(fact, attr, None)
            if isinstance(value, str) and not _date_ok(value):
                bad(file, _rec(rid), f"{path}.{attr}", f"not a calendar date: {value!r}")

    for s in parts.sources.values():
        for attr in ("as_of", "accessed"):
            if getattr(s, attr) is not None and not _date_ok(getattr(s, attr)):
                bad(where("sources"), _rec(s.id), attr, "not a calendar date")

    # Jurisdictions and profiles.
    for j in parts.jurisdictions.values():
        f = where("jurisdictions")
        src_problems(f, j.id, "citation", j.citation)
        if j.part_of and j.part_of not in parts.jurisdictions:
            bad(f, _rec(j.id), "part_of", f"unknown jurisdiction {j.part_of!r}")
        for i, (uni, asc) in enumerate(j.idn_cctlds):
            if normalize_host(uni) != asc:
                bad(
                    f,
                    _rec(j.id),
                    f"idn_cctlds[{i}]",
                    f"{uni!r} is {normalize_host(uni)!r} in punycode, not {asc!r}",
                )
    defaults = [p.id for p in parts.profiles.values() if p.default]
    if parts.profiles and len(defaults) != 1:
        bad(
            where("profiles"),
            None,
            "default",
            f"exactly one profile must be the default (found {defaults})",
        )
    for p in parts.profiles.values():
        src_problems(where("profiles"), p.id, "citation", p.citation)
        for code in p.jurisdictions:
            if code not in parts.jurisdictions:
                bad(
                    where("profiles"),
                    _rec(p.id),
                    "jurisdictions",
                    f"unknown jurisdiction {code!r}",
                )

    # Entities: sources, parents, identifiers.
    owners: dict[tuple[str, str], str] = {}
    names: dict[str, str] = {}
    for e in parts.entities.values():
        for path, fact in facts_of(e):
            src_problems(e.file, e.id, path, fact)
        code = e.jurisdiction.value
        if "-" in code and code not in parts.jurisdictions:
            bad(e.file, _rec(e.id), "jurisdiction.value", f"unknown jurisdiction {code!r}")
        if e.parent:
            parent = parts.entities.get(e.parent.id)
            if parent is None:
                bad(e.file, _rec(e.id), "parent.id", f"dangling parent {e.parent.id!r}")
            elif parent.negative_control != e.negative_control:
                bad(
                    e.file,
                    _rec(e.id),
                    "parent.id",
                    "parent chains must not cross between entities and negative controls",
                )
        for rel in e.related:
            if rel not in parts.entities:
                bad(e.file, _rec(e.id), "related", f"unknown entity {rel!r}")
        for i, ident in enumerate(e.identifiers):
            value = normalize_identifier(ident.kind, ident.value)
            if not IDENTIFIER_FORMS[ident.kind].match(value):
                bad(
                    e.file,
                    _rec(e.id),
                    f"identifiers[{i}].value",
                    f"{ident.value!r} is not a valid {ident.kind}",
                )
            for x in ident.excludes:
                if not _excludable(ident, x):
                    bad(
                        e.file,
                        _rec(e.id),
                        f"identifiers[{i}].excludes",
                        f"{x!r} is not a name of the family {ident.value!r}",
                    )
            other = owners.setdefault((ident.kind, value), e.id)
            if other != e.id and _overlap(ident, parts.entities[other], value):
                bad(
                    e.file,
                    _rec(e.id),
                    f"identifiers[{i}]",
                    f"{ident.kind} {value!r} is also claimed by {other!r}",
                )
        for i, n in enumerate(e.names):
            key = normalize(n.value)
            other = names.setdefault(key, e.id)
            if other != e.id and _family(parts, other) != _family(parts, e.id):
                bad(
                    e.file,
                    _rec(e.id),
                    f"names[{i}]",
                    f"name {n.value!r} is also used by unrelated {other!r}",
                )
    out.extend(_cycles(parts))

    # Infrastructure, e-mail providers, prohibitions, CSL.
    consumer = {}
    for ep in parts.email_providers.values():
        f = where("email-providers")
        src_problems(f, ep.id, "", ep)
        _operator(parts, f, ep, out)
        for d in ep.domains:
            consumer[d] = ep.id
            if ("email_domain", d) in owners:
                bad(
                    f,
                    _rec(ep.id),
                    "domains",
                    f"{d!r} is a consumer mailbox domain but entity {owners['email_domain', d]!r} lists it as a corporate e-mail domain",
                )
    hosts: dict[str, str] = {}
    for inf in parts.infrastructure.values():
        f = where("infrastructure")
        src_problems(f, inf.id, "", inf)
        _operator(parts, f, inf, out)
        for h in inf.hosts:
            other = hosts.setdefault(h, inf.id)
            if other != inf.id:
                bad(f, _rec(inf.id), "hosts", f"{h!r} is also listed by {other!r}")
    for pr in parts.prohibitions.values():
        f = where("prohibitions")
        src_problems(f, pr.id, "citation", pr.citation)
        for i, ev in enumerate(pr.dates):
            src_problems(f, pr.id, f"dates[{i}]", ev)
        for i, pc in enumerate(pr.product_classes):
            src_problems(f, pr.id, f"product_classes[{i}]", pc)
            for k, member in enumerate(pc.members):
                src_problems(f, pr.id, f"product_classes[{i}].members[{k}]", member)
    for rule in parts.rules.values():
        f = where("rules")
        src_problems(f, rule.id, "citation", rule.citation)
        for i, span in enumerate(rule.suspensions):
            src_problems(f, rule.id, f"suspensions[{i}]", span)
        for eid in pr.entities:
            if eid not in parts.entities:
                bad(f, _rec(pr.id), "entities", f"unknown entity {eid!r}")
        for pid in pr.profiles:
            if pid not in parts.profiles:
                bad(f, _rec(pr.id), "profiles", f"unknown profile {pid!r}")
    if parts.csl is not None and parts.csl.meta.records != len(parts.csl.parties):
        bad(
            where("csl-snapshot"),
            None,
            "meta.records",
            f"says {parts.csl.meta.records} but the file holds {len(parts.csl.parties)}",
        )
    for i, rej in enumerate(parts.rejected):
        if rej.src:
            src_problems(where("rejected"), f"{rej.kind}:{rej.value}", f"records[{i}]", rej)
    # A source no fact cites is dead weight a reviewer would still have to check.
    for sid in sorted(set(parts.sources) - cited):
        bad(where("sources"), _rec(sid), None, "not cited by any fact")
    return out


def _excludable(ident: m.Identifier, name: str) -> bool:
    """An excluded name must be one the identifier's glob would otherwise match."""
    family = normalize_identifier(ident.kind, ident.value)
    return is_family(ident.kind, family) and fnmatch.fnmatchcase(
        normalize_identifier(ident.kind, name), family
    )


def _overlap(ident: m.Identifier, other: m.Entity, value: str) -> bool:
    """Whether another entity's claim on the same identifier holds at the same time.

    A namespace can change hands (ECharts moved from Baidu to the ASF in 2018): two claims are
    fine when their validity periods do not overlap.
    """
    for theirs in other.identifiers:
        if (theirs.kind, normalize_identifier(theirs.kind, theirs.value)) != (ident.kind, value):
            continue
        a0, a1 = _span(ident)
        b0, b1 = _span(theirs)
        if a0 < b1 and b0 < a1:
            return True
    return False


def _span(ident: m.Identifier) -> tuple[dt.date, dt.date]:
    start = day(ident.valid_from) if ident.valid_from else dt.date.min
    end = day(ident.valid_to) if ident.valid_to else dt.date.max
    return start, end


def _operator(
    parts: Parts, file: str, rec: m.Infrastructure | m.EmailProvider, out: _Found
) -> None:
    bad = out.add

    if rec.operator is None and rec.operator_name is None:
        bad(file, _rec(rec.id), "operator", "give operator (an entity id) or operator_name")
    elif rec.operator is not None and rec.operator not in parts.entities:
        bad(file, _rec(rec.id), "operator", f"unknown entity {rec.operator!r}")


def _family(parts: Parts, eid: str) -> str:
    """The root of an entity's parent chain (cycle-safe)."""
    seen: set[str] = set()
    while eid not in seen:
        seen.add(eid)
        e = parts.entities.get(eid)
        if e is None or e.parent is None or e.parent.id not in parts.entities:
            return eid
        eid = e.parent.id
    return eid


def _cycles(parts: Parts) -> list[Problem]:
    out = _Found()

    bad = out.add

    reported: set[str] = set()
    for start in parts.entities.values():
        path: list[str] = []
        eid: str | None = start.id
        while eid is not None and eid in parts.entities and eid not in path:
            path.append(eid)
            p = parts.entities[eid].parent
            eid = p.id if p else None
        if eid is not None and eid in path:
            loop = path[path.index(eid) :]
            if not reported.intersection(loop):
                reported.update(loop)
                e = parts.entities[eid]
                bad(e.file, _rec(eid), "parent", "ownership cycle: " + " -> ".join([*loop, eid]))
    return out
