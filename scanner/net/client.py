"""The one HTTP client: pooled, polite, retrying, size- and time-limited, cached and credential-safe."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, TypeVar

from scanner.net import redact as _redact
from scanner.net.answers import Answers, from_entry
from scanner.net.cache import Cache, request_key
from scanner.net.deadline import Deadline
from scanner.net.flights import Flights, RecentDocs
from scanner.net.reads import Reads, Recorder
from scanner.net.results import (
    USER_AGENT,
    Fetched,
    FetchError,
    HttpSettings,
    JsonDoc,
    decode_json,
)
from scanner.net.workers import Workers

if TYPE_CHECKING:
    import random

    from scanner.net.transport import Transport

__all__ = [
    "USER_AGENT",
    "FetchError",
    "Fetched",
    "HttpClient",
    "HttpSettings",
    "JsonDoc",
    "decode_json",
]

log = logging.getLogger("scanner.net.client")

T = TypeVar("T")
R = TypeVar("R")


class HttpClient:
    """Fetch URLs for enrichment sources. Network problems are returned, never raised.

    One client per scan: its Session pools connections, and its per-host gates, deadline and
    memory of failures only work when every source shares it. `clock`, `sleep` and `rng`
    exist so tests need not wait.
    """

    def __init__(
        self,
        settings: HttpSettings | None = None,
        cache: Cache | None = None,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings or HttpSettings()
        self.cache = cache
        self.stats: Counter[str] = Counter()  # network, cache_hit, negative_hit, remembered, …
        self.deadline = Deadline(self.settings.max_time)
        self._clock = clock
        self._lock = threading.Lock()
        self._sleep = sleep
        self._rng = rng  # made with the transport: random is not imported for cached scans
        self._transport_: Transport | None = None
        self._workers = Workers(self.settings.workers)
        self._flights = Flights()
        self._recent = RecentDocs()
        self._answers = Answers(self.settings, cache, self._flights, clock, self._count)
        self._recorder = Recorder()
        _redact.install_log_redaction()

    def now(self) -> float:
        """The client's clock (epoch s): what freshness is measured against."""
        return self._clock()

    def recording(self) -> AbstractContextManager[Reads]:
        """Collect, on this thread, until when the answers read in the block hold.

        Enrichment keeps the facts it derives from them for exactly that long
        (scanner/enrich/memo.py).
        """
        return self._recorder.recording()

    def _note(
        self, result: Fetched | JsonDoc | FetchError | None, source: str, ttl: float | None
    ) -> None:
        """Record what a lookup read; None: an answer the cache does not keep."""
        reads = self._recorder.current
        if reads is not None:
            if isinstance(result, JsonDoc):
                result = result.fetched
            kept = None if result is None else self._answers.fresh_until(result, source, ttl)
            reads.add(kept)

    @property
    def _transport(self) -> Transport:
        """The network side, made on first use: offline and cache-only runs (pre-commit)
        never import requests (~40 ms of start-up)."""
        with self._lock:
            if self._transport_ is None:
                import random

                from scanner.net.transport import Transport

                self._transport_ = Transport(
                    self.settings,
                    clock=self._clock,
                    sleep=self._sleep,
                    rng=self._rng or random.Random(),
                    count=self._count,
                    deadline=self.deadline,
                )
            return self._transport_

    def fetch(
        self,
        url: str,
        *,
        source: str,
        headers: Mapping[str, str] | None = None,
        method: str = "GET",
        body: bytes | None = None,
        ttl: float | None = None,
        redirect_hosts: Collection[str] = (),
        use_cache: bool = True,
        max_bytes: int | None = None,
        max_time: float | None = None,
    ) -> Fetched | FetchError:
        """GET (or POST) `url` through the cache; `source` names the endpoint-table entry.

        Fresh answers and fresh "not found" answers are served from the cache; stale ones are
        revalidated with If-None-Match / If-Modified-Since; offline, only the cache answers.
        A resource is asked once per scan: identical requests in flight share one call, and
        a failure is remembered. `max_bytes` and `max_time` tighten the client's limits.
        """
        key = request_key(method, url, headers, body)
        result = self._once(
            key,
            url,
            source=source,
            headers=headers,
            method=method,
            body=body,
            ttl=ttl,
            redirect_hosts=redirect_hosts,
            use_cache=use_cache,
            max_bytes=max_bytes,
            max_time=max_time,
        )
        self._note(result if use_cache else None, source, ttl)
        return result

    def _once(
        self,
        key: str,
        url: str,
        *,
        source: str,
        headers: Mapping[str, str] | None,
        method: str,
        body: bytes | None,
        ttl: float | None,
        redirect_hosts: Collection[str],
        use_cache: bool,
        max_bytes: int | None = None,
        max_time: float | None = None,
    ) -> Fetched | FetchError:
        """fetch() for a request whose key is known (get_json has made it already)."""
        for secret in _redact.sensitive_values(headers or {}):
            _redact.register_secret(secret)
        result, shared = self._flights.once(
            key,
            lambda: self._fetch(
                url,
                key,
                use_cache,
                source=source,
                headers=dict(headers or {}),
                method=method,
                body=body,
                ttl=ttl,
                redirect_hosts=redirect_hosts,
                max_bytes=max_bytes,
                max_time=max_time,
            ),
        )
        if shared:
            self._count("shared")
        return result

    def _fetch(
        self,
        url: str,
        key: str,
        cacheable: bool,
        *,
        source: str,
        headers: dict[str, str],
        method: str,
        body: bytes | None,
        ttl: float | None,
        redirect_hosts: Collection[str],
        max_bytes: int | None,
        max_time: float | None,
    ) -> Fetched | FetchError:
        """fetch() without the sharing; `cacheable` False bypasses cache and memory."""
        answer, entry = self._answers.known(key, source, ttl) if cacheable else (None, None)
        if answer is not None:
            return answer
        if self.settings.offline:
            if entry:  # offline, an old answer beats unknown; its fetch time travels with it
                self._count("cache_hit")
                return from_entry(entry, stale=True)
            self._count("offline_miss")
            return FetchError(_redact.redact_url(url), "offline: not in cache", kind="offline")
        if entry and entry.etag:
            headers["If-None-Match"] = entry.etag
        if entry and entry.last_modified:
            headers["If-Modified-Since"] = entry.last_modified
        result = self._transport.send(
            method, url, headers, body, redirect_hosts, max_bytes=max_bytes, max_time=max_time
        )
        if not cacheable:
            if isinstance(result, FetchError):
                self._count("error")
            return result
        return self._answers.learn(key, source, method, result, entry)

    def get_json(
        self,
        url: str,
        *,
        source: str,
        headers: Mapping[str, str] | None = None,
        method: str = "GET",
        body: bytes | None = None,
        ttl: float | None = None,
        redirect_hosts: Collection[str] = (),
        use_cache: bool = True,
    ) -> JsonDoc | FetchError:
        """fetch() then decode_json(); a body that is not JSON is dropped from the cache.

        The document is shared with later callers of the same request in this scan: they
        must not change it (sources never do).
        """
        key = request_key(method, url, headers, body)
        recent = self._recent.get(key) if use_cache else None
        if recent is not None:
            self._count("parsed_hit")
            self._note(recent, source, ttl)
            return recent
        result = self._once(
            key,
            url,
            source=source,
            headers=headers,
            method=method,
            body=body,
            ttl=ttl,
            redirect_hosts=redirect_hosts,
            use_cache=use_cache,
        )
        doc = result if isinstance(result, FetchError) else decode_json(result)
        # A body that is not JSON is no kept answer (fresh_until says so): facts derived from
        # it, like those from a lookup without the cache, hold for this scan only.
        self._note(doc if use_cache else None, source, ttl)
        if isinstance(result, FetchError):
            return result
        if isinstance(doc, FetchError) and use_cache:
            self._answers.forget(key, doc)
        elif use_cache and isinstance(doc, JsonDoc) and not result.stale:
            self._recent.put(key, doc)
        return doc

    def pending(
        self,
        url: str,
        *,
        source: str,
        headers: Mapping[str, str] | None = None,
        ttl: float | None = None,
    ) -> bool:
        """True when a GET of `url` would go to the network (for batch lookups to pick items)."""
        if self.settings.offline or self.deadline.passed():
            return False
        return self._answers.pending(url, source, headers, ttl)

    def remember(
        self,
        url: str,
        *,
        source: str,
        body: bytes | None,
        headers: Mapping[str, str] | None = None,
        reason: str = "not found",
    ) -> None:
        """Keep an answer learnt another way (a batch lookup) as the answer to a GET of `url`.

        `body` None records "not found" with `reason`, under the negative TTL.
        """
        self._answers.remember(url, source, body, headers, reason)

    def pause(self, url: str, reason: str) -> None:
        """Hold `url`'s host for the rest of the scan, for every source (a quota without a reset)."""
        log.info("pausing %s: %s", _redact.redact_url(url), reason)
        self._transport.gate(url).pause(self.deadline.left() if self.settings.max_time else 1e9)

    def unkept(self) -> None:
        """What the running lookup derives must not outlive this scan: it could not do all of
        its work (verify an attestation), though every answer it read was fine."""
        reads = self._recorder.current
        if reads is not None:
            reads.add(None)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """Run `fn` over `items` on the client's thread pool; results in input order."""
        return self._workers.map(self._recorder.carried(fn), items)

    def close(self) -> None:
        """Stop the pool and close connections (the cache belongs to the caller)."""
        self._workers.close()
        if self._transport_ is not None:
            self._transport_.session.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _count(self, what: str) -> None:
        with self._lock:
            self.stats[what] += 1
