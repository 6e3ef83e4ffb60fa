"""Enrichment test helpers: a loopback registry and a Context pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sbom.model import Component, Inventory
from scanner.enrich import verify
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


@pytest.fixture
def sigstore_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Keep sigstore's trust-root copies in the test's directory; reset the per-process state."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    verify.TRUST.clear()
    yield
    verify.TRUST.clear()


@pytest.fixture
def without_sigstore(monkeypatch: pytest.MonkeyPatch, sigstore_home: None) -> None:
    """As if the 'verify' extra were not installed."""

    def absent(name: str) -> Any:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    monkeypatch.setattr(verify, "_import", absent)


def verifying(ctx: Context) -> Context:
    """The context with attestation verification on, offline (never ask TUF from a test)."""
    ctx.verify = True
    ctx.verify_offline = True
    return ctx


def through_runner(source: object, component: Component, ctx: Context) -> SourceResult:
    """One component through the enrichment runner, which turns a source's bug into a status."""
    out = enrich(Inventory(".", (component,)), ctx, [source])  # type: ignore[list-item]
    prov = out.provenance[component.purl]
    return SourceResult(prov.statuses[0], prov.facts)
