"""deps.dev GetVersionBatch: the same facts as single lookups, one request, paging, fallbacks."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sbom import purl
from sbom.model import Component, Inventory
from scanner.enrich import depsdev
from scanner.enrich.context import Context
from scanner.enrich.depsdev_batch import NOT_FOUND
from scanner.enrich.model import Enriched
from scanner.enrich.run import enrich
from tests.enrich.test_depsdev import DD, MAVEN, NPM, PYPI
from tests.loopback import LoopbackServer, Reply, Seen

BATCH = "/v3alpha/versionbatch"
# Recorded GetVersion answers, by the version key a batch request names.
RECORDED = {
    ("NPM", "@acme/widget", "1.2.3"): (NPM, DD / "npm-acme-widget-1.2.3.json"),
    ("PYPI", "sample-project", "2.0.0"): (PYPI, DD / "pypi-sample-project-2.0.0.json"),
    ("MAVEN", "org.example:widget", "1.4.0"): (MAVEN, DD / "maven-org.example-widget-1.4.0.json"),
}
COMPONENTS = (
    Component(purl.npm("@acme/widget", "1.2.3"), "npm", "@acme/widget", "1.2.3"),
    Component(purl.pypi("Sample_Project", "2.0.0"), "pypi", "Sample_Project", "2.0.0"),
    Component(purl.maven("org.example", "widget", "1.4.0"), "maven", "org.example:widget", "1.4.0"),
    Component(purl.npm("private-pkg", "0.1.0"), "npm", "private-pkg", "0.1.0"),  # unknown there
)


def _version(item: dict[str, Any]) -> dict[str, Any] | None:
    key = item["versionKey"]
    found = RECORDED.get((key["system"], key["name"], key["version"]))
    return json.loads(found[1].read_bytes()) if found else None


def batch_answer(page_size: int = 1000) -> Callable[[Seen], Reply]:
    """The service's GetVersionBatch over the recorded answers, `page_size` items a page."""

    def answer(seen: Seen) -> Reply:
        asked = json.loads(seen.body)
        start = int(asked.get("pageToken") or 0)
        page = asked["requests"][start : start + page_size]
        out = [{"request": r, **({"version": v} if (v := _version(r)) else {})} for r in page]
        rest = start + page_size < len(asked["requests"])
        return Reply.json(
            {"responses": out, "nextPageToken": str(start + page_size) if rest else ""}
        )

    return answer


def serve_singles(server: LoopbackServer) -> None:
    for path, recorded in RECORDED.values():
        server.route(path, Reply.file(recorded))


def facts_and_statuses(out: Enriched) -> tuple[set[tuple[Any, ...]], dict[str, str]]:
    """Everything but the fetch time, which differs between two runs."""
    facts = {
        (f.purl, f.kind, f.value, f.field, f.source, f.url, f.strength, f.subject, f.attrs)
        for p in out.provenance.values()
        for f in p.facts
    }
    return facts, {p.purl: p.statuses[0].status for p in out.provenance.values()}


def test_batch_and_single_lookups_give_the_same_facts(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve_singles(server)
    inventory = Inventory(".", COMPONENTS)
    # No batch endpoint (a proxy without v3alpha): single lookups, one per version.
    single = enrich(inventory, make_ctx(cache=False), [depsdev])
    assert server.hits(BATCH) == 1 and len(server.requests) == 5
    server.route(BATCH, batch_answer())
    before = len(server.requests)
    batched = enrich(inventory, make_ctx(cache=False), [depsdev])
    assert [r.path for r in server.requests[before:]] == [BATCH]
    assert facts_and_statuses(batched) == facts_and_statuses(single)
    missing = batched.provenance[COMPONENTS[3].purl].statuses[0]
    assert (missing.status, missing.reason) == ("not-found", NOT_FOUND)


def test_batches_page_and_a_warm_scan_asks_nothing(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    server.route(BATCH, batch_answer(page_size=2))
    inventory = Inventory(".", COMPONENTS)
    out = enrich(inventory, make_ctx(), [depsdev])
    assert out.coverage.by_source["depsdev"] == {"not-found": 1, "ok": 3}
    tokens = [json.loads(r.body)["pageToken"] for r in server.requests]
    assert tokens == ["", "2"]
    again = enrich(inventory, make_ctx(), [depsdev])
    assert len(server.requests) == 2  # every answer, "not found" included, is in the cache
    assert facts_and_statuses(again) == facts_and_statuses(out)


def test_a_failed_batch_falls_back_to_single_lookups(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve_singles(server)
    server.route(BATCH, Reply(500))
    out = enrich(Inventory(".", COMPONENTS), make_ctx(), [depsdev])
    assert out.coverage.by_source["depsdev"] == {"not-found": 1, "ok": 3}
    assert server.hits(NPM) == 1
    # A hostile batch answer names versions nobody asked for: they are not stored.
    server.route(BATCH, Reply.json({"responses": [{"request": {"versionKey": {}}}, 5]}))
    other = Component(purl.npm("other", "1.0.0"), "npm", "other", "1.0.0")
    single = Component(purl.npm("more", "1.0.0"), "npm", "more", "1.0.0")
    enrich(Inventory(".", (other, single)), make_ctx(), [depsdev])
    assert server.hits("/v3/systems/npm/packages/other/versions/1.0.0") == 1
