"""Derived facts: a repeat scan reuses what each source made of its answers while they are fresh."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from sbom import purl
from sbom.model import Component, Inventory
from scanner.enrich import memo, npm
from scanner.enrich.context import Context
from scanner.enrich.model import Fact, SourceResult, SourceStatus
from scanner.enrich.run import enrich
from scanner.net.cache import Cache, CacheEntry
from scanner.net.client import HttpClient
from scanner.net.endpoints import DAY, HOUR
from tests.loopback import LoopbackServer, Reply
from tests.scanner.conftest import Clock

PERSON = {"name": "someone", "email": "someone@example.invalid"}


def _packument(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "maintainers": [PERSON],
        "versions": {"1.0.0": {"name": name, "version": "1.0.0", "_npmUser": PERSON}},
    }


def _inventory(*names: str) -> Inventory:
    return Inventory(".", tuple(Component(purl.npm(n, "1.0.0"), "npm", n, "1.0.0") for n in names))


class Counting:
    """A source that counts its calls and hands them to `inner` (a source module)."""

    def __init__(self, inner: Any, local: bool = False) -> None:
        self.NAME, self.ECOSYSTEMS, self.LOCAL = inner.NAME, inner.ECOSYSTEMS, local
        self.inner, self.calls = inner, 0

    def enrich(self, component: Component, ctx: Context) -> SourceResult:
        self.calls += 1
        result: SourceResult = self.inner.enrich(component, ctx)
        return result


def _scan(
    make_client: Callable[..., HttpClient],
    cache: Cache,
    server: LoopbackServer,
    source: Counting,
    clock: Clock,
    **settings: Any,
) -> dict[str, Any]:
    env = {"ICTS_SCAN_NPM_URL": server.base_url, **settings.pop("env", {})}
    client = make_client(cache, clock=clock, **settings)
    ctx = Context(client=client, environ=env)
    out = enrich(_inventory("known-pkg", "private-pkg"), ctx, [source])  # type: ignore[list-item]
    return {p: (prov.facts, prov.statuses) for p, prov in out.provenance.items()}


def test_a_warm_scan_takes_what_the_sources_derived_and_calls_none(
    server: LoopbackServer, make_client: Callable[..., HttpClient], cache: Cache
) -> None:
    server.route("/known-pkg", Reply.json(_packument("known-pkg")))
    clock, source = Clock(), Counting(npm)
    cold = _scan(make_client, cache, server, source, clock)
    # One row per component, and one of the whole inventory's results.
    assert source.calls == 2 and cache.info().derived == 3
    clock.now += 60
    warm = _scan(make_client, cache, server, source, clock)
    assert source.calls == 2, "a fresh derived result is taken as it is"
    assert warm == cold  # the same facts, with the time each answer was fetched
    assert server.hits("/known-pkg") == 1 and server.hits("/private-pkg") == 1


def test_a_derived_result_expires_with_the_earliest_answer_it_rests_on(
    server: LoopbackServer, make_client: Callable[..., HttpClient], cache: Cache
) -> None:
    server.route("/known-pkg", Reply.json(_packument("known-pkg")))
    clock, source = Clock(), Counting(npm)
    _scan(make_client, cache, server, source, clock, negative_ttl=HOUR)
    # An hour on, the "not found" is stale (negative TTL), the packument not (npm: a day).
    clock.now += HOUR + 1
    _scan(make_client, cache, server, source, clock, negative_ttl=HOUR)
    assert source.calls == 3 and server.hits("/private-pkg") == 2
    assert server.hits("/known-pkg") == 1


def test_failures_are_never_kept(
    server: LoopbackServer, make_client: Callable[..., HttpClient], cache: Cache
) -> None:
    server.route("/known-pkg", Reply(503))
    clock, source = Clock(), Counting(npm)
    first = _scan(make_client, cache, server, source, clock, retries=0)
    assert first[purl.npm("known-pkg", "1.0.0")][1][0].status == "error"
    _scan(make_client, cache, server, source, clock, retries=0)
    # The outage is asked again; the "not found" of the other package is not.
    assert source.calls == 3 and server.hits("/known-pkg") == 2


def test_other_code_is_another_context(
    server: LoopbackServer,
    make_client: Callable[..., HttpClient],
    cache: Cache,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A development build keeps one version string through many changes: the code itself
    is part of the key, so a row never outlives the code that wrote it."""
    assert memo.code_digest() == memo.code_digest() != ""
    clock, source = Clock(), Counting(npm)
    _scan(make_client, cache, server, source, clock)
    monkeypatch.setattr(memo, "code_digest", lambda: "other code")
    _scan(make_client, cache, server, source, clock)
    assert source.calls == 4


def test_a_token_or_another_endpoint_is_another_context(
    server: LoopbackServer, make_client: Callable[..., HttpClient], cache: Cache
) -> None:
    clock, source = Clock(), Counting(npm)
    _scan(make_client, cache, server, source, clock)
    # Signed-in callers may see more: whether a token is set is part of the key.
    _scan(make_client, cache, server, source, clock, env={"GITHUB_TOKEN": "t"})
    assert source.calls == 4
    _scan(make_client, cache, server, source, clock, env={"ICTS_SCAN_NPM_URL": server.url("/m")})
    assert source.calls == 6


def test_local_sources_are_asked_every_time(
    server: LoopbackServer, make_client: Callable[..., HttpClient], cache: Cache
) -> None:
    def local_enrich(component: Component, ctx: Context) -> SourceResult:
        return SourceResult(SourceStatus("local", "not-applicable"))

    local = Counting(SimpleNamespace(NAME="local", ECOSYSTEMS=("npm",), enrich=local_enrich))
    local.LOCAL = True
    clock = Clock()
    for _ in range(2):
        _scan(make_client, cache, server, local, clock)
    assert local.calls == 4 and cache.info().derived == 0


def test_clearing_the_cache_drops_the_derived_results(
    server: LoopbackServer, make_client: Callable[..., HttpClient], cache: Cache
) -> None:
    clock, source = Clock(), Counting(npm)
    _scan(make_client, cache, server, source, clock)
    assert cache.info().derived == 3
    cache.clear("pypi")  # derived results may rest on any source's answers
    assert cache.info().derived == 0
    _scan(make_client, cache, server, source, clock)
    assert source.calls == 4


def test_a_version_1_cache_keeps_its_answers_and_gains_the_table(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE responses (key TEXT PRIMARY KEY, source TEXT NOT NULL, method TEXT "
            "NOT NULL, url TEXT NOT NULL, status INTEGER NOT NULL, headers TEXT NOT NULL, "
            "etag TEXT, last_modified TEXT, body BLOB NOT NULL, compressed INTEGER NOT NULL, "
            "fetched_at REAL NOT NULL)"
        )
        conn.execute("PRAGMA user_version=1")
    with Cache(path) as store:
        store.put("k", CacheEntry("npm", "GET", "u", 200, {}, b"{}", None, None, 1.0))
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version=1")
        conn.execute("DROP TABLE derived")
    with Cache(path) as store:
        assert store.get("k") is not None and store.info().derived == 0


def test_a_kept_result_round_trips_exactly_even_with_a_lone_surrogate() -> None:
    fact = Fact(
        "pkg:npm/x@1.0.0",
        "author-name",
        "bad \ud800 text",
        "author.name",
        "npm",
        "u",
        "t",
        "self-declared",
        None,
        (("predicate", "p"),),
    )
    result = SourceResult(SourceStatus("npm", "ok", "", "u"), (fact,))
    assert memo.load(memo.dump([result, result])) == [result, result]
    assert memo.load(b"not json") is None and memo.load(b'[["npm"]]') is None
    # Many rows are parsed as one array; a damaged row costs only itself.
    good = memo.dump([result])
    assert memo.load_many([good, good]) == [[result], [result]]
    for bad in (b"not json", b'[["npm"]]', b"1,2", b'[["npm","ok"],[]]],[[', b"\xff"):
        assert memo.load_many([good, bad, good]) == [[result], None, [result]]
    assert memo.load_many([]) == []


def test_offline_takes_fresh_kept_results_and_keeps_nothing_from_stale_copies(
    server: LoopbackServer, make_client: Callable[..., HttpClient], cache: Cache
) -> None:
    server.route("/known-pkg", Reply.json(_packument("known-pkg")))
    clock, source = Clock(), Counting(npm)
    online = _scan(make_client, cache, server, source, clock)
    offline = _scan(make_client, cache, server, source, clock, offline=True)
    assert offline == online and source.calls == 2  # fresh: taken as kept
    # Two days on, everything has expired: offline, the sources answer from stale copies
    # (or not at all), and none of that is kept for the next scan.
    clock.now += 2 * DAY
    _scan(make_client, cache, server, source, clock, offline=True)
    assert source.calls == 4 and cache.info().derived == 3  # the old rows, not renewed
    _scan(make_client, cache, server, source, clock, offline=True)
    assert source.calls == 6


def _scan_all(
    make_client: Callable[..., HttpClient],
    cache: Cache,
    server: LoopbackServer,
    sources: list[Any],
    clock: Clock,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    client = make_client(cache, clock=clock)
    ctx = Context(client=client, environ={"ICTS_SCAN_NPM_URL": server.base_url})
    out = enrich(_inventory("known-pkg", "private-pkg"), ctx, sources, progress=progress)
    return {p: (prov.facts, prov.statuses) for p, prov in out.provenance.items()}


def _local(found: list[str]) -> Counting:
    """A local source that reports `found[0]` as each component's homepage."""

    def local_enrich(component: Component, ctx: Context) -> SourceResult:
        fact = Fact(component.purl, "homepage", found[0], "homepage", "local", None, "t", "self-declared")  # fmt: skip
        return SourceResult(SourceStatus("local", "ok"), (fact,))

    return Counting(SimpleNamespace(NAME="local", ECOSYSTEMS=("npm",), enrich=local_enrich), True)


def test_an_unchanged_inventory_is_answered_from_one_row(
    server: LoopbackServer,
    make_client: Callable[..., HttpClient],
    cache: Cache,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server.route("/known-pkg", Reply.json(_packument("known-pkg")))
    clock, source, local = Clock(), Counting(npm), _local(["https://a.example.invalid"])
    cold = _scan_all(make_client, cache, server, [local, source], clock)

    def per_component(*args: object) -> None:
        raise AssertionError("the components' own rows were read")

    monkeypatch.setattr(memo.Memo, "found", per_component)
    seen: list[tuple[int, int]] = []
    warm = _scan_all(
        make_client, cache, server, [local, source], clock, lambda d, t: seen.append((d, t))
    )
    assert warm == cold and source.calls == 2 and local.calls == 4
    assert seen[-1] == (4, 4), "progress reaches the total"


def test_what_local_sources_find_is_part_of_the_inventory_row(
    server: LoopbackServer, make_client: Callable[..., HttpClient], cache: Cache
) -> None:
    server.route("/known-pkg", Reply.json(_packument("known-pkg")))
    clock, source = Clock(), Counting(npm)
    found = ["https://a.example.invalid"]
    local = _local(found)
    _scan_all(make_client, cache, server, [local, source], clock)
    assert cache.info().derived == 3
    # The checkout changed: the inventory's row no longer applies; each component's rows do.
    found[0] = "https://b.example.invalid"
    changed = _scan_all(make_client, cache, server, [local, source], clock)
    assert source.calls == 2 and cache.info().derived == 4
    homepages = {f.value for facts, _ in changed.values() for f in facts if f.kind == "homepage"}
    assert homepages == {"https://b.example.invalid"}


def test_the_inventory_digest_sees_every_field_of_every_record() -> None:
    """It hashes the records' repr: no field of sbom.model may be left out of it."""
    import dataclasses

    from sbom import model

    records = [v for v in vars(model).values() if dataclasses.is_dataclass(v)]
    assert len(records) >= 7
    hidden = [(r.__name__, f.name) for r in records for f in dataclasses.fields(r) if not f.repr]
    assert hidden == []
    one = _inventory("a", "b")
    moved = dataclasses.replace(
        one,
        components=(
            dataclasses.replace(one.components[0], locations=(model.Location("x", 2),)),
            one.components[1],
        ),
    )
    assert memo.inventory_digest(one) == memo.inventory_digest(_inventory("a", "b"))
    assert memo.inventory_digest(one) != memo.inventory_digest(moved)
