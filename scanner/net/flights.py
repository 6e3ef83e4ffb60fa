"""One request per resource per scan: identical requests share one call; failures are remembered."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from scanner.net.results import Fetched, FetchError, JsonDoc

Result = Fetched | FetchError


class _Flight:
    """A request in progress that later identical requests wait for."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: Result = FetchError("", "internal error: request not finished")


class Flights:
    """Requests in flight by key, and what this scan learnt that no cache keeps.

    Transient failures (timeouts, 5xx, 429) are remembered so that no other source asks
    again in the same scan, yet never stored as facts; so are "not found" answers and, when
    the client has no cache, answers learnt from batch lookups.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._flights: dict[str, _Flight] = {}
        self._kept: dict[str, Result] = {}

    def once(self, key: str, call: Callable[[], Result]) -> tuple[Result, bool]:
        """Run `call` unless an identical request is in flight; then share its result.

        Returns the result and whether it was shared.
        """
        with self._lock:
            flight = self._flights.get(key)
            leader = flight is None
            if flight is None:
                flight = self._flights[key] = _Flight()
        if not leader:
            # Many components share one organization or repository: ask once, not 300 times.
            flight.done.wait()
            return flight.result, True
        try:
            flight.result = call()
        finally:
            with self._lock:
                del self._flights[key]
            flight.done.set()
        return flight.result, False

    def recall(self, key: str) -> Result | None:
        """What this scan already learnt about `key`, if anything."""
        with self._lock:
            return self._kept.get(key)

    def keep(self, key: str, result: Result) -> None:
        """Remember `result` for the rest of the scan."""
        with self._lock:
            self._kept[key] = result


class RecentDocs:
    """The last parsed JSON documents, so that sources reading one document (npm and
    npm-provenance share the packument) parse it once. Bounded by their bodies' size."""

    def __init__(self, max_bytes: int = 32 * 1024 * 1024, max_docs: int = 256) -> None:
        self._lock = threading.Lock()
        self._docs: OrderedDict[str, JsonDoc] = OrderedDict()
        self._bytes = 0
        self._max_bytes, self._max_docs = max_bytes, max_docs

    def get(self, key: str) -> JsonDoc | None:
        """The document parsed for `key`, if still kept."""
        with self._lock:
            doc = self._docs.get(key)
            if doc is not None:
                self._docs.move_to_end(key)
            return doc

    def put(self, key: str, doc: JsonDoc) -> None:
        """Keep `doc`, dropping the oldest ones beyond the bounds."""
        size = len(doc.fetched.body)
        if size > self._max_bytes // 4:
            return  # one huge document would push out everything else
        with self._lock:
            old = self._docs.pop(key, None)
            self._bytes += size - (len(old.fetched.body) if old else 0)
            self._docs[key] = doc
            while self._docs and (
                self._bytes > self._max_bytes or len(self._docs) > self._max_docs
            ):
                _, dropped = self._docs.popitem(last=False)
                self._bytes -= len(dropped.fetched.body)
