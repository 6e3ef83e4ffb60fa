"""Wall-clock limits: per request (a trickling server), per host, and the scan's --max-time."""

from __future__ import annotations

import time

import pytest

from sbom import purl
from sbom.model import Component, Inventory
from scanner.enrich import depsdev, npm
from scanner.enrich.context import Context
from scanner.enrich.run import enrich
from scanner.net.client import Fetched, FetchError
from tests.loopback import LoopbackServer, Reply

BODY = b'{"name": "demo", "versions": {}}'


@pytest.mark.parametrize("head", [True, False], ids=["status-line-and-headers", "body"])
def test_a_trickling_server_is_cut_at_the_request_deadline(server, make_client, head) -> None:
    # One byte every 0.2 s: per-read timeouts (0.5 s) never fire, the answer never ends.
    server.route("/slow", Reply(body=BODY, trickle=0.2, trickle_head=head))
    client = make_client(read_timeout=0.5, request_deadline=1.0, real_sleep=True)
    started = time.monotonic()
    result = client.fetch(server.url("/slow"), source="go-get")
    took = time.monotonic() - started
    assert isinstance(result, FetchError) and result.kind == "deadline", result
    assert result.reason.startswith("deadline: no complete answer within")
    assert took < 2.0  # not 33 bytes x 0.2 s


def test_a_request_may_be_given_less_time_and_fewer_bytes(server, make_client) -> None:
    server.route("/page", Reply(body=b"x" * 4096, trickle=0.05, trickle_head=False))
    client = make_client(real_sleep=True)
    late = client.fetch(server.url("/page"), source="go-get", max_time=0.3)
    assert isinstance(late, FetchError) and late.kind == "deadline"
    server.route("/big", Reply(body=b"x" * 4096))
    big = client.fetch(server.url("/big"), source="go-get", max_bytes=1024)
    assert isinstance(big, FetchError) and "too large" in big.reason


def test_a_host_has_a_budget_for_the_whole_scan(server, make_client) -> None:
    server.route("/a", Reply(body=b"a", delay=0.4))
    server.route("/b", Reply(body=b"b"))
    client = make_client(host_deadline=0.3, real_sleep=True)
    first = client.fetch(server.url("/a"), source="go-get")
    assert isinstance(first, FetchError) and first.kind == "deadline"
    second = client.fetch(server.url("/b"), source="go-get")
    assert isinstance(second, FetchError) and "already took" in second.reason
    assert server.hits("/b") == 0


def test_max_time_leaves_the_rest_unknown_with_reason_deadline(
    server: LoopbackServer, make_client
) -> None:
    names = [f"pkg-{i}" for i in range(6)]
    for name in names:
        server.route(f"/{name}", Reply.json({"name": name}, delay=0.3))
    environ = {"ICTS_SCAN_NPM_URL": server.base_url, "ICTS_SCAN_DEPSDEV_URL": server.base_url}
    client = make_client(max_time=0.5, real_sleep=True, workers=2, per_host_limit=2)
    ctx = Context(client=client, environ=environ)
    comps = tuple(Component(purl.npm(n, "1.0.0"), "npm", n, "1.0.0") for n in names)
    started = time.monotonic()
    out = enrich(Inventory(".", comps), ctx, [npm, depsdev])
    assert time.monotonic() - started < 2.0
    npm_status = out.coverage.by_source["npm"]
    assert npm_status.get("deadline", 0) >= 3, npm_status
    late = [s for p in out.provenance.values() for s in p.statuses if s.status == "deadline"]
    assert all(s.reason.startswith("deadline: ") for s in late)
    # The cache still answers after the deadline: what was learnt is not lost.
    assert len(server.requests) <= 6


def test_the_cache_answers_after_the_deadline(server, make_client, cache) -> None:
    server.route("/x", Reply(body=b"cached"))
    make_client(cache).fetch(server.url("/x"), source="npm")
    late = make_client(cache, max_time=0.0)
    assert isinstance(late.fetch(server.url("/x"), source="npm"), Fetched)
    missing = late.fetch(server.url("/y"), source="npm")
    assert isinstance(missing, FetchError) and missing.kind == "deadline"
    assert "--max-time" in missing.reason and server.hits("/y") == 0
