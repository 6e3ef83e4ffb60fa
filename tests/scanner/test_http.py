"""The HTTP client against a loopback server: success, faults, limits, redirects, redaction."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from email.utils import formatdate

import pytest

from scanner.net.client import Fetched, FetchError, HttpClient, HttpSettings, JsonDoc, decode_json
from scanner.net.redact import redact_headers, redact_text, redact_url
from tests.loopback import LoopbackServer, Reply

TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"


def test_success_carries_user_agent_and_body(server, make_client) -> None:
    server.route("/pypi/demo/json", Reply.json({"info": {"name": "demo"}}))
    result = make_client().fetch(server.url("/pypi/demo/json"), source="pypi")
    assert isinstance(result, Fetched)
    assert (result.status, result.from_cache, result.stale) == (200, False, False)
    assert json.loads(result.body) == {"info": {"name": "demo"}}
    assert result.headers["content-type"] == "application/json"
    assert result.fetched_at.tzinfo is not None
    agent = server.requests[0].headers["user-agent"]
    assert agent.startswith("icts-scan/") and "(+https://" in agent


def test_json_helper(server, make_client) -> None:
    server.route("/ok", Reply.json([1, 2]))
    server.route("/utf8", Reply(body=b'{"name": "\xff\xfe"}'))
    server.route("/cut", Reply(body=b'{"name": "dem'))
    server.route("/html", Reply(body=b"<html>proxy login</html>"))
    server.route("/nan", Reply(body=b'{"x": NaN}'))
    client = make_client()
    ok = client.get_json(server.url("/ok"), source="npm")
    assert isinstance(ok, JsonDoc) and ok.data == [1, 2]
    reasons = {}
    for path in ("/utf8", "/cut", "/html", "/nan"):
        doc = client.get_json(server.url(path), source="npm")
        assert isinstance(doc, FetchError)
        reasons[path] = doc.reason
    assert reasons["/utf8"].startswith("invalid UTF-8 in JSON body at byte 10")
    assert all(reasons[p].startswith("malformed JSON") for p in ("/cut", "/html", "/nan"))
    empty = Fetched("u", 200, {}, b"  ", False, ok.fetched.fetched_at)
    assert decode_json(empty) == FetchError("u", "empty body where JSON was expected")


def test_read_timeout_is_an_error_after_retries(server, make_client) -> None:
    server.route("/slow", Reply(delay=1.0, body=b"late"))
    started = time.monotonic()
    result = make_client(read_timeout=0.2, retries=1).fetch(server.url("/slow"), source="npm")
    assert isinstance(result, FetchError)
    assert result.reason.startswith("timeout") and "gave up after 2 attempts" in result.reason
    assert server.hits("/slow") == 2
    assert time.monotonic() - started < 1.5


def test_429_retry_after_seconds_then_success(server, make_client, sleeps) -> None:
    server.route("/x", Reply(429, headers={"Retry-After": "2"}), Reply(body=b"ok"))
    result = make_client().fetch(server.url("/x"), source="npm")
    assert isinstance(result, Fetched) and result.body == b"ok"
    assert server.hits("/x") == 2
    assert len(sleeps) == 1 and 1.8 < sleeps[0] <= 2.0  # waited what the server asked


def test_503_retry_after_http_date(server, make_client, sleeps) -> None:
    when = formatdate(time.time() + 30, usegmt=True)
    server.route("/x", Reply(503, headers={"Retry-After": when}), Reply(body=b"ok"))
    result = make_client().fetch(server.url("/x"), source="npm")
    assert isinstance(result, Fetched)
    assert len(sleeps) == 1 and 28.0 < sleeps[0] <= 30.0


def test_retry_after_over_cap_fails_fast_for_the_whole_host(server, make_client, sleeps) -> None:
    server.route("/x", Reply(429, headers={"Retry-After": "3600"}))
    server.route("/y", Reply(body=b"ok"))
    client = make_client()
    first = client.fetch(server.url("/x"), source="github-api")
    assert isinstance(first, FetchError) and first.status == 429
    assert "Retry-After 3600 s exceeds 60 s" in first.reason
    second = client.fetch(server.url("/y"), source="github-api")
    assert isinstance(second, FetchError) and second.reason.startswith("rate limited")
    assert server.hits("/x") == 1 and server.hits("/y") == 0 and sleeps == []


def test_500_retried_with_backoff_then_gives_up(server, make_client, sleeps) -> None:
    server.route("/x", Reply(500, body=b"oops"))
    result = make_client(retries=2).fetch(server.url("/x"), source="npm")
    assert result == FetchError(server.url("/x"), "HTTP 500 (gave up after 3 attempts)", status=500)
    assert server.hits("/x") == 3
    assert len(sleeps) == 2 and all(0 < s <= 0.05 for s in sleeps)


def test_500_then_success(server, make_client) -> None:
    server.route("/x", Reply(502), Reply(body=b"ok"))
    assert isinstance(make_client().fetch(server.url("/x"), source="npm"), Fetched)


def test_client_errors_are_not_retried(server, make_client) -> None:
    server.route("/limit", Reply(403, headers={"X-RateLimit-Remaining": "0"}))
    client = make_client()
    missing = client.fetch(server.url("/nope"), source="npm")
    assert missing == FetchError(server.url("/nope"), "HTTP 404 Not Found", 404)
    limited = client.fetch(server.url("/limit"), source="github-api")
    assert isinstance(limited, FetchError) and limited.reason.startswith("rate limited")
    assert server.hits("/nope") == 1 and server.hits("/limit") == 1


@pytest.mark.parametrize("fault", ["reset", "drop"])
def test_connection_reset(server, make_client, fault) -> None:
    server.route("/x", Reply(fault=fault))
    result = make_client(retries=1).fetch(server.url("/x"), source="npm")
    assert isinstance(result, FetchError) and result.status is None
    assert result.reason.startswith("connection failed") and server.hits("/x") == 2
    server.route("/y", Reply(fault=fault), Reply(body=b"ok"))
    assert isinstance(make_client().fetch(server.url("/y"), source="npm"), Fetched)


def test_truncated_body(server, make_client) -> None:
    server.route("/x", Reply(body=b'{"name": "demo", "versions"', fault="truncate"))
    result = make_client(retries=1).fetch(server.url("/x"), source="npm")
    assert isinstance(result, FetchError) and result.reason.startswith("truncated body")
    assert server.hits("/x") == 2


@pytest.mark.parametrize("send_length", [True, False])
def test_oversized_body_is_aborted(server, make_client, send_length) -> None:
    size = 50 * 1024 * 1024
    server.route("/big", Reply(stream_size=size, send_length=send_length))
    started = time.monotonic()
    result = make_client(max_bytes=1024 * 1024).fetch(server.url("/big"), source="npm")
    assert isinstance(result, FetchError) and result.reason.startswith("response too large")
    assert time.monotonic() - started < 3
    time.sleep(0.2)  # let the server notice the closed connection
    assert server.sent["/big"] < size // 2  # aborted, not read to the end


def test_redirects_same_host_followed_other_host_refused(server, make_client) -> None:
    other = f"http://localhost:{server.port}/elsewhere"
    server.route("/old", Reply.redirect("/new", 301))
    server.route("/new", Reply(body=b"moved"))
    server.route("/away", Reply.redirect(other))
    server.route("/elsewhere", Reply(body=b"secret sink"))
    client = make_client()
    moved = client.fetch(server.url("/old"), source="pypi")
    assert isinstance(moved, Fetched) and moved.body == b"moved"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    refused = client.fetch(server.url("/away"), source="github-api", headers=auth)
    assert isinstance(refused, FetchError) and refused.status == 302
    assert refused.reason.startswith("redirect to another host refused")
    assert server.hits("/elsewhere") == 0
    # Explicitly allowed: followed, but the credential stays behind. (Another client: this one
    # remembers the refusal for the rest of its scan.)
    allowed = make_client().fetch(
        server.url("/away"), source="github-api", headers=auth, redirect_hosts={"localhost"}
    )
    assert isinstance(allowed, Fetched) and allowed.body == b"secret sink"
    assert "authorization" not in server.requests[-1].headers


def test_cookies_are_never_kept(server, make_client) -> None:
    server.route("/x", Reply(body=b"ok", headers={"Set-Cookie": "session=abc; Path=/"}))
    client = make_client()
    first = client.fetch(server.url("/x"), source="npm", use_cache=False)
    client.fetch(server.url("/x"), source="npm", use_cache=False)
    assert isinstance(first, Fetched) and "set-cookie" not in first.headers
    assert "cookie" not in server.requests[-1].headers


def test_redaction_helpers() -> None:
    url = f"https://bob:hunter22@host.test/a?access_token={TOKEN}&page=2&TOKEN=xyz#f"
    assert redact_url(url) == "https://***@host.test/a?access_token=***&page=2&TOKEN=***#f"
    assert redact_url("https://host.test/a?b=1") == "https://host.test/a?b=1"
    assert redact_headers({"Authorization": "Bearer x", "Accept": "a"}) == {
        "Authorization": "***",
        "Accept": "a",
    }
    text = f"failed: Authorization: Bearer {TOKEN} for url: /p?private_token=s3cr3tvalue x"
    cleaned = redact_text(text)
    assert TOKEN not in cleaned and "s3cr3tvalue" not in cleaned
    assert "glpat-" not in redact_text("key glpat-abcdefghijklmnopqrstuv")


def test_credentials_never_reach_errors_or_logs(server, make_client, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    server.route("/fail", Reply(500))
    secret_query = "access_token=qq77secretquery"
    client = make_client(retries=1)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    url = f"http://bob:pw55secretpass@127.0.0.1:{server.port}/fail?{secret_query}"
    failed = client.fetch(url, source="github-api", headers=auth)
    with socket.socket() as sock:  # a port nobody listens on: the error quotes the URL
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    refused = client.fetch(
        f"http://127.0.0.1:{closed}/x?token={TOKEN}&{secret_query}",
        source="github-api",
        headers=auth,
    )
    assert isinstance(failed, FetchError) and isinstance(refused, FetchError)
    assert refused.reason.startswith("connection failed")
    texts = [failed.url, failed.reason, refused.url, refused.reason, caplog.text]
    texts += [r.getMessage() for r in caplog.records]
    for text in texts:
        for secret in (TOKEN, "qq77secretquery", "pw55secretpass"):
            assert secret not in text
    assert "urllib3" in caplog.text  # the library's own request lines were filtered, not lost


def test_per_host_concurrency_limit(make_client) -> None:
    with LoopbackServer(latency=0.1) as slow:
        for i in range(12):
            slow.route(f"/p/{i}", Reply(body=b"ok"))
        client = make_client(workers=8, per_host_limit=3, real_sleep=True)
        urls = [slow.url(f"/p/{i}") for i in range(12)]
        results = client.map(lambda u: client.fetch(u, source="npm"), urls)
        assert all(isinstance(r, Fetched) for r in results)
        assert slow.max_in_flight == 3
        override = make_client(workers=8, host_limits={"127.0.0.1": 1}, real_sleep=True)
        slow.max_in_flight = 0
        override.map(lambda u: override.fetch(u, source="npm", use_cache=False), urls[:4])
        assert slow.max_in_flight == 1


def test_nested_map_runs_inline(make_client) -> None:
    client = make_client(workers=2)
    assert client.map(lambda n: sum(client.map(lambda m: m * n, range(3))), range(4)) == [
        0,
        3,
        6,
        9,
    ]


def test_identical_concurrent_requests_share_one_call(make_client, cache) -> None:
    with LoopbackServer(latency=0.2) as slow:
        slow.route("/orgs/acme", Reply.json({"login": "acme"}))
        client = make_client(cache, workers=10)
        url = slow.url("/orgs/acme")
        results = client.map(lambda _: client.fetch(url, source="github-api"), range(10))
        assert all(isinstance(r, Fetched) and r.body == results[0].body for r in results)
        assert slow.hits("/orgs/acme") == 1
        assert client.stats["shared"] + client.stats["cache_hit"] == 9


def test_secondary_rate_limit_403_with_retry_after(server, make_client, sleeps) -> None:
    server.route("/x", Reply(403, headers={"Retry-After": "1"}), Reply(body=b"ok"))
    result = make_client().fetch(server.url("/x"), source="github-api")
    assert isinstance(result, Fetched) and len(sleeps) == 1 and 0.8 < sleeps[0] <= 1.0


def test_map_keeps_order_when_it_switches_to_the_pool() -> None:
    client = HttpClient(HttpSettings(workers=4))
    threads: list[str] = []

    def work(n: int) -> int:
        threads.append(threading.current_thread().name)
        if n == 2:
            time.sleep(0.03)  # waits like a network request: the rest go to the pool
        return n * n

    try:
        assert client.map(work, range(40)) == [n * n for n in range(40)]
    finally:
        client.close()
    main = threading.current_thread().name
    assert threads[:3] == [main] * 3
    assert any(t != main for t in threads[3:])
