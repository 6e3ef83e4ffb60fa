"""crates.io source: owners (users, teams), the publishing account, trusted publishing, faults."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from sbom import purl
from sbom.model import Component, Inventory
from scanner.enrich import crates
from scanner.enrich.context import Context
from scanner.enrich.model import SourceResult
from scanner.enrich.run import enrich
from scanner.net.endpoints import endpoint
from tests.enrich.conftest import ENRICH_FIXTURES
from tests.loopback import LoopbackServer, Reply

HERE = ENRICH_FIXTURES / "crates"
V042 = "/api/v1/crates/examplecrate/0.4.2"
V050 = "/api/v1/crates/examplecrate/0.5.0"
OWNERS = "/api/v1/crates/examplecrate/owners"


def crate(version: str | None, **kwargs: Any) -> Component:
    return Component(
        purl.purl("cargo", "examplecrate", version), "cargo", "examplecrate", version, **kwargs
    )


def facts_of(result: SourceResult) -> set[tuple[str, str, str]]:
    return {(f.kind, f.value, f.strength) for f in result.facts}


def serve(server: LoopbackServer) -> None:
    server.route(V042, Reply.file(HERE / "examplecrate-0.4.2.json"))
    server.route(V050, Reply.file(HERE / "examplecrate-0.5.0.json"))
    server.route(OWNERS, Reply.file(HERE / "examplecrate-owners.json"))


def test_account_published_version(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve(server)
    result = crates.enrich(crate("0.4.2"), make_ctx())
    assert result.status.status == "ok"
    assert result.status.url == server.url(V042)
    facts = facts_of(result)
    assert ("publisher-account", "jdoe", "registry-asserted") in facts
    assert ("owner-account", "jdoe", "registry-asserted") in facts
    assert ("owner-team", "github:exampleorg:publishers", "registry-asserted") in facts
    assert ("repository", "https://github.com/exampleorg/examplecrate", "self-declared") in facts
    assert ("homepage", "https://examplecrate.example.org", "self-declared") in facts
    publisher = next(f for f in result.facts if f.kind == "publisher-account")
    assert publisher.field == "version.published_by.login"
    assert publisher.url == server.url(V042) and publisher.retrieved.endswith("Z")
    assert dict(publisher.attrs) == {"github_username_matches": "true"}
    team = next(f for f in result.facts if f.kind == "owner-team")
    assert dict(team.attrs) == {"provider": "github", "org": "exampleorg"}
    assert team.field == "users[2].login" and team.url == server.url(OWNERS)
    renamed = next(f for f in result.facts if f.value == "rroe")
    assert dict(renamed.attrs) == {"github_username_matches": "false"}
    # The display name is profile text, not an account: it is not recorded.
    assert all(f.value != "J Doe" for f in result.facts)


def test_requests_identify_the_scanner(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve(server)
    crates.enrich(crate("0.4.2"), make_ctx())
    agents = {seen.headers.get("user-agent", "") for seen in server.requests}
    assert agents and all(a.startswith("icts-scan/") for a in agents)


def test_trusted_publishing_version(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve(server)
    result = crates.enrich(crate("0.5.0"), make_ctx())
    facts = facts_of(result)
    assert ("trusted-publisher", "exampleorg/examplecrate", "registry-asserted") in facts
    assert (
        "source-commit",
        "0123abcd4567ef890123abcd4567ef890123abcd",
        "registry-asserted",
    ) in facts
    assert not any(kind == "publisher-account" for kind, _, _ in facts)
    tp = next(f for f in result.facts if f.kind == "trusted-publisher")
    assert tp.field == "version.trustpub_data.repository" and dict(tp.attrs) == {
        "provider": "github"
    }


def test_without_version_only_owners(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve(server)
    result = crates.enrich(crate(None), make_ctx())
    assert result.status.status == "ok"
    assert {f.kind for f in result.facts} == {"owner-account", "owner-team"}
    assert server.hits(V042) == 0


def test_sources_crates_io_does_not_serve(make_ctx: Callable[..., Context]) -> None:
    ctx = make_ctx()
    git = crate("0.4.2", source_kind="vcs", source_url="git+https://github.com/o/r#abc")
    path = crate("0.4.2", source_kind="path", source_url="../examplecrate")
    assert crates.enrich(git, ctx).status.status == "not-applicable"
    assert crates.enrich(path, ctx).status.status == "not-applicable"
    private = crate("0.4.2", registries=("sparse+https://cargo.corp.example.invalid/index/",))
    skipped = crates.enrich(private, ctx)
    assert skipped.status.status == "skipped"
    assert "cargo.corp.example.invalid" in skipped.status.reason


def test_crates_io_indexes_are_looked_up(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve(server)
    public = crate("0.4.2", registries=("https://github.com/rust-lang/crates.io-index",))
    assert crates.enrich(public, make_ctx()).status.status == "ok"
    host = urlsplit(endpoint("crates").default).hostname
    sparse = crate("0.4.2", registries=(f"sparse+https://index.{host}/",))
    assert crates.enrich(sparse, make_ctx()).status.status == "ok"


def test_run_asks_owners_once_per_crate(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve(server)
    inv = Inventory(root=".", components=(crate("0.4.2"), crate("0.5.0")))
    out = enrich(inv, make_ctx(), [crates])
    assert out.coverage.known == 2
    assert server.hits(OWNERS) == 1
