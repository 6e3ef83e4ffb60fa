"""Derived facts kept between scans: a component's results from its sources, while their answers hold."""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from sbom.model import Component, Inventory
from scanner import __version__
from scanner.enrich.context import Context
from scanner.enrich.model import Fact, SourceResult, SourceStatus
from scanner.net.cache import Cache
from scanner.net.endpoints import DAY, ENDPOINTS, GOGET_ENV
from scanner.net.reads import Reads

# The code whose output the table keeps (sources, the HTTP layer, checks, the knowledge
# base's lookups), by content: a development build keeps one version string through many
# changes, and a kept row must never outlive the code that wrote it.
_CODE = (("scanner", "enrich"), ("scanner", "assess"), ("scanner", "net"), ("feeds",))
# Results worth keeping: answers and "not found". Failures, offline misses, rate limits and
# the deadline are this scan's trouble and are asked again next time.
KEPT = frozenset({"ok", "not-found", "not-applicable", "skipped"})
# A result that read nothing (a skipped or inapplicable component) is kept for a day.
_NOTHING_READ = DAY
# The source column of a row that holds a whole inventory's network results: a warm scan of
# an unchanged inventory reads one row, not one per component.
WHOLE = "inventory"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """sha256 of the source of the code in ``_CODE`` (about 90 files, ~1.5 ms once a run)."""
    top = Path(__file__).resolve().parents[2]
    h = hashlib.sha256()
    for parts in _CODE:
        for folder, dirs, files in os.walk(top.joinpath(*parts)):
            dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", "data"))
            for name in sorted(f for f in files if f.endswith(".py")):
                path = os.path.join(folder, name)
                with open(path, "rb") as fh:
                    h.update(os.path.relpath(path, top).encode() + b"\0" + fh.read() + b"\0")
    return h.hexdigest()


def is_local(source: object) -> bool:
    """A source that reads the scanned tree (``LOCAL = True``): its results are never kept."""
    return bool(getattr(source, "LOCAL", False))


def context_digest(ctx: Context) -> str:
    """What, besides the component, decides a source's answer: the code and its version,
    endpoints, TTLs, tokens.

    Only whether a token is set counts (signed-in callers see more), never its value.
    """
    settings = ctx.client.settings
    parts: list[Any] = [
        __version__,
        code_digest(),
        sorted((e.source, ctx.base(e.source)) for e in ENDPOINTS),
        ctx.environ.get(GOGET_ENV, ""),
        sorted(k for k, v in ctx.environ.items() if k.endswith("_TOKEN") and v.strip()),
        ctx.tree_endpoints,
        ctx.verify,
        settings.negative_ttl,
        sorted(settings.ttls.items()),
    ]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def component_digest(c: Component) -> str:
    """The component as sources see it: identity, artifacts and where it came from."""
    parts = [
        c.purl,
        c.ecosystem,
        c.name,
        c.version,
        c.source_kind,
        c.source_url,
        c.requirement,
        list(c.registries),
        list(c.resolved),
        [[h.alg, h.value] for h in c.hashes],
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def facts_digest(facts: Iterable[Fact]) -> str:
    """Phase-2 sources depend on what phase 1 found: its facts are part of their key."""
    return hashlib.sha256(json.dumps([_fact(f) for f in facts]).encode()).hexdigest()


def inventory_digest(inventory: Inventory) -> str:
    """The whole inventory, every field of every record (what the checks read too: paths,
    locations, scopes): its records' ``repr`` names every field (tests/scanner/
    test_derived_facts.py checks that sbom.model hides none), values shown unambiguously."""
    return hashlib.sha256(repr(inventory).encode("utf-8", "surrogatepass")).hexdigest()


def whole_key(context: str, inventory: str, sources: Any, local: Sequence[SourceResult]) -> str:
    """The row key of an inventory's network results: the inventory's digest, the sources
    (which, with the components, decide every lookup: ``sources`` names each with its
    ecosystems, in order) and what the local sources found this time, which phase-2 sources
    build on. A result object that repeats (a source's shared "not applicable") is
    serialised once."""
    h = hashlib.sha256(json.dumps([context, WHOLE, inventory, sources]).encode())
    seen: dict[int, bytes] = {}
    for r in local:
        blob = seen.get(id(r))
        if blob is None:
            blob = seen[id(r)] = dump([r])
        h.update(blob + b"\n")
    return h.hexdigest()


def settled_key(whole: str, payload: bytes) -> str:
    """The key of what is derived from an inventory's network results: their row's key and
    the results themselves. Two scans may keep different answers under one row key (a
    registry changed between them); what rests on the one must never be read for the other."""
    return hashlib.sha256(whole.encode() + b"\n" + payload).hexdigest()


def key(context: str, source: str, component: str, prior: str = "") -> str:
    """The row key of a component's results from `source` (names joined by commas)."""
    return hashlib.sha256(f"{context}\n{source}\n{component}\n{prior}".encode()).hexdigest()


def _fact(f: Fact) -> list[Any]:
    return [
        f.purl,
        f.kind,
        f.value,
        f.field,
        f.source,
        f.url,
        f.retrieved,
        f.strength,
        f.subject,
        [list(a) for a in f.attrs],
    ]


def _unfact(f: list[Any]) -> Fact:
    purl, kind, value, path, source, url, retrieved, strength, subject, attrs = f
    pairs = tuple((str(a), str(b)) for a, b in attrs) if attrs else ()
    return Fact(purl, kind, value, path, source, url, retrieved, strength, subject, pairs)


def dump(results: Sequence[SourceResult]) -> bytes:
    """Results as stored: compact JSON, ASCII-escaped so that registry text with a lone
    surrogate is kept exactly as the evidence record needs it."""
    doc = [
        [
            [r.status.source, r.status.status, r.status.reason, r.status.url],
            [_fact(f) for f in r.facts],
        ]
        for r in results
    ]
    return json.dumps(doc, separators=(",", ":")).encode()


def load(payload: bytes) -> list[SourceResult] | None:
    """Stored results, or None when the row is not one this version wrote."""
    try:
        return _results(json.loads(payload.decode()))
    except ValueError:  # UnicodeDecodeError is a ValueError
        return None


def load_many(payloads: Sequence[bytes]) -> list[list[SourceResult] | None]:
    """``load`` of each payload, parsed as one JSON array: a warm scan reads thousands of
    rows, and one parse costs a fraction of thousands. Any row that spoils the whole array
    (a damaged file) sends every row through ``load`` on its own."""
    if not payloads:
        return []
    try:
        docs = json.loads(b"[" + b",".join(payloads) + b"]")
    except ValueError:
        docs = None
    if not isinstance(docs, list) or len(docs) != len(payloads):
        return [load(p) for p in payloads]
    return [_results(doc) for doc in docs]


def _results(doc: Any) -> list[SourceResult] | None:
    # Statuses repeat ("not-applicable" for most components of a source): equal ones are
    # one immutable object, built once.
    statuses: dict[tuple[Any, ...], SourceStatus] = {}
    try:
        out = []
        for status, facts in doc:
            key = tuple(status)
            known = statuses.get(key)
            if known is None:
                known = statuses[key] = SourceStatus(*key)
            out.append(SourceResult(known, tuple(map(_unfact, facts)) if facts else ()))
        return out
    except (ValueError, TypeError):
        return None


# One row: a component's sources of one phase whose results are kept (indices into the
# phase's lookups), under one key.
Group = tuple[str, list[int]]


class Memo:
    """One scan's use of the derived-facts table: read once per phase, written once at the end.

    A row holds one component's results from every network source of a phase, kept until
    the earliest answer any of them rests on expires: a warm scan reads one row per
    component, not one per source.
    """

    def __init__(self, cache: Cache, ctx: Context, now: float) -> None:
        self._derived = cache.derived
        self.context = context_digest(ctx)
        self._now = now
        self._rows: list[tuple[str, str, float, bytes]] = []
        # Row key → when it expires, for every group of this scan that is kept (read or
        # written): what a whole inventory's row may rest on.
        self._until: dict[str, float] = {}

    def groups(
        self,
        lookups: Sequence[tuple[Component, Any]],
        digests: dict[str, str],
        prior: Callable[[str], Iterable[Fact]] | None,
    ) -> list[Group]:
        """Rows for `lookups` (component, source); sources with ``LOCAL`` set are never kept.

        Phase-2 sources depend on what phase 1 found: `prior(purl)` is part of their key.
        """
        by_comp: dict[str, list[int]] = {}
        for n, (c, source) in enumerate(lookups):
            if not is_local(source):  # local files change without a TTL
                by_comp.setdefault(c.purl, []).append(n)
        out = []
        for purl, idx in by_comp.items():
            names = ",".join(lookups[n][1].NAME for n in idx)
            after = facts_digest(prior(purl)) if prior is not None else ""
            out.append((key(self.context, names, digests[purl], after), idx))
        return out

    def found(self, groups: Sequence[Group]) -> dict[int, SourceResult]:
        """The kept results of `groups` still fresh now, by lookup index."""
        stored = self._derived.get_many([k for k, _ in groups], self._now)
        hits = [(k, idx, stored[k]) for k, idx in groups if k in stored]
        out: dict[int, SourceResult] = {}
        for (k, idx, (_, until)), results in zip(
            hits, load_many([p for _, _, (p, _) in hits]), strict=True
        ):
            if results is not None and len(results) == len(idx):
                out.update(zip(idx, results, strict=True))
                self._until[k] = until
        return out

    def keep(
        self,
        groups: Sequence[Group],
        results: Sequence[SourceResult | None],
        reads: dict[int, Reads],
    ) -> None:
        """Keep each group looked up in this scan whose every result and answer may be kept."""
        for k, idx in groups:
            if not all(n in reads for n in idx):
                continue  # taken from the table: already there
            got = [results[n] for n in idx]
            if any(r is None or r.status.status not in KEPT for r in got):
                continue
            if not all(reads[n].kept for n in idx):
                continue
            until = min(reads[n].until for n in idx)
            until = until if until != math.inf else self._now + _NOTHING_READ
            if until > self._now:
                kept = [r for r in got if r is not None]
                names = ",".join(r.status.source for r in kept)
                self._rows.append((k, names, until, dump(kept)))
                self._until[k] = until

    def settled(self, groups: Iterable[Group]) -> float | None:
        """When the first of `groups`' rows expires; None when any of them is not kept
        (a failure, an answer that may not be kept): nothing may rest on them as a whole."""
        untils = self._until
        try:
            return min((untils[k] for k, _ in groups), default=self._now + _NOTHING_READ)
        except KeyError:
            return None

    def whole(self, key: str, count: int) -> tuple[list[SourceResult], float, str] | None:
        """An inventory's `count` network results kept under `key`, when they expire, and
        the key of what rests on exactly these results (``settled_key``)."""
        stored = self._derived.get_many([key], self._now).get(key)
        results = load(stored[0]) if stored is not None else None
        if stored is None or results is None or len(results) != count:
            return None
        return results, stored[1], settled_key(key, stored[0])

    def keep_whole(self, key: str, until: float, results: Sequence[SourceResult]) -> str:
        """Keep an inventory's network results as one row, until the first of its rows
        expires; return the key of what rests on exactly these results."""
        payload = dump(results)
        if results and until > self._now:
            self._rows.append((key, WHOLE, until, payload))
        return settled_key(key, payload)

    def flush(self) -> None:
        """Write what this scan derived, in one transaction."""
        self._derived.put_many(self._rows, self._now)
        self._rows = []
