"""Write proposals in the staging format: each identifier with its evidence, minus what is known or rejected."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from feeds.feedset import FeedSet
from feeds.index import Hit, Index
from feeds.packages import package_hits
from feeds.staging import FEED, key

# Identifier kind → how a package of that namespace is looked up (feeds.packages), so that a
# namespace the knowledge base already covers is not proposed again.
_AS_PACKAGE = {
    "npm_package": ("npm", ""),
    "go_module_prefix": ("golang", ""),
    "pypi_name_pattern": ("pypi", ""),
    "crates_name_pattern": ("cargo", ""),
    "pub_name_pattern": ("pub", ""),
    "composer_vendor": ("composer", "/x"),
    "github_repo": ("github", ""),
}
_PREFIX = {"maven_group_prefix": ".", "nuget_prefix": "."}
MAX_SOURCES = 8  # per identifier: enough to judge, few enough to read


@dataclass
class Candidate:
    """One identifier the walk found evidence for, with the source records that show it."""

    kind: str
    value: str
    note: str
    sources: list[dict[str, Any]]
    scope: str = "organisation"
    verified: bool = True
    """False: only the repository it was found in ties it to the entity."""


@dataclass
class Proposal:
    """Builds the proposal document for one entity."""

    fs: FeedSet
    entity: str
    today: str
    identifiers: list[dict[str, Any]] = field(default_factory=list)
    not_added: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # known or rejected before: not written
    _sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    _seen: set[tuple[str, str]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._by_url = {s.url: s.id for s in self.fs.sources.values()}
        self._rejected = {key(r.kind, r.value): r for r in self.fs.parts.rejected}
        self._index = self.fs.at(date.fromisoformat(self.today)).index

    def add(self, c: Candidate) -> None:
        """Propose ``c`` unless the knowledge base has or covers it, or rejected it before."""
        k = key(c.kind, c.value)
        if k in self._seen:
            return
        self._seen.add(k)
        status = self.status(c.kind, c.value)
        if status is not None:
            known, why = status
            if known:
                self.skipped.append(f"{c.kind}:{c.value}: {why}")
            else:
                self._not_added(c.kind, c.value, why, c.sources)
            return
        ident: dict[str, Any] = {
            "kind": c.kind,
            "value": c.value,
            "scope": c.scope,
            "src": self._ids(c.sources),
            "note": c.note,
        }
        if not c.verified:
            ident["verified"] = False
        self.identifiers.append(ident)

    def reject(self, kind: str, value: str, why: str, sources: list[dict[str, Any]]) -> None:
        """Record something found and not proposed, with why (a reviewer may still take it)."""
        k = key(kind, value)
        if k in self._seen or any(key(n["kind"], n["value"]) == k for n in self.not_added):
            return
        status = self.status(kind, value)
        if status is not None and status[0]:  # known or rejected before: nothing to review
            self.skipped.append(f"{kind}:{value}: {status[1]}")
            return
        self._not_added(kind, value, why, sources)

    def _not_added(self, kind: str, value: str, why: str, sources: list[dict[str, Any]]) -> None:
        item: dict[str, Any] = {"kind": kind, "value": value, "why": why}
        if sources:
            item["src"] = self._ids(sources)
        self.not_added.append(item)

    def status(self, kind: str, value: str) -> tuple[bool, str] | None:
        """(True, why) when known or rejected before; (False, why) when another entity has it."""
        k = key(kind, value)
        if k in self._rejected:
            r = self._rejected[k]
            return True, f"rejected on {r.reviewed}: {r.why}"
        owners = {
            e.id
            for e in self.fs.entities.values()
            for i in e.identifiers
            if key(i.kind, i.value) == k
        }
        if owners:
            return _verdict(self.entity, sorted(owners), f"{kind} {k[1]} is in the knowledge base")
        hits = _covering(self._index, kind, value)
        if hits:
            names = ", ".join(f"{h.kind} {h.value}" for h in hits)
            return _verdict(self.entity, sorted({h.entity_id for h in hits}), f"covered by {names}")
        return None

    def _ids(self, sources: list[dict[str, Any]]) -> list[str]:
        out = []
        for s in sources[:MAX_SOURCES]:
            sid = self._by_url.get(s["url"])
            if sid is None:
                sid = source_id(s)
                self._sources[sid] = {"id": sid, **s}
            out.append(sid)
        return list(dict.fromkeys(out))

    def document(self, proposed_by: dict[str, Any], notes: str) -> dict[str, Any]:
        idents = sorted(self.identifiers, key=lambda i: key(i["kind"], i["value"]))
        return {
            "feed": FEED,
            "group": f"propose-{self.entity}",
            "researched": self.today,
            "proposed_by": proposed_by,
            "sources": [self._sources[s] for s in sorted(self._sources)],
            "entities": [{"id": self.entity, "new": False, "identifiers": idents}],
            "not_added": sorted(self.not_added, key=lambda i: key(i["kind"], i["value"])),
            "notes": notes,
        }


def source_id(source: dict[str, Any]) -> str:
    """A stable id from the URL read: the same page gets the same id in every proposal."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", source.get("repo") or source["title"]).strip("-")[:40]
    digest = hashlib.sha256(source["url"].encode()).hexdigest()[:10]
    return f"S-p-{slug.lower()}-{digest}"


def _verdict(entity: str, owners: list[str], what: str) -> tuple[bool, str]:
    if entity in owners:
        return True, what
    return False, f"{what}, attributed to {', '.join(owners)}: review before moving it"


def _covering(index: Index, kind: str, value: str) -> list[Hit]:
    """Linking identifiers of the knowledge base that already resolve this namespace."""
    if kind in _PREFIX:
        return index.prefix(kind, value, _PREFIX[kind])
    if kind in _AS_PACKAGE:
        ecosystem, suffix = _AS_PACKAGE[kind]
        return [h for h, _ in package_hits(index, ecosystem, value + suffix)]
    return index.exact(kind, value)
