"""What one lookup read through the client: until when all of it holds, and whether all of it is kept."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Reads:
    """The answers one enricher call used, summed up for the facts derived from them.

    ``until`` is the earliest time any of them stops being fresh (``math.inf`` when the call
    read nothing); ``kept`` turns False for good when any answer was a stale copy, a failure
    or a lookup the cache does not keep: facts derived from it must not outlive this scan.
    """

    def __init__(self) -> None:
        self.until = math.inf
        self.kept = True
        self._lock = threading.Lock()

    def add(self, until: float | None) -> None:
        """One more answer, fresh until ``until`` (None: not a kept answer)."""
        with self._lock:
            if until is None:
                self.kept = False
            else:
                self.until = min(self.until, until)


class Recorder:
    """The Reads of the lookup running on each thread (a worker's nested lookups included)."""

    def __init__(self) -> None:
        self._local = threading.local()

    @property
    def current(self) -> Reads | None:
        """The Reads being collected on this thread, if any."""
        reads: Reads | None = getattr(self._local, "reads", None)
        return reads

    @contextmanager
    def recording(self) -> Iterator[Reads]:
        """Collect what the code in the ``with`` block reads, on this thread."""
        before, reads = self.current, Reads()
        self._local.reads = reads
        try:
            yield reads
        finally:
            self._local.reads = before

    def carried(self, fn: Callable[[T], R]) -> Callable[[T], R]:
        """``fn`` that records into this thread's Reads when another thread runs it."""
        reads = self.current
        if reads is None:
            return fn

        def run(item: T) -> R:
            before = self.current
            self._local.reads = reads
            try:
                return fn(item)
            finally:
                self._local.reads = before

        return run
