"""What a scan already knows before asking: fresh and "not found" cache entries, remembered failures."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timezone

from scanner.net import redact as _redact
from scanner.net.cache import Cache, CacheEntry, request_key
from scanner.net.endpoints import ttl_for
from scanner.net.flights import Flights
from scanner.net.results import RETRY_STATUSES, Fetched, FetchError, HttpSettings

log = logging.getLogger("scanner.net.client")

Result = Fetched | FetchError


class Answers:
    """The cache and this scan's memory, with the rules for trusting what they hold.

    Answers are served within their source's TTL, "not found" within the negative TTL;
    failures are remembered for the scan (never stored); an outage falls back to an
    expired copy, a "not found" never does (the thing is gone).
    """

    def __init__(
        self,
        settings: HttpSettings,
        cache: Cache | None,
        flights: Flights,
        clock: Callable[[], float],
        count: Callable[[str], None],
    ) -> None:
        self.settings, self.cache, self._flights = settings, cache, flights
        self._clock, self._count = clock, count

    def _ttl(self, source: str, ttl: float | None) -> float:
        return ttl if ttl is not None else self.settings.ttls.get(source, ttl_for(source))

    def known(
        self, key: str, source: str, ttl: float | None
    ) -> tuple[Result | None, CacheEntry | None]:
        """(the answer, if the scan need not ask) and (an expired copy to revalidate or fall back on)."""
        entry = self.cache.get(key) if self.cache else None
        now = self._clock()
        if entry and entry.negative:
            if now - entry.fetched_at < self.settings.negative_ttl:
                self._count("negative_hit")
                return missing(entry), None
            entry = None  # an expired "not found" is asked again; offline it is unknown
        elif entry and now - entry.fetched_at < self._ttl(source, ttl):
            self._count("cache_hit")
            return from_entry(entry, stale=False), None
        remembered = self._flights.recall(key)
        if remembered is not None:
            self._count("remembered")
            return self.stale_or(entry, remembered), None
        return None, entry

    def learn(
        self, key: str, source: str, method: str, result: Result, entry: CacheEntry | None
    ) -> Result:
        """Keep what the network said; return what the caller gets."""
        if isinstance(result, FetchError):
            if result.missing:
                result = replace(result, fetched_at=self._clock())
            self._flights.keep(key, result)  # never asked again this scan, by any source
            if result.missing and self.cache:
                self.cache.put(key, negative(source, method, result, result.fetched_at or 0.0))
            return self.stale_or(entry, result)
        if result.status == 304:
            if not (self.cache and entry):
                return FetchError(result.url, "HTTP 304 without a cached copy", 304)
            self._count("revalidated")
            revalidated_at = result.fetched_at.timestamp()
            self.cache.touch(key, revalidated_at)
            return from_entry(entry, stale=False, fetched_at=revalidated_at)
        if self.cache:
            etag, modified = result.headers.get("etag"), result.headers.get("last-modified")
            stored = CacheEntry(
                source,
                method.upper(),
                result.url,
                result.status,
                result.headers,
                result.body,
                etag,
                modified,
                result.fetched_at.timestamp(),
            )
            self.cache.put(key, stored)
        return result

    def stale_or(self, entry: CacheEntry | None, result: Result) -> Result:
        """An outage falls back to an expired copy; anything else is returned as it is."""
        if isinstance(result, Fetched):
            return result
        transient = result.status is None or result.status in RETRY_STATUSES
        if entry and transient and result.kind != "deadline" and self.settings.stale_if_error:
            log.info("serving stale cache for %s: %s", result.url, result.reason)
            return from_entry(entry, stale=True)
        self._count("error")
        log.debug("fetch failed: %s: %s", result.url, result.reason)
        return result

    def fresh_until(self, result: Result, source: str, ttl: float | None) -> float | None:
        """Until when `result` may be believed (epoch s); None for an answer nobody keeps.

        A fresh answer holds for its source's TTL from when it was fetched, a "not found"
        for the negative TTL; a stale copy, an outage or a skipped lookup hold for nothing.
        """
        if isinstance(result, Fetched):
            if result.stale:
                return None
            return result.fetched_at.timestamp() + self._ttl(source, ttl)
        if result.missing and result.fetched_at is not None:
            return result.fetched_at + self.settings.negative_ttl
        return None

    def forget(self, key: str, why: FetchError) -> None:
        """A stored answer turned out unusable (not JSON): drop it, remember the failure."""
        self._flights.keep(key, why)  # the scan does not ask again for the same garbage
        if self.cache:
            self.cache.delete(key)

    def pending(
        self, url: str, source: str, headers: Mapping[str, str] | None, ttl: float | None
    ) -> bool:
        """True when nothing fresh is known about a GET of `url`."""
        key = request_key("GET", url, headers)
        if self._flights.recall(key) is not None:
            return False
        stamp = self.cache.stamp(key) if self.cache else None
        if stamp is None:
            return True
        status, fetched_at = stamp
        fresh = self.settings.negative_ttl if status >= 400 else self._ttl(source, ttl)
        return self._clock() - fetched_at >= fresh

    def remember(
        self,
        url: str,
        source: str,
        body: bytes | None,
        headers: Mapping[str, str] | None,
        reason: str,
    ) -> None:
        """Keep an answer learnt another way (a batch lookup) as the answer to a GET of `url`."""
        key, safe_url, now = (
            request_key("GET", url, headers),
            _redact.redact_url(url),
            self._clock(),
        )
        if body is None:
            entry = negative(source, "GET", FetchError(safe_url, reason, 404), now)
        else:
            kept = {"content-type": "application/json"}
            entry = CacheEntry(source, "GET", safe_url, 200, kept, body, None, None, now)
        if self.cache:
            self.cache.put(key, entry)
        else:
            self._flights.keep(
                key, missing(entry) if body is None else from_entry(entry, stale=False)
            )


def negative(source: str, method: str, error: FetchError, now: float) -> CacheEntry:
    """A cache entry that records "not found"; its body is the reason, never the answer."""
    reason = error.reason.encode("utf-8", "replace")
    status = error.status or 404
    return CacheEntry(source, method.upper(), error.url, status, {}, reason, None, None, now)


def missing(entry: CacheEntry) -> FetchError:
    """The "not found" a negative entry records."""
    reason = entry.body.decode("utf-8", "replace")
    return FetchError(entry.url, reason, entry.status, fetched_at=entry.fetched_at)


def from_entry(entry: CacheEntry, *, stale: bool, fetched_at: float | None = None) -> Fetched:
    """A stored answer as the client returns it; its fetch time travels with it."""
    when = entry.fetched_at if fetched_at is None else fetched_at
    return Fetched(
        entry.url,
        entry.status,
        dict(entry.headers),
        entry.body,
        True,
        datetime.fromtimestamp(when, tz=timezone.utc),
        stale,
    )
