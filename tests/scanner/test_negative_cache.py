""" "Not found" answers cached with their own TTL; failures remembered for one scan, never stored."""

from __future__ import annotations

from pathlib import Path

from sbom import purl
from sbom.model import Component, Inventory
from scanner.enrich import npm, npm_provenance
from scanner.enrich.context import Context
from scanner.enrich.run import enrich
from scanner.net.cache import Cache, CacheEntry
from scanner.net.client import Fetched, FetchError
from scanner.net.endpoints import DAY, HOUR
from tests.loopback import LoopbackServer, Reply
from tests.scanner.conftest import Clock


def test_404_is_cached_and_not_asked_again_within_its_ttl(server, make_client, cache) -> None:
    clock = Clock()
    url = server.url("/private-pkg")
    first = make_client(cache, clock=clock).fetch(url, source="npm")
    assert first == FetchError(url, "HTTP 404 Not Found", 404)
    # The next scan (a new client on the same cache) believes the answer for a day.
    clock.now += DAY - 60
    again = make_client(cache, clock=clock).fetch(url, source="npm")
    assert again == first and server.hits("/private-pkg") == 1
    info = cache.info()
    assert (info.entries, info.negative) == (1, 1)
    # Then it is asked again: the package may have been published since.
    server.route("/private-pkg", Reply(body=b"now public"))
    clock.now += 120
    later = make_client(cache, clock=clock).fetch(url, source="npm")
    assert isinstance(later, Fetched) and later.body == b"now public"
    assert cache.info().negative == 0


def test_negative_ttl_is_a_setting_and_410_counts(server, make_client, cache) -> None:
    clock = Clock()
    server.route("/gone", Reply(410, b"Gone"))
    make_client(cache, clock=clock).fetch(server.url("/gone"), source="goproxy")
    clock.now += 2 * HOUR
    short = make_client(cache, clock=clock, negative_ttl=HOUR)
    assert short.fetch(server.url("/gone"), source="goproxy").status == 410  # type: ignore[union-attr]
    assert server.hits("/gone") == 2


def test_offline_believes_a_fresh_not_found_only(server, make_client, cache) -> None:
    clock = Clock()
    make_client(cache, clock=clock).fetch(server.url("/x"), source="npm")
    offline = make_client(cache, clock=clock, offline=True)
    assert offline.fetch(server.url("/x"), source="npm").status == 404  # type: ignore[union-attr]
    clock.now += 2 * DAY
    stale = make_client(cache, clock=clock, offline=True).fetch(server.url("/x"), source="npm")
    assert isinstance(stale, FetchError) and stale.kind == "offline"
    assert server.hits("/x") == 1


def test_failures_are_remembered_for_the_scan_never_stored(server, make_client, cache) -> None:
    server.route("/flaky", Reply(503))
    server.route("/junk", Reply(body=b"<html>"))
    client = make_client(cache, retries=0)
    for _ in range(3):
        assert client.fetch(server.url("/flaky"), source="npm").status == 503  # type: ignore[union-attr]
        assert isinstance(client.get_json(server.url("/junk"), source="npm"), FetchError)
    assert (server.hits("/flaky"), server.hits("/junk")) == (1, 1)
    assert cache.info().entries == 0  # an outage or garbage is no fact about the package
    make_client(cache, retries=0).fetch(server.url("/flaky"), source="npm")
    assert server.hits("/flaky") == 2  # the next scan asks again


def test_two_sources_asking_for_one_url_make_one_request(
    server: LoopbackServer, make_client, tmp_path: Path
) -> None:
    # npm and npm-provenance both read the packument; two versions of one package too.
    client = make_client()  # no cache at all: the scan's memory alone keeps it to one
    ctx = Context(client=client, environ={"ICTS_SCAN_NPM_URL": server.base_url})
    comps = tuple(
        Component(purl.npm("private-pkg", v), "npm", "private-pkg", v) for v in ("1.0.0", "1.1.0")
    )
    out = enrich(Inventory(".", comps), ctx, [npm, npm_provenance])
    assert {s.status for p in out.provenance.values() for s in p.statuses} == {"not-found"}
    assert server.hits("/private-pkg") == 1


def test_clear_only_the_negative_entries(tmp_path: Path) -> None:
    with Cache(tmp_path / "c.sqlite3") as store:
        for key, status in (("a", 200), ("b", 404), ("c", 410)):
            store.put(key, CacheEntry("npm", "GET", f"u/{key}", status, {}, b"", None, None, 1.0))
        assert store.info().negative == 2
        assert store.clear("pypi", negative=True) == 0
        assert store.clear(negative=True) == 2
        assert store.get("a") is not None and store.info().entries == 1
