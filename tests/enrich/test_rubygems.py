"""RubyGems source: gemspec authors and links, owner accounts, platform builds, faults."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sbom import purl
from sbom.model import Component, Inventory
from scanner.enrich import rubygems
from scanner.enrich.context import Context
from scanner.enrich.model import SourceResult
from scanner.enrich.run import enrich
from tests.enrich.conftest import ENRICH_FIXTURES
from tests.loopback import LoopbackServer, Reply

HERE = ENRICH_FIXTURES / "rubygems"
VERSION = "/api/v2/rubygems/examplegem/versions/3.1.0.json"
OWNERS = "/api/v1/gems/examplegem/owners.json"


def gem(version: str | None, platform: str | None = None, **kwargs: Any) -> Component:
    quals = {"platform": platform} if platform else None
    ref = purl.purl("gem", "examplegem", version, qualifiers=quals)
    return Component(ref, "gem", "examplegem", version, **kwargs)


def facts_of(result: SourceResult) -> set[tuple[str, str, str]]:
    return {(f.kind, f.value, f.strength) for f in result.facts}


def serve(server: LoopbackServer) -> None:
    server.route(VERSION, Reply.file(HERE / "examplegem-3.1.0.json"))
    server.route(OWNERS, Reply.file(HERE / "examplegem-owners.json"))


def test_version_authors_links_and_owners(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve(server)
    result = rubygems.enrich(gem("3.1.0"), make_ctx())
    assert result.status.status == "ok" and result.status.url == server.url(VERSION)
    facts = facts_of(result)
    assert ("author-name", "Jane Roe", "self-declared") in facts
    assert ("author-name", "John Poe", "self-declared") in facts
    assert ("author-email", "john@example.org", "self-declared") in facts
    assert ("repository", "https://github.com/exampleorg/examplegem", "self-declared") in facts
    assert ("homepage", "https://examplegem.example.org", "self-declared") in facts
    assert ("owner-account", "janeroe", "registry-asserted") in facts
    assert ("owner-account", "johnpoe", "registry-asserted") in facts
    assert ("maintainer-email", "john@example.org", "registry-asserted") in facts
    owner = next(f for f in result.facts if f.value == "johnpoe")
    assert owner.field == "[1].handle" and owner.url == server.url(OWNERS)
    assert dict(owner.attrs) == {"role": "maintainer"}
    email = next(f for f in result.facts if f.kind == "maintainer-email")
    assert dict(email.attrs) == {"account": "johnpoe", "role": "maintainer"}
    # No JSON API names the pushing account (apis.md §5): nothing is made up for it.
    assert not any(f.kind.startswith("publisher") for f in result.facts)


def test_platform_build_is_asked_for_by_platform(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve(server)
    result = rubygems.enrich(gem("3.1.0", "x86_64-linux"), make_ctx())
    assert result.status.status == "ok"
    assert any(seen.path == VERSION + "?platform=x86_64-linux" for seen in server.requests)


def test_without_version_only_owners(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve(server)
    result = rubygems.enrich(gem(None), make_ctx())
    assert result.status.status == "ok"
    assert {f.kind for f in result.facts} == {"owner-account", "maintainer-email"}
    assert server.hits(VERSION) == 0


def test_sources_rubygems_does_not_serve(make_ctx: Callable[..., Context]) -> None:
    ctx = make_ctx()
    git = gem("3.1.0", source_kind="vcs", source_url="git+https://github.com/o/r#abc")
    assert rubygems.enrich(git, ctx).status.status == "not-applicable"
    private = gem("3.1.0", registries=("https://user:secret@gems.corp.example.invalid/",))
    skipped = rubygems.enrich(private, ctx)
    assert skipped.status.status == "skipped"
    assert "gems.corp.example.invalid" in skipped.status.reason
    assert "secret" not in skipped.status.reason


def test_the_configured_gem_server_is_looked_up(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve(server)
    mirrored = gem("3.1.0", registries=(server.base_url + "/",))
    assert rubygems.enrich(mirrored, make_ctx()).status.status == "ok"


def test_offline_uses_cache_only(server: LoopbackServer, make_ctx: Callable[..., Context]) -> None:
    serve(server)
    assert rubygems.enrich(gem("3.1.0"), make_ctx()).status.status == "ok"
    before = len(server.requests)
    offline = make_ctx(offline=True)
    assert rubygems.enrich(gem("3.1.0"), offline).status.status == "ok"
    missing = rubygems.enrich(gem("3.0.0"), offline)
    assert missing.status.status == "offline" and missing.facts == ()
    assert len(server.requests) == before


def test_run_asks_owners_once_per_gem(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve(server)
    inv = Inventory(root=".", components=(gem("3.1.0"), gem("3.1.0", "java")))
    out = enrich(inv, make_ctx(), [rubygems])
    assert out.coverage.known == 2
    assert server.hits(OWNERS) == 1
