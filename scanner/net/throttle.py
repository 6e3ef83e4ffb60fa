"""Per-host request gates (concurrency, spacing, pauses, time used) and backoff timing."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.utils import parsedate_to_datetime


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # HTTP dates are GMT by definition
        return None
    return max(0.0, when.timestamp() - now)


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Exponential backoff with jitter: a random delay in [d/2, d], d = min(cap, base * 2^n)."""
    # Jitter keeps many workers that failed together from retrying in lockstep.
    ceiling = min(cap, base * (2**attempt))
    return rng.uniform(ceiling / 2, ceiling)


class HostGate:
    """At most `limit` requests in flight to one host, starts spaced by `min_interval`.

    A pause (Retry-After, a spent quota) holds every request to the host, whichever source
    makes it; `busy()` is the wall-clock time the host has had requests open.
    """

    def __init__(
        self,
        limit: int,
        min_interval: float,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        self._slots = threading.BoundedSemaphore(max(1, limit))
        self._lock = threading.Lock()
        self._next_start = 0.0
        self._paused_until = 0.0
        self._in_flight = 0
        self._busy = 0.0
        self._busy_since = 0.0
        self._min_interval = min_interval
        self._clock = clock
        self._sleep = sleep

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one of the host's slots for the duration of a request."""
        with self._slots:
            with self._lock:
                now = self._clock()
                start = max(now, self._next_start, self._paused_until)
                self._next_start = start + self._min_interval
            if start > now:
                self._sleep(start - now)
            with self._lock:
                if not self._in_flight:
                    self._busy_since = self._clock()
                self._in_flight += 1
            try:
                yield
            finally:
                with self._lock:
                    self._in_flight -= 1
                    if not self._in_flight:
                        self._busy += self._clock() - self._busy_since

    def busy(self) -> float:
        """Seconds during which at least one request to the host was open (not their sum)."""
        with self._lock:
            return self._busy + (self._clock() - self._busy_since if self._in_flight else 0.0)

    def pause(self, seconds: float) -> None:
        """Hold every request to this host for `seconds` (the host asked us to, Retry-After)."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)

    def paused_for(self) -> float:
        """Seconds left of a pause the host asked for."""
        with self._lock:
            return max(0.0, self._paused_until - self._clock())


class HostGates:
    """Lazily created gates, one per `host:port`."""

    def __init__(
        self,
        limit_for: Callable[[str], int],
        interval_for: Callable[[str], float],
        clock: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        self._gates: dict[str, HostGate] = {}
        self._lock = threading.Lock()
        self._limit_for = limit_for
        self._interval_for = interval_for
        self._clock = clock
        self._sleep = sleep

    def get(self, host: str, port: int) -> HostGate:
        """The gate for `host:port`, created on first use."""
        key = f"{host}:{port}"
        with self._lock:
            gate = self._gates.get(key)
            if gate is None:
                gate = HostGate(
                    self._limit_for(host), self._interval_for(host), self._clock, self._sleep
                )
                self._gates[key] = gate
            return gate
