"""Fixtures for network-layer tests: a loopback server and fast, recording HTTP clients."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from scanner.net.cache import Cache
from scanner.net.client import HttpClient, HttpSettings
from tests.loopback import LoopbackServer

# Small timeouts and backoff keep the fault tests quick; trust_env=False keeps a proxy set in
# the environment from intercepting loopback traffic.
FAST = HttpSettings(
    connect_timeout=1.0,
    read_timeout=1.0,
    retries=2,
    backoff_base=0.01,
    backoff_max=0.05,
    trust_env=False,
)


class Clock:
    """A settable wall clock, so TTL tests need not wait."""

    def __init__(self, now: float = 1_750_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Cache]:
    with Cache(tmp_path / "cache" / "http.sqlite3") as store:
        yield store


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_client(sleeps: list[float]) -> Iterator[Callable[..., HttpClient]]:
    """Build clients on FAST settings; `sleep` only records, unless real_sleep=True."""
    clients: list[HttpClient] = []

    def build(
        cache: Cache | None = None,
        clock: Callable[[], float] | None = None,
        real_sleep: bool = False,
        **overrides: Any,
    ) -> HttpClient:
        client = HttpClient(
            replace(FAST, **overrides),
            cache,
            clock=clock or time.time,
            sleep=time.sleep if real_sleep else sleeps.append,
        )
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()
