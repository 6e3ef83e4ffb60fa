"""Benchmark: the HTTP client one request at a time vs concurrent, and warm-cache lookups.

1. A loopback server adds --latency per request; --urls distinct URLs are fetched one at a
   time, then through `HttpClient.map` with --limit requests in flight to the host. Prints
   both times and the ratio (target: at least 15x).
2. --keys responses are stored in a fresh cache, then fetched through the client (all fresh
   hits). Prints the time (target: well under 2 s for 10,000).
Nothing here is asserted; it prints.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanner.net.cache import Cache, CacheEntry, request_key  # noqa: E402
from scanner.net.client import Fetched, HttpClient, HttpSettings  # noqa: E402
from tests.loopback import LoopbackServer, Reply  # noqa: E402


def body_for(i: int) -> bytes:
    """A packument-sized JSON document (about 2 KB)."""
    doc = {"name": f"pkg{i}", "maintainers": [{"name": f"m{j}"} for j in range(20)]}
    doc["versions"] = {f"1.{j}.0": {"_npmUser": {"name": "m0"}} for j in range(20)}
    return json.dumps(doc).encode()


def cold(args: argparse.Namespace) -> None:
    with LoopbackServer(latency=args.latency) as server:
        urls = []
        for i in range(args.urls):
            server.route(f"/pkg{i}", Reply.json({"i": i}))
            urls.append(server.url(f"/pkg{i}"))
        settings = HttpSettings(workers=args.limit, per_host_limit=args.limit, trust_env=False)
        with HttpClient(settings) as client:
            client.fetch(urls[0], source="npm")  # warm the import and the first connection
            started = time.perf_counter()
            serial = [client.fetch(u, source="npm") for u in urls]
            one_at_a_time = time.perf_counter() - started
            started = time.perf_counter()
            parallel = client.map(lambda u: client.fetch(u, source="npm"), urls)
            concurrent = time.perf_counter() - started
        ok = sum(isinstance(r, Fetched) for r in serial + parallel)
        print(f"cold: {args.urls} URLs, {args.latency * 1000:.0f} ms latency, limit {args.limit}")
        print(f"  one at a time   {one_at_a_time:7.2f} s")
        print(f"  concurrent      {concurrent:7.2f} s   (peak in flight {server.max_in_flight})")
        print(f"  ratio           {one_at_a_time / concurrent:7.1f}x   (target >= 15x)")
        print(f"  successful      {ok} / {2 * args.urls}")


def warm(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp, Cache(Path(tmp) / "c.sqlite3") as cache:
        urls = [f"http://127.0.0.1:9/pkg{i}" for i in range(args.keys)]  # never contacted
        started = time.perf_counter()
        now = time.time()
        for i, url in enumerate(urls):
            entry = CacheEntry("npm", "GET", url, 200, {}, body_for(i), '"e"', None, now)
            cache.put(request_key("GET", url), entry)
        stored = time.perf_counter() - started
        with HttpClient(HttpSettings(trust_env=False), cache) as client:
            started = time.perf_counter()
            serial = [client.fetch(u, source="npm") for u in urls]
            lookups = time.perf_counter() - started
            started = time.perf_counter()
            pooled = client.map(lambda u: client.fetch(u, source="npm"), urls)
            pooled_time = time.perf_counter() - started
        hits = sum(isinstance(r, Fetched) and r.from_cache for r in serial + pooled)
        size = cache.info().size_bytes / 1e6
        print(f"warm: {args.keys} cached responses of ~2 KB ({size:.1f} MB on disk)")
        print(f"  store           {stored:7.2f} s")
        print(f"  lookups, serial {lookups:7.2f} s   (target well under 2 s)")
        print(f"  lookups, pool   {pooled_time:7.2f} s")
        print(f"  cache hits      {hits} / {2 * args.keys}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--limit", type=int, default=32)
    parser.add_argument("--keys", type=int, default=10_000)
    args = parser.parse_args()
    cold(args)
    warm(args)


if __name__ == "__main__":
    main()
