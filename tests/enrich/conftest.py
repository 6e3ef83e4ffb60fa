"""Enrichment test helpers: a loopback registry and a Context pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sbom.model import Component, Inventory
from scanner.enrich.context import Context
from scanner.enrich.model import SourceResult
from scanner.enrich.run import enrich
from scanner.net.cache import Cache
from scanner.net.client import HttpClient, HttpSettings
from scanner.net.endpoints import ENDPOINTS
from tests.conftest import FIXTURES
from tests.loopback import LoopbackServer

ENRICH_FIXTURES = FIXTURES / "enrich"
FAST = HttpSettings(
    connect_timeout=1.0, read_timeout=2.0, retries=1, backoff_base=0.01, backoff_max=0.02
)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture
def make_ctx(server: LoopbackServer, tmp_path: Path) -> Iterator[Callable[..., Context]]:
    """A Context whose every source points at the loopback server."""
    clients: list[HttpClient] = []

    def build(offline: bool = False, cache: bool = True, **env: str) -> Context:
        settings = HttpSettings(**{**FAST.__dict__, "offline": offline})
        client = HttpClient(settings, Cache(tmp_path / "cache.sqlite") if cache else None)
        clients.append(client)
        environ = {e.env: server.base_url for e in ENDPOINTS}
        environ.update(env)
        return Context(client=client, environ=environ, offline=offline)

    yield build
    for client in clients:
        client.close()


def through_runner(source: object, component: Component, ctx: Context) -> SourceResult:
    """One component through the enrichment runner, which turns a source's bug into a status."""
    out = enrich(Inventory(".", (component,)), ctx, [source])  # type: ignore[list-item]
    prov = out.provenance[component.purl]
    return SourceResult(prov.statuses[0], prov.facts)
