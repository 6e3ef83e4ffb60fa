"""Benchmark: enrichment against a loopback registry — concurrent vs one request at a time, and warm cache.

1. Cold: N distinct npm packages served with 50 ms latency per request; the same enrichment
   run with one worker and one connection, then with the client's concurrency; ratio printed.
2. Warm: 10,000 components whose answers are all in the cache; time of the whole run.
Measured in the same process, printed, never asserted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sbom import purl
from sbom.model import Component, Inventory
from scanner.enrich import npm
from scanner.enrich.context import Context
from scanner.enrich.run import enrich
from scanner.net.cache import Cache
from scanner.net.client import HttpClient, HttpSettings
from tests.loopback import LoopbackServer, Reply


def _packument(name: str) -> dict[str, object]:
    return {
        "name": name,
        "maintainers": [{"name": "m", "email": "m@example.invalid"}],
        "repository": {"type": "git", "url": f"git+https://github.com/example/{name}.git"},
        "versions": {"1.0.0": {"_npmUser": {"name": "m", "email": "m@example.invalid"}}},
    }


def _inventory(n: int) -> Inventory:
    names = [f"pkg-{i}" for i in range(n)]
    return Inventory(
        root=".",
        components=tuple(Component(purl.npm(x, "1.0.0"), "npm", x, "1.0.0") for x in names),
    )


def _run(
    server: LoopbackServer, inv: Inventory, settings: HttpSettings, cache: Cache | None
) -> float:
    client = HttpClient(settings, cache)
    ctx = Context(client=client, environ={"ICTS_SCAN_NPM_URL": server.base_url})
    try:
        t0 = time.perf_counter()
        out = enrich(inv, ctx, [npm])
        elapsed = time.perf_counter() - t0
    finally:
        client.close()
    assert out.coverage.known == len(inv.components), out.coverage
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cold", type=int, default=200, help="distinct packages for the cold run")
    ap.add_argument("--warm", type=int, default=10000, help="components for the warm run")
    ap.add_argument("--workers", type=int, default=32)
    args = ap.parse_args()

    with LoopbackServer(latency=0.05) as server:
        inv = _inventory(args.cold)
        for c in inv.components:
            server.route(f"/{c.name}", *[Reply.json(_packument(c.name))] * 2)
        one = HttpSettings(workers=1, per_host_limit=1)
        many = HttpSettings(workers=args.workers, per_host_limit=args.workers)
        serial = _run(server, inv, one, None)
        concurrent = _run(server, inv, many, None)
        print(
            f"cold, {args.cold} packages at 50 ms latency: one at a time {serial:.2f} s, "
            f"concurrent ({args.workers}) {concurrent:.2f} s, ratio {serial / concurrent:.1f}x"
        )

    with LoopbackServer() as server, tempfile.TemporaryDirectory() as tmp:
        inv = _inventory(args.warm)
        for c in inv.components:
            server.route(f"/{c.name}", Reply.json(_packument(c.name)))
        cache = Cache(Path(tmp) / "cache.sqlite3")
        fill = _run(
            server, inv, HttpSettings(workers=args.workers, per_host_limit=args.workers), cache
        )
        warm = _run(
            server, inv, HttpSettings(workers=args.workers, per_host_limit=args.workers), cache
        )
        cache.close()
        print(f"warm cache, {args.warm} components: {warm:.2f} s (filling it took {fill:.2f} s)")


if __name__ == "__main__":
    main()
