"""The persistent cache: keys, TTL and revalidation, offline mode, processes, corruption."""

from __future__ import annotations

import logging
import multiprocessing
import os
import sqlite3
from pathlib import Path

import pytest

from scanner.net.cache import Cache, CacheEntry, default_cache_dir, request_key
from scanner.net.cache_file import CHECK_EVERY
from scanner.net.client import Fetched, FetchError, JsonDoc
from scanner.net.endpoints import DAY
from tests.loopback import Reply
from tests.scanner.conftest import Clock

TOKEN = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2"
DATE = "Wed, 21 Oct 2015 07:28:00 GMT"


def entry(source: str = "npm", body: bytes = b"{}", at: float = 1.0) -> CacheEntry:
    return CacheEntry(source, "GET", "http://h.test/x", 200, {}, body, '"e"', None, at)


def test_key_ignores_credentials_but_not_accept() -> None:
    plain = request_key("GET", "http://h.test/a?page=2")
    assert plain == request_key("get", "http://u:p@h.test/a?page=2")
    # Signed-in answers are kept apart from anonymous ones, whatever the credential.
    signed = request_key("GET", "http://h.test/a?page=2", {"Authorization": "Bearer x"})
    assert signed != plain
    assert signed == request_key("GET", "http://h.test/a?page=2", {"Authorization": "Bearer y"})
    with_token = request_key("GET", "http://h.test/a?page=2&access_token=one")
    assert with_token == request_key("GET", "http://h.test/a?page=2&access_token=two")
    assert plain != request_key("GET", "http://h.test/a?page=2", {"Accept": "application/json"})
    assert plain != request_key("POST", "http://h.test/a?page=2", body=b"{}")


def test_store_roundtrip_info_and_clear(cache: Cache) -> None:
    big = b'{"versions": "' + b"x" * 10_000 + b'"}'
    cache.put("k1", entry("npm", big, at=100.0))
    cache.put("k2", entry("pypi", at=200.0))
    cache.put("k3", entry("pypi", at=300.0))
    got = cache.get("k1")
    assert got is not None and got.body == big and got.etag == '"e"'
    assert cache.get("missing") is None
    info = cache.info()
    assert (info.entries, dict(info.by_source)) == (3, {"npm": 1, "pypi": 2})
    assert info.oldest is not None and info.oldest.timestamp() == 100.0
    assert info.newest is not None and info.newest.timestamp() == 300.0
    assert info.size_bytes > 0 and info.path == cache.path
    assert cache.clear("pypi") == 2
    assert cache.info().entries == 1
    assert cache.clear() == 1 and cache.info().entries == 0


def test_fresh_entry_served_without_network(server, make_client, cache) -> None:
    server.route("/x", Reply.json({"v": 1}))
    client = make_client(cache)
    first = client.fetch(server.url("/x"), source="npm")
    second = client.fetch(server.url("/x"), source="npm")
    assert isinstance(first, Fetched) and isinstance(second, Fetched)
    assert (first.from_cache, second.from_cache) == (False, True)
    assert second.body == first.body and second.fetched_at == first.fetched_at
    assert server.hits("/x") == 1 and client.stats["cache_hit"] == 1


def test_ttl_expiry_revalidates_with_etag_and_last_modified(server, make_client, cache) -> None:
    clock = Clock()
    server.route("/etag", Reply.json({"v": 1}, etag='"abc"'))
    server.route("/date", Reply.json({"v": 2}, last_modified=DATE))
    client = make_client(cache, clock=clock)
    for path in ("/etag", "/date"):
        assert isinstance(client.fetch(server.url(path), source="npm"), Fetched)
    clock.now += DAY - 10  # still fresh
    assert isinstance(client.fetch(server.url("/etag"), source="npm"), Fetched)
    assert server.hits("/etag") == 1
    clock.now += 20  # expired: a conditional request, answered 304
    for path, header, value in (
        ("/etag", "if-none-match", '"abc"'),
        ("/date", "if-modified-since", DATE),
    ):
        result = client.fetch(server.url(path), source="npm")
        assert isinstance(result, Fetched) and result.from_cache and not result.stale
        assert result.fetched_at.timestamp() == clock.now  # the revalidation time
        assert server.requests[-1].headers[header] == value
    assert client.stats["revalidated"] == 2
    # Refreshed, so the next call within the TTL needs no request at all.
    client.fetch(server.url("/etag"), source="npm")
    assert server.hits("/etag") == 2


def test_expired_entry_replaced_when_content_changed(server, make_client, cache) -> None:
    clock = Clock()
    server.route("/x", Reply.json({"v": 1}, etag='"1"'))
    client = make_client(cache, clock=clock)
    client.fetch(server.url("/x"), source="npm", ttl=60)
    server.route("/x", Reply.json({"v": 2}, etag='"2"'))
    clock.now += 61
    result = client.fetch(server.url("/x"), source="npm", ttl=60)
    assert isinstance(result, Fetched) and not result.from_cache and b'"v": 2' in result.body
    cached = client.fetch(server.url("/x"), source="npm", ttl=60)
    assert isinstance(cached, Fetched) and cached.from_cache and cached.body == result.body


def test_stale_copy_only_for_outages(server, make_client, cache) -> None:
    clock = Clock()
    server.route("/x", Reply(body=b"old"))
    server.route("/gone", Reply(body=b"old"))
    client = make_client(cache, clock=clock, retries=0)
    client.fetch(server.url("/x"), source="npm")
    client.fetch(server.url("/gone"), source="npm")
    server.route("/x", Reply(503))
    server.route("/gone", Reply(404))
    clock.now += 2 * DAY
    stale = client.fetch(server.url("/x"), source="npm")
    assert isinstance(stale, Fetched) and stale.stale and stale.body == b"old"
    assert client.fetch(server.url("/gone"), source="npm") == FetchError(
        server.url("/gone"), "HTTP 404 Not Found", 404
    )


def test_offline_reads_only_the_cache(server, make_client, cache) -> None:
    clock = Clock()
    server.route("/x", Reply(body=b"cached"))
    make_client(cache, clock=clock).fetch(server.url("/x"), source="npm")
    clock.now += 365 * DAY  # any age will do offline
    offline = make_client(cache, clock=clock, offline=True)
    hit = offline.fetch(server.url("/x"), source="npm")
    assert isinstance(hit, Fetched) and hit.from_cache and hit.body == b"cached"
    miss = offline.fetch(server.url("/y"), source="npm")
    assert miss == FetchError(server.url("/y"), "offline: not in cache", kind="offline")
    assert len(server.requests) == 1


def test_tokens_and_bad_json_never_stored(server, make_client, cache) -> None:
    server.route("/org", Reply.json({"login": "o"}, headers={"Set-Cookie": "s=1"}))
    server.route("/bad", Reply(body=b"\xff\xfe not json"))
    client = make_client(cache)
    auth = {"Authorization": f"token {TOKEN}"}
    doc = client.get_json(
        server.url(f"/org?access_token={TOKEN}"), source="github-api", headers=auth
    )
    assert isinstance(doc, JsonDoc)
    bad = client.get_json(server.url("/bad"), source="github-api")
    assert isinstance(bad, FetchError) and cache.info().entries == 1
    stored = cache.get(
        request_key("GET", server.url("/org?access_token=another"), {"Authorization": "other"})
    )
    assert stored is not None and "set-cookie" not in stored.headers
    assert "access_token=***" in stored.url
    raw = b"".join(
        Path(cache.path + suffix).read_bytes()
        for suffix in ("", "-wal")
        if Path(cache.path + suffix).exists()
    )
    assert TOKEN.encode() not in raw and b"Authorization" not in raw


def _writer(path: str, worker: int, count: int) -> None:
    store = Cache(path)
    for i in range(count):
        store.put(f"w{worker}-{i}", entry(f"src{worker}", b"x" * (i % 2000), at=float(i)))
        store.put("shared", entry("shared", str(worker).encode(), at=float(i)))
        assert store.get(f"w{worker}-{i}") is not None
    store.close()


def test_two_processes_share_one_cache(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.sqlite3")
    ctx = multiprocessing.get_context("spawn")  # no forking of the test's threads
    procs = [ctx.Process(target=_writer, args=(path, n, 300)) for n in range(2)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    with Cache(path) as store:
        info = store.info()
        assert info.entries == 601 and info.by_source["src0"] == info.by_source["src1"] == 300


def test_garbage_file_is_moved_aside_and_rebuilt(tmp_path: Path, caplog) -> None:
    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    with caplog.at_level(logging.WARNING, "scanner.net.cache"), Cache(path) as store:
        store.put("k", entry())
        assert store.get("k") is not None and store.path == str(path)
    assert any(".corrupt-" in p.name for p in tmp_path.iterdir())
    assert "corrupt" in caplog.text


@pytest.mark.parametrize("check", [True, False])
def test_damaged_pages_never_crash(tmp_path: Path, check: bool, caplog) -> None:
    path = tmp_path / "c.sqlite3"
    with Cache(path) as store:
        for i in range(200):
            store.put(f"k{i}", entry(body=os.urandom(3000)))
    data = bytearray(path.read_bytes())
    data[8192:60000] = os.urandom(60000 - 8192)  # keep the header page, wreck the b-trees
    path.write_bytes(bytes(data))
    # Checked on open (at most daily), or found by the first query that reads a damaged page.
    with caplog.at_level(logging.WARNING, "scanner.net.cache"), Cache(path, check=check) as store:
        for i in range(200):
            store.get(f"k{i}")  # a miss or a hit, never an exception
        store.put("new", entry())
        assert store.get("new") is not None
    assert "is corrupt" in caplog.text


def test_unusable_location_falls_back_to_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with Cache(blocker / "sub" / "c.sqlite3") as store:
        store.put("k", entry())
        assert store.path == ":memory:" and store.get("k") is not None


def test_default_cache_dir_precedence(tmp_path: Path) -> None:
    assert default_cache_dir({"ICTS_SCAN_CACHE_DIR": "/a", "XDG_CACHE_HOME": "/b"}) == Path("/a")
    assert default_cache_dir({"XDG_CACHE_HOME": "/b"}) == Path("/b/icts-scan")
    assert default_cache_dir({}).parts[-2:] == (".cache", "icts-scan")


def test_cache_file_is_private(tmp_path: Path) -> None:
    with Cache(tmp_path / "d" / "c.sqlite3") as store:
        store.put("k", entry())
    assert (tmp_path / "d").stat().st_mode & 0o077 == 0
    assert sqlite3.connect(tmp_path / "d" / "c.sqlite3").execute(
        "PRAGMA journal_mode"
    ).fetchone() == ("wal",)


def test_the_integrity_check_runs_at_most_daily(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"

    def checked_at() -> float:
        with sqlite3.connect(path) as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'checked_at'").fetchone()
        return float(row[0])

    with Cache(path) as store:
        store.put("k", entry())
    first = checked_at()
    with Cache(path):
        pass
    assert checked_at() == first  # checked minutes ago: not again
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = value - ? WHERE key = 'checked_at'", (CHECK_EVERY,))
    with Cache(path):
        pass
    assert checked_at() >= first  # a day on, checked again on open
