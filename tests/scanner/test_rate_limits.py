"""A rate limit pauses its host for every source, within the scan's deadline; reports say so."""

from __future__ import annotations

import time

from sbom import purl
from sbom.model import Component, Inventory
from scanner.enrich import depsdev, npm
from scanner.enrich.context import Context
from scanner.enrich.run import enrich
from scanner.net.client import Fetched, FetchError
from tests.loopback import LoopbackServer, Reply


def _quota(seconds: int) -> dict[str, str]:
    """GitHub's answer when the hour's quota is spent: resets in `seconds`."""
    reset = str(int(time.time()) + seconds)
    return {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}


def test_a_spent_quota_pauses_the_host_for_every_source(server, make_client, sleeps) -> None:
    server.route("/repos/a/b", Reply(403, b'{"message": "API rate limit exceeded"}', _quota(1800)))
    client = make_client()
    first = client.fetch(server.url("/repos/a/b"), source="github-api")
    assert isinstance(first, FetchError) and first.kind == "rate-limited"
    assert first.reason.startswith("rate limited: quota exhausted until epoch")
    # Any source, any path on that host: not asked until the reset, and nobody waits.
    other = client.fetch(server.url("/v3/systems/npm/packages/x"), source="depsdev")
    assert isinstance(other, FetchError) and other.kind == "rate-limited"
    assert "paused for another" in other.reason
    assert len(server.requests) == 1 and sleeps == []


def test_a_short_pause_is_waited_out_by_every_source(server, make_client, sleeps) -> None:
    server.route("/a", Reply(429, headers={"Retry-After": "5"}))
    server.route("/b", Reply(body=b"ok"))
    client = make_client(retries=0)
    assert isinstance(client.fetch(server.url("/a"), source="npm"), FetchError)
    assert sleeps == []
    # Another source's request to the host waits out the pause the host asked of the first.
    assert isinstance(client.fetch(server.url("/b"), source="depsdev"), Fetched)
    assert len(sleeps) == 1 and 4.5 < sleeps[0] <= 5.0


def test_a_pause_longer_than_the_scan_has_left_fails_fast(server, make_client, sleeps) -> None:
    server.route("/a", Reply(403, b"{}", _quota(30)))  # within the 60 s cap
    client = make_client(max_time=10.0)
    result = client.fetch(server.url("/a"), source="github-api")
    assert isinstance(result, FetchError) and result.kind == "rate-limited"
    assert sleeps == [] and server.hits("/a") == 1


def test_statuses_say_which_components_a_rate_limit_left_unknown(
    server: LoopbackServer, make_client
) -> None:
    server.route("/one", Reply(429, headers={"Retry-After": "3600"}))
    environ = {"ICTS_SCAN_NPM_URL": server.base_url, "ICTS_SCAN_DEPSDEV_URL": server.base_url}
    ctx = Context(client=make_client(), environ=environ)
    comps = tuple(Component(purl.npm(n, "1.0.0"), "npm", n, "1.0.0") for n in ("one", "two"))
    out = enrich(Inventory(".", comps), ctx, [npm, depsdev])
    statuses = {(p.purl, s.source): s.status for p in out.provenance.values() for s in p.statuses}
    assert set(statuses.values()) == {"rate-limited"}
    assert out.coverage.by_source["npm"] == {"rate-limited": 2}
    # The deps.dev batch went first (and found nothing); after the 429 nothing was sent.
    assert [r.path for r in server.requests] == ["/v3alpha/versionbatch", "/one"]
