"""Wall-clock limits: the scan's --max-time, and a watchdog that cuts requests running past theirs."""

from __future__ import annotations

import contextlib
import heapq
import itertools
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import socket


class Deadline:
    """The end of a time budget that started when it was made; None seconds never ends."""

    def __init__(
        self, seconds: float | None, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = seconds
        self._monotonic = monotonic
        self._end = math.inf if seconds is None else monotonic() + seconds

    def left(self) -> float:
        """Seconds left (inf without a limit, 0 once passed)."""
        return max(0.0, self._end - self._monotonic())

    def passed(self) -> bool:
        """True once the budget is spent."""
        return self.left() <= 0.0


class Cut:
    """One request's wall-clock limit and the sockets it uses, shut down when time runs out."""

    def __init__(self, at: float) -> None:
        self.at = at
        self.fired = False
        self.done = False
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()

    def attach(self, sock: socket.socket) -> None:
        """Watch `sock` too (a new or reused connection of this request)."""
        with self._lock:
            if self.fired:
                _shut(sock)
            elif not self.done:
                self._socks.append(sock)

    def fire(self) -> None:
        """Time is up: every read the request is blocked in returns at once."""
        with self._lock:
            if self.done:
                return
            self.fired = True
            for sock in self._socks:
                _shut(sock)

    def finish(self) -> None:
        """The request is over; its sockets go back to the pool untouched."""
        with self._lock:
            self.done = True
            self._socks.clear()


def _shut(sock: socket.socket) -> None:
    import socket  # only when time runs out: a warm scan that asks nothing never loads it

    with contextlib.suppress(OSError):  # already closed: nothing left to cut
        sock.shutdown(socket.SHUT_RDWR)


class Watchdog:
    """One thread that fires each request's Cut at its time.

    Per-read timeouts never end a request whose server sends one byte just before each
    timeout (a trickle): only shutting the socket down from outside does. Connections find
    the current request's Cut through a thread-local (`attach`), set by `limit`.
    """

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Cut]] = []
        self._ids = itertools.count()
        self._local = threading.local()
        self._thread: threading.Thread | None = None

    @contextmanager
    def limit(self, seconds: float) -> Iterator[Cut]:
        """Limit what runs inside to `seconds` of wall-clock time (for this thread's sockets)."""
        cut = Cut(self._monotonic() + seconds)
        previous = getattr(self._local, "cut", None)
        self._local.cut = cut
        with self._cond:
            heapq.heappush(self._heap, (cut.at, next(self._ids), cut))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="icts-watchdog", daemon=True)
                self._thread.start()
            self._cond.notify()
        try:
            yield cut
        finally:
            cut.finish()
            self._local.cut = previous

    def attach(self, sock: socket.socket) -> None:
        """Put `sock` under the current request's limit, if this thread has one."""
        cut: Cut | None = getattr(self._local, "cut", None)
        if cut is not None:
            cut.attach(sock)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait()
                at, _, cut = self._heap[0]
                if cut.done:
                    heapq.heappop(self._heap)
                    continue
                wait = at - self._monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)
            cut.fire()


WATCHDOG = Watchdog()
