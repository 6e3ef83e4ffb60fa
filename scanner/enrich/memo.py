"""Derived facts kept between scans: one source's result for one component, while its answers hold."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

from sbom.model import Component
from scanner import __version__
from scanner.enrich.context import Context
from scanner.enrich.model import Fact, SourceResult, SourceStatus
from scanner.net.cache import Cache
from scanner.net.endpoints import ENDPOINTS
from scanner.net.reads import Reads

# Bump when a source changes what it derives from the same answers within one version.
MEMO_VERSION = 1
# Results worth keeping: answers and "not found". Failures, offline misses, rate limits and
# the deadline are this scan's trouble and are asked again next time.
KEPT = frozenset({"ok", "not-found", "not-applicable", "skipped"})
# A result that read nothing (a skipped or inapplicable component) is kept for a day.
_NOTHING_READ = 86400.0
_GOGET_ENV = "ICTS_SCAN_GOGET_URL"


def context_digest(ctx: Context) -> str:
    """What, besides the component, decides a source's answer: version, endpoints, TTLs, tokens.

    Only whether a token is set counts (signed-in callers see more), never its value.
    """
    settings = ctx.client.settings
    parts: list[Any] = [
        __version__,
        MEMO_VERSION,
        sorted((e.source, ctx.base(e.source)) for e in ENDPOINTS),
        ctx.environ.get(_GOGET_ENV, ""),
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


def key(context: str, source: str, component: str, prior: str = "") -> str:
    """The row key of one source's result for one component (digests from above)."""
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
    pairs = tuple((str(a), str(b)) for a, b in attrs)
    return Fact(purl, kind, value, path, source, url, retrieved, strength, subject, pairs)


def dump(result: SourceResult) -> bytes:
    """A result as stored: compact JSON, ASCII-escaped so that registry text with a lone
    surrogate is kept exactly as the evidence record needs it."""
    s = result.status
    doc = [[s.source, s.status, s.reason, s.url], [_fact(f) for f in result.facts]]
    return json.dumps(doc, separators=(",", ":")).encode()


def load(payload: bytes) -> SourceResult | None:
    """A stored result, or None when the row is not one this version wrote."""
    try:
        status, facts = json.loads(payload)
        return SourceResult(
            SourceStatus(*status),
            tuple(_unfact(f) for f in facts),
        )
    except (ValueError, TypeError):
        return None


class Memo:
    """One scan's use of the derived-facts table: read once up front, written once at the end."""

    def __init__(self, cache: Cache, ctx: Context, now: float) -> None:
        self._derived = cache.derived
        self.context = context_digest(ctx)
        self._now = now
        self._rows: list[tuple[str, str, float, bytes]] = []

    def found(self, keys: Sequence[str]) -> dict[str, SourceResult]:
        """The kept results among `keys` (fresh now)."""
        out = {}
        for k, payload in self._derived.get_many(keys, self._now).items():
            result = load(payload)
            if result is not None:
                out[k] = result
        return out

    def keep(self, row_key: str, result: SourceResult, reads: Reads) -> None:
        """Keep `result` until its earliest answer expires, when every answer was kept."""
        if result.status.status not in KEPT or not reads.kept:
            return
        until = reads.until if reads.until != math.inf else self._now + _NOTHING_READ
        if until > self._now:
            self._rows.append((row_key, result.status.source, until, dump(result)))

    def flush(self) -> None:
        """Write what this scan derived, in one transaction."""
        self._derived.put_many(self._rows, self._now)
        self._rows = []
