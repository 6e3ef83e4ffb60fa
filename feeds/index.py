"""Lookup tables built once per FeedSet: identifiers, names, hosts, ccTLDs and CSL parties."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from feeds import model as m
from feeds.hosts import is_family, normalize_identifier, suffixes
from feeds.names import distinctive, has_cjk, name_key, normalize, similarity, usable_key
from feeds.timeline import holds


@dataclass(frozen=True, slots=True)
class Hit:
    """An entity reached from a query: which identifier or name matched, and how well."""

    entity_id: str
    kind: str  # identifier kind, or "name", "name-fuzzy", "text"
    value: str  # the stored identifier value or name that matched
    fact: m.Identifier | m.Name
    score: float = 1.0


class Index:
    """O(1) dictionaries per identifier kind; prefix walks for domains, Maven, Go and NuGet.

    Only identifiers whose scope links (organisation, repository) and that hold on ``on``
    are indexed as links; hosting platforms and mirrors are kept apart so that a walk up a
    domain stops at them instead of reaching the operator's own domain. Only names marked
    safe for free text are indexed for name matching.
    """

    def __init__(
        self,
        entities: Mapping[str, m.Entity],
        email_providers: Iterable[m.EmailProvider] = (),
        infrastructure: Iterable[m.Infrastructure] = (),
        jurisdictions: Iterable[m.Jurisdiction] = (),
        csl: m.CslSnapshot | None = None,
        on: date | None = None,
    ) -> None:
        self.on = on
        self.ids: dict[str, dict[str, list[Hit]]] = {}
        self.non_linking: dict[str, dict[str, Hit]] = {}
        # kind -> (glob, names in the family that are someone else's, hit)
        self.patterns: dict[str, list[tuple[re.Pattern[str], frozenset[str], Hit]]] = {}
        self._entities = entities
        self._csl = csl
        for e in entities.values():
            for ident in e.identifiers:
                if holds(ident.valid_from, ident.valid_to, on):
                    self._add_identifier(e.id, ident)
        self.email_providers = {d: ep for ep in email_providers for d in ep.domains}
        self.infrastructure = {h: inf for inf in infrastructure for h in inf.hosts}
        self.tlds = {tld: j for j in jurisdictions for tld in j.all_tlds}

    @cached_property
    def _names(self) -> _Names:
        """Name tables, built on the first name lookup: most components never need them."""
        names = _Names()
        for e in self._entities.values():
            for n in e.names:
                if n.free_text:
                    names.add(e, n)
        return names

    @cached_property
    def _csl_names(self) -> dict[str, list[m.CslParty]]:
        """CSL parties by name key, built on the first screening."""
        out: dict[str, list[m.CslParty]] = {}
        for party in self._csl.parties if self._csl else ():
            for alias in (party.name, *party.alt_names):
                key = name_key(alias)
                if usable_key(key):
                    out.setdefault(key, []).append(party)
        return out

    def _add_identifier(self, entity_id: str, ident: m.Identifier) -> None:
        value = normalize_identifier(ident.kind, ident.value)
        hit = Hit(entity_id, ident.kind, value, ident)
        if not ident.links:
            self.non_linking.setdefault(ident.kind, {})[value] = hit
        elif is_family(ident.kind, value):
            regex = re.compile(fnmatch.translate(value))
            others = frozenset(normalize_identifier(ident.kind, x) for x in ident.excludes)
            self.patterns.setdefault(ident.kind, []).append((regex, others, hit))
        else:
            self.ids.setdefault(ident.kind, {}).setdefault(value, []).append(hit)

    # Identifier lookups ------------------------------------------------------------------

    def exact(self, kind: str, value: str) -> list[Hit]:
        return list(self.ids.get(kind, {}).get(normalize_identifier(kind, value), ()))

    def domain(self, kind: str, host: str) -> list[Hit]:
        """The most specific registered domain at or above ``host`` (subdomains included).

        A hosting platform or mirror on the way up ends the walk with no link: a customer's
        bucket under aliyuncs.com or a share link on pan.baidu.com says nothing about who
        develops the package.
        """
        table = self.ids.get(kind, {})
        stop = self.non_linking.get(kind, {})
        for candidate in suffixes(host):
            if candidate in stop:
                return []
            if candidate in table:
                return list(table[candidate])
        return []

    def hosting(self, kind: str, host: str) -> Hit | None:
        """The hosting platform or mirror a host belongs to, if the knowledge base knows it."""
        stop = self.non_linking.get(kind, {})
        return next((stop[c] for c in suffixes(host) if c in stop), None)

    def prefix(self, kind: str, value: str, sep: str) -> list[Hit]:
        """Longest registered prefix of ``value`` on ``sep`` boundaries (Maven ``.``, Go ``/``)."""
        table = self.ids.get(kind, {})
        parts = normalize_identifier(kind, value).split(sep)
        for n in range(len(parts), 0, -1):
            hits = table.get(sep.join(parts[:n]))
            if hits:
                return list(hits)
        return []

    def package_name(self, kind: str, name: str) -> list[Hit]:
        """A package name against a name-pattern kind: the exact name first, then globs."""
        value = normalize_identifier(kind, name)
        exact = self.ids.get(kind, {}).get(value)
        if exact:
            return list(exact)
        return [
            hit
            for regex, others, hit in self.patterns.get(kind, ())
            if regex.match(value) and value not in others
        ]

    def pypi_name(self, normalized: str) -> list[Hit]:
        return self.package_name("pypi_name_pattern", normalized)

    # Name lookups --------------------------------------------------------------------------

    def name(self, text: str, fuzzy: bool = True) -> list[Hit]:
        """A whole name: exact full form, then legal-form-stripped key, then fuzzy."""
        names = self._names
        full = normalize(text)
        if full in names.full_names:
            return list(names.full_names[full])
        key = name_key(text)
        if not usable_key(key):
            return []
        if key in names.name_keys:
            return list(names.name_keys[key])
        if not fuzzy:
            return []
        scored: list[Hit] = []
        for other, hits in names.name_keys.items():
            score = similarity(key, other)
            if score:
                scored.extend(Hit(h.entity_id, "name-fuzzy", h.value, h.fact, score) for h in hits)
        return sorted(scored, key=lambda h: -h.score)

    def text(self, text: str) -> list[Hit]:
        """Names that occur in free text (copyright lines, author fields), as whole tokens."""
        names = self._names
        normalized = normalize(text)
        tokens = normalized.split(" ")
        found: dict[tuple[str, str], Hit] = {}
        for n in range(min(names.max_tokens, len(tokens)), 0, -1):
            for i in range(len(tokens) - n + 1):
                for hit in names.text_keys.get(" ".join(tokens[i : i + n]), ()):
                    found.setdefault(
                        (hit.entity_id, hit.value), Hit(hit.entity_id, "text", hit.value, hit.fact)
                    )
        if has_cjk(normalized):
            compact = normalized.replace(" ", "")
            for key, hits in names.cjk_keys.items():
                if key in compact:
                    for hit in hits:
                        found.setdefault(
                            (hit.entity_id, hit.value),
                            Hit(hit.entity_id, "text", hit.value, hit.fact),
                        )
        return list(found.values())

    def csl(self, name: str, fuzzy: bool = True) -> list[tuple[m.CslParty, float]]:
        key = name_key(name)
        if not usable_key(key):
            return []
        table = self._csl_names
        if key in table:
            return [(p, 1.0) for p in table[key]]
        if not fuzzy:
            return []
        out = [(p, s) for other, ps in table.items() if (s := similarity(key, other)) for p in ps]
        return sorted(out, key=lambda x: -x[1])


class _Names:
    """Entity names by full form and by key (legal forms stripped), for names and free text."""

    def __init__(self) -> None:
        self.full_names: dict[str, list[Hit]] = {}
        self.name_keys: dict[str, list[Hit]] = {}
        self.text_keys: dict[str, list[Hit]] = {}
        self.cjk_keys: dict[str, list[Hit]] = {}
        self.max_tokens = 1

    def add(self, e: m.Entity, n: m.Name) -> None:
        full = normalize(n.value)
        key = name_key(n.value)
        hit = Hit(e.id, "name", n.value, n)
        if usable_key(full):
            _add(self.full_names, full, hit)
        # A negative control's former name (Nebius was "Yandex N.V.") matches only in full,
        # so the bare key keeps pointing at the entity that still carries it. A key that is a
        # word or too short ("ZTE" of "ZTE Corporation") is not matched on its own either.
        if not distinctive(key) or (e.negative_control and n.type == "former"):
            return
        _add(self.name_keys, key, hit)
        if has_cjk(key):
            _add(self.cjk_keys, key.replace(" ", ""), hit)
        else:
            _add(self.text_keys, key, hit)
            self.max_tokens = max(self.max_tokens, key.count(" ") + 1)


def _add(table: dict[str, list[Hit]], key: str, hit: Hit) -> None:
    bucket = table.setdefault(key, [])
    if all(h.entity_id != hit.entity_id for h in bucket):
        bucket.append(hit)
