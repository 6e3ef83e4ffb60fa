"""NuGet source: service index discovery, registration pages, nuspec repository, owners, faults."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sbom import purl
from sbom.model import Component, Inventory
from scanner.enrich import nuget
from scanner.enrich.context import Context
from scanner.enrich.model import SourceResult
from scanner.enrich.run import enrich
from tests.enrich.conftest import ENRICH_FIXTURES
from tests.loopback import LoopbackServer, Reply

HERE = ENRICH_FIXTURES / "nuget"
PLACEHOLDER = "https://nuget.example.invalid"
INDEX = "/v3/index.json"
REG = "/v3/registration5-gz-semver2/example.widget/index.json"
BIG = "/v3/registration5-gz-semver2/big.widget/index.json"
BIG_PAGE1 = "/v3/registration5-gz-semver2/big.widget/page/1.0.0/1.9.9.json"
BIG_PAGE2 = "/v3/registration5-gz-semver2/big.widget/page/2.0.0/3.0.0-beta.2.json"
NUSPEC = "/v3-flatcontainer/example.widget/2.0.1/example.widget.nuspec"
SEARCH = "/query"


def package(name: str, version: str | None, **kwargs: Any) -> Component:
    return Component(purl.purl("nuget", name, version), "nuget", name, version, **kwargs)


def facts_of(result: SourceResult) -> set[tuple[str, str, str]]:
    return {(f.kind, f.value, f.strength) for f in result.facts}


def local(server: LoopbackServer, name: str, **kwargs: Any) -> Reply:
    """A fixture whose placeholder host is the loopback server."""
    text = (HERE / name).read_text(encoding="utf-8").replace(PLACEHOLDER, server.base_url)
    content_type = "application/xml" if name.endswith(".nuspec") else "application/json"
    return Reply(body=text.encode(), headers={"Content-Type": content_type}, **kwargs)


def serve(server: LoopbackServer) -> None:
    server.route(INDEX, local(server, "service-index.json"))
    server.route(REG, local(server, "registration-example.widget.json"))
    server.route(BIG, local(server, "registration-big.widget.json"))
    server.route(BIG_PAGE2, local(server, "registration-big.widget-page2.json"))
    server.route(NUSPEC, local(server, "example.widget.nuspec"))
    server.route(SEARCH, local(server, "search-example.widget.json"))


@pytest.fixture
def ctx(server: LoopbackServer, make_ctx: Callable[..., Context]) -> Callable[..., Context]:
    """Contexts whose NuGet base is the loopback service index, as for nuget.org."""

    def build(**kwargs: Any) -> Context:
        return make_ctx(ICTS_SCAN_NUGET_URL=server.url(INDEX), **kwargs)

    return build


def test_catalog_entry_nuspec_and_owners(
    server: LoopbackServer, ctx: Callable[..., Context]
) -> None:
    serve(server)
    # Ids are case-insensitive and lock files may keep a fourth, zero version part.
    result = nuget.enrich(package("EXAMPLE.Widget", "2.0.1.0"), ctx())
    assert result.status.status == "ok" and result.status.url == server.url(REG)
    facts = facts_of(result)
    assert ("author-name", "Example Corp", "self-declared") in facts
    assert ("author-name", "Jane Roe", "self-declared") in facts
    assert ("homepage", "https://github.com/example/widget", "self-declared") in facts
    assert ("repository", "https://github.com/example/widget.git", "self-declared") in facts
    assert (
        "source-commit",
        "0123abcd4567ef890123abcd4567ef890123abcd",
        "self-declared",
    ) in facts
    assert ("owner-account", "examplecorp", "registry-asserted") in facts
    assert ("owner-account", "jroe", "registry-asserted") in facts
    author = next(f for f in result.facts if f.kind == "author-name")
    assert author.field == "items[0].items[1].catalogEntry.authors"
    owner = next(f for f in result.facts if f.value == "jroe")
    assert owner.field == "data[0].owners[1]" and dict(owner.attrs) == {"verified": "true"}
    assert owner.url.startswith(server.url(SEARCH + "?q=packageid%3Aexample.widget"))  # type: ignore[union-attr]
    repo = next(f for f in result.facts if f.kind == "repository")
    assert repo.url == server.url(NUSPEC) and repo.retrieved.endswith("Z")
    assert dict(repo.attrs) == {"type": "git"}


def test_paged_registration_fetches_only_the_page_that_can_hold_the_version(
    server: LoopbackServer, ctx: Callable[..., Context]
) -> None:
    serve(server)
    result = nuget.enrich(package("Big.Widget", "3.0.0-beta.2"), ctx())
    facts = facts_of(result)
    assert ("author-name", "R. Poe", "self-declared") in facts
    assert server.hits(BIG_PAGE1) == 0 and server.hits(BIG_PAGE2) == 1
    author = next(f for f in result.facts if f.value == "R. Poe")
    assert author.url == server.url(BIG_PAGE2) and author.field == "items[1].catalogEntry.authors"
    # No nuspec and no search hit were served for it: a half answer, said so.
    assert result.status.status == "error"
    assert "nuspec: HTTP 404" in result.status.reason
    assert "owners: not in search results" in result.status.reason


def test_missing_version_is_not_found(server: LoopbackServer, ctx: Callable[..., Context]) -> None:
    serve(server)
    result = nuget.enrich(package("Example.Widget", "9.9.9"), ctx())
    assert result.status.status == "not-found" and "9.9.9" in result.status.reason


def test_without_version_only_owners(server: LoopbackServer, ctx: Callable[..., Context]) -> None:
    serve(server)
    result = nuget.enrich(package("Example.Widget", None), ctx())
    assert result.status.status == "ok"
    assert {f.kind for f in result.facts} == {"owner-account"}
    assert server.hits(REG) == 0


def test_project_references_are_not_applicable(ctx: Callable[..., Context]) -> None:
    project = package("My.App", None, source_kind="workspace")
    assert nuget.enrich(project, ctx()).status.status == "not-applicable"


def test_service_index_failure_is_a_configuration_error(
    server: LoopbackServer, ctx: Callable[..., Context]
) -> None:
    server.route(INDEX, Reply(status=404))
    result = nuget.enrich(package("Example.Widget", "2.0.1"), ctx())
    assert result.status.status == "error"
    assert result.status.reason.startswith("service index: HTTP 404")


def test_service_index_without_registrations(
    server: LoopbackServer, ctx: Callable[..., Context]
) -> None:
    server.route(INDEX, Reply.json({"version": "3.0.0", "resources": []}))
    result = nuget.enrich(package("Example.Widget", "2.0.1"), ctx())
    assert result.status.status == "error" and "RegistrationsBaseUrl" in result.status.reason


def test_hostile_nuspec_is_an_error_not_a_crash(
    server: LoopbackServer, ctx: Callable[..., Context]
) -> None:
    serve(server)
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><package>&b;</package>'
    )
    server.route(NUSPEC, Reply(body=bomb))
    result = nuget.enrich(package("Example.Widget", "2.0.1"), ctx())
    assert result.status.status == "error"
    assert result.status.reason.startswith("partial: nuspec: refused hostile XML")
    assert ("owner-account", "jroe", "registry-asserted") in facts_of(result)


def test_run_reads_the_service_index_once(
    server: LoopbackServer, ctx: Callable[..., Context]
) -> None:
    serve(server)
    inv = Inventory(
        root=".",
        components=(package("Example.Widget", "1.0.0"), package("Example.Widget", "2.0.1")),
    )
    out = enrich(inv, ctx(), [nuget])
    assert server.hits(INDEX) == 1 and server.hits(REG) == 1
    statuses = {p.purl: p.statuses[0].status for p in out.provenance.values()}
    # 1.0.0 has no nuspec on the loopback server: its answer is partial, hence unknown.
    assert statuses == {
        purl.purl("nuget", "Example.Widget", "2.0.1"): "ok",
        purl.purl("nuget", "Example.Widget", "1.0.0"): "error",
    }
