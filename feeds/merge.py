"""Merge a checked proposal into the data files, in memory: identifiers, sources, corrections, rejections."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from feeds.coverage import DISPUTED
from feeds.staging import key

Key = tuple[str, str]
# Fields of a staged identifier that replace the stored ones when it is restated.
_REPLACED = ("scope", "verified", "note", "as_of", "valid_from", "valid_to", "excludes")


@dataclass
class Outcome:
    """What a merge did, per (entity, kind, value), and the files it changed."""

    added: list[tuple[str, str, str]] = field(default_factory=list)
    updated: list[tuple[str, str, str]] = field(default_factory=list)
    removed: list[tuple[str, str, str]] = field(default_factory=list)
    disputed: list[tuple[str, str, str]] = field(default_factory=list)
    rejected: list[tuple[str, str, str]] = field(default_factory=list)
    new_entities: list[str] = field(default_factory=list)
    left_out: list[tuple[str, str, str]] = field(default_factory=list)
    changed: set[str] = field(default_factory=set)


class Merge:
    """Data docs (file name → parsed JSON) changed in place by ``apply``."""

    def __init__(self, docs: dict[str, dict[str, Any]], today: str) -> None:
        self.docs = docs
        self.today = today
        self.out = Outcome()
        self._cited: set[str] = set()
        self.records: dict[str, tuple[str, dict[str, Any]]] = {
            r["id"]: (name, r)
            for name, doc in docs.items()
            if doc.get("feed") == "entities"
            for r in doc["records"]
        }

    def apply(
        self,
        proposal: dict[str, Any],
        only: Collection[Key] | None,
        rejects: dict[Key, str | None],
    ) -> Outcome:
        """Merge the selected facts (``only``: these keys; None: all), then record rejections."""
        for staged in proposal["entities"]:
            chosen = [i for i in staged.get("identifiers", ()) if _wanted(i, only, rejects)]
            for ident in staged.get("identifiers", ()):
                if ident not in chosen and key(ident["kind"], ident["value"]) not in rejects:
                    self.out.left_out.append((staged["id"], ident["kind"], ident["value"]))
            fixes = [
                c for c in staged.get("corrections", ()) if _wanted(c["identifier"], only, rejects)
            ]
            if staged["new"]:
                if chosen or only is None:
                    self._new_entity(staged, chosen)
            else:
                for ident in chosen:
                    self._identifier(staged["id"], ident)
            for fix in fixes:
                self._correct(staged["id"], fix)
        for k, why in rejects.items():
            self._reject(proposal, k, why)
        self._sources(proposal)
        for name in self.out.changed:
            self.docs[name]["as_of"] = max(self.docs[name]["as_of"], self.today)
        return self.out

    def _touch(self, name: str, src: Collection[str]) -> None:
        self.out.changed.add(name)
        self._cited.update(src)

    def _identifier(self, eid: str, ident: dict[str, Any]) -> None:
        name, record = self.records[eid]
        wanted = key(ident["kind"], ident["value"])
        for stored in record.setdefault("identifiers", []):
            if key(stored["kind"], stored["value"]) == wanted:
                stored["src"] = list(dict.fromkeys([*stored["src"], *ident["src"]]))
                for attr in _REPLACED:
                    if attr in ident:
                        stored[attr] = ident[attr]
                if "verified" not in ident:
                    stored.pop("verified", None)  # restated with a source: verified again
                    if "note" not in ident and stored.get("note"):
                        answered = f"dispute of \\1 answered {self.today} (re-sourced): "
                        stored["note"] = DISPUTED.sub(answered, stored["note"])
                self.out.updated.append((eid, ident["kind"], ident["value"]))
                break
        else:
            record["identifiers"].append(copy.deepcopy(ident))
            self.out.added.append((eid, ident["kind"], ident["value"]))
        self._touch(name, ident["src"])

    def _new_entity(self, staged: dict[str, Any], chosen: list[dict[str, Any]]) -> None:
        record = {
            k: copy.deepcopy(v)
            for k, v in staged.items()
            if k not in ("new", "note", "corrections")
        }
        record["identifiers"] = [copy.deepcopy(i) for i in chosen]
        if not record["identifiers"]:
            del record["identifiers"]
        name = self._file_for(record)
        self.docs[name]["records"].append(record)
        self.records[record["id"]] = (name, record)
        self.out.new_entities.append(record["id"])
        self.out.added.extend((record["id"], i["kind"], i["value"]) for i in chosen)
        self._touch(name, _all_src(record))

    def _file_for(self, record: dict[str, Any]) -> str:
        """The parent's file, else the entities file holding most records of the jurisdiction."""
        parent = record.get("parent", {}).get("id")
        if parent in self.records:
            return self.records[parent][0]
        counts = Counter(
            name
            for name, r in self.records.values()
            if r["jurisdiction"]["value"] == record["jurisdiction"]["value"]
        )
        if counts:
            return min(counts, key=lambda n: (-counts[n], n))
        return min(n for n, d in self.docs.items() if d.get("feed") == "entities")

    def _correct(self, eid: str, fix: dict[str, Any]) -> None:
        name, record = self.records[eid]
        k = key(**fix["identifier"])
        idents = record.get("identifiers", [])
        found = next((i for i in idents if key(i["kind"], i["value"]) == k), None)
        if found is None:
            raise MergeError(f"{eid}: no identifier {k[0]}:{k[1]} to {fix['action']}")
        if fix["action"] == "remove":
            idents.remove(found)
            # The rejection keeps the sources the identifier rested on: the record of what
            # was considered, and no source is left cited by nothing.
            kept = list(dict.fromkeys([*found.get("src", []), *fix.get("src", [])]))
            self._add_rejection(k, eid, fix["why"], kept)
            self.out.removed.append((eid, *k))
        else:  # dispute: weigh it less at once, while sources are re-read (CONTRIBUTING.md)
            found["verified"] = False
            flag = f"disputed {self.today}: {fix['why']}"
            found["note"] = f"{found['note']}; {flag}" if found.get("note") else flag
            found["src"] = list(dict.fromkeys([*found["src"], *fix.get("src", [])]))
            self.out.disputed.append((eid, *k))
        self._touch(name, fix.get("src", []))

    def _reject(self, proposal: dict[str, Any], k: Key, why: str | None) -> None:
        eid, src, reason = None, [], why
        for staged in proposal["entities"]:
            for ident in staged.get("identifiers", ()):
                if key(ident["kind"], ident["value"]) == k:
                    eid, src = staged["id"], ident["src"]
        for item in proposal.get("not_added", ()):
            if key(item["kind"], item["value"]) == k:
                src, reason = item.get("src", src), why or item["why"]
                eid = item.get("entity", eid)
        if reason is None:
            raise MergeError(f"{k[0]}:{k[1]}: say why it is rejected (--why)")
        self._add_rejection(k, eid, reason, src)

    def _add_rejection(self, k: Key, eid: str | None, why: str, src: list[str]) -> None:
        name = self._file("rejected")
        records = self.docs[name]["records"]
        # Rejected before and added since: the newest review is the record, and the sources
        # of both stay cited.
        rec = next((r for r in records if key(r["kind"], r["value"]) == k), None)
        if rec is None:
            rec = {"kind": k[0], "value": k[1]}
            records.append(rec)
        if eid:
            rec["entity"] = eid
        rec.update(why=why, reviewed=self.today)
        if src:
            rec["src"] = list(dict.fromkeys([*rec.get("src", []), *src]))
        self.out.rejected.append((eid or "", *k))
        self._touch(name, src)

    def _sources(self, proposal: dict[str, Any]) -> None:
        """Add the proposal's sources that accepted facts cite and the data does not hold yet."""
        name = self._file("sources")
        records = self.docs[name]["records"]
        have = {s["id"] for s in records}
        for source in proposal["sources"]:
            if source["id"] in self._cited and source["id"] not in have:
                records.append(copy.deepcopy(source))
                self.out.changed.add(name)

    def _file(self, feed: str) -> str:
        """The file of a single-file feed; rejected.json is started when a folder has none."""
        name = next((n for n, d in self.docs.items() if d.get("feed") == feed), None)
        if name is None:
            name = f"{feed}.json"
            self.docs[name] = {"feed": feed, "version": 1, "as_of": self.today, "records": []}
        return name


class MergeError(ValueError):
    """The proposal cannot be merged as asked (a correction of nothing, a rejection without why)."""


def _wanted(ident: dict[str, Any], only: Collection[Key] | None, rejects: dict[Key, Any]) -> bool:
    k = key(ident["kind"], ident["value"])
    return k not in rejects and (only is None or k in only)


def _all_src(record: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    stack: list[Any] = [record]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found.update(node.get("src", ()) if isinstance(node.get("src"), list) else ())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found
