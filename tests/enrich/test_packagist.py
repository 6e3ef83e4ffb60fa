"""Packagist source: minified p2 metadata, "v" tags, dev branches, maintainers, faults."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sbom import purl
from sbom.model import Component, Inventory
from scanner.enrich import packagist
from scanner.enrich.context import Context
from scanner.enrich.model import SourceResult
from scanner.enrich.run import enrich
from scanner.net.endpoints import endpoint
from tests.enrich.conftest import ENRICH_FIXTURES
from tests.loopback import LoopbackServer, Reply

HERE = ENRICH_FIXTURES / "packagist"
P2 = "/p2/acme/widget.json"
DEV = "/p2/acme/widget~dev.json"
API = "/packages/acme/widget.json"
NEW_SHA = "2222222222222222222222222222222222222222"
OLD_SHA = "1111111111111111111111111111111111111111"


def widget(version: str | None, **kwargs: Any) -> Component:
    ref = purl.slashed("composer", "acme/widget", version)
    return Component(ref, "composer", "acme/widget", version, **kwargs)


def facts_of(result: SourceResult) -> set[tuple[str, str, str]]:
    return {(f.kind, f.value, f.strength) for f in result.facts}


def serve(server: LoopbackServer) -> None:
    server.route(P2, Reply.file(HERE / "acme-widget.p2.json"))
    server.route(DEV, Reply.file(HERE / "acme-widget.dev.json"))
    server.route(API, Reply.file(HERE / "acme-widget.package.json"))


def test_release_authors_source_and_maintainers(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve(server)
    result = packagist.enrich(widget("v2.1.0"), make_ctx())
    assert result.status.status == "ok" and result.status.url == server.url(P2)
    facts = facts_of(result)
    assert ("author-name", "Jane Roe", "self-declared") in facts
    assert ("author-email", "jane@example.org", "self-declared") in facts
    assert ("homepage", "https://jane.example.org", "self-declared") in facts
    assert ("homepage", "https://widget.example.org", "self-declared") in facts
    assert ("repository", "https://github.com/acme/widget.git", "self-declared") in facts
    assert ("source-commit", NEW_SHA, "registry-asserted") in facts
    assert ("maintainer-account", "janeroe", "registry-asserted") in facts
    assert ("maintainer-account", "acme-release-bot", "registry-asserted") in facts
    assert ("repository", "https://github.com/acme/widget", "self-declared") in facts
    email = next(f for f in result.facts if f.kind == "author-email")
    assert email.field == "packages[acme/widget][0].authors[0].email"
    assert email.url == server.url(P2) and email.retrieved.endswith("Z")
    author_home = next(f for f in result.facts if f.value == "https://jane.example.org")
    assert dict(author_home.attrs) == {"of": "author"}
    maintainer = next(f for f in result.facts if f.kind == "maintainer-account")
    assert maintainer.field == "package.maintainers[0].name"
    assert maintainer.url == server.url(API)
    # The vendor prefix is not recorded as an owner: nothing documented says Packagist
    # reserves it to an account.
    assert not any(f.kind.startswith("owner") for f in result.facts)


@pytest.mark.parametrize("written", ["2.0.0", "v2.0.0", "V2.0.0"])
def test_tags_match_with_or_without_v(
    server: LoopbackServer, make_ctx: Callable[..., Context], written: str
) -> None:
    serve(server)
    result = packagist.enrich(widget(written), make_ctx())
    facts = facts_of(result)
    # Minified: 2.0.0 inherits authors from 2.1.0 but has its own source reference.
    assert ("source-commit", OLD_SHA, "registry-asserted") in facts
    assert ("source-commit", NEW_SHA, "registry-asserted") not in facts
    assert ("author-name", "Jane Roe", "self-declared") in facts


def test_lock_v_prefix_matches_plain_metadata_version_and_unset_keys(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve(server)
    result = packagist.enrich(widget("v1.9.0"), make_ctx())
    facts = facts_of(result)
    assert ("author-email", "old@contrib.example.net", "self-declared") in facts
    assert ("repository", "https://github.com/acme-legacy/widget.git", "self-declared") in facts
    # "__unset" removed the homepage the newer releases declare.
    assert ("homepage", "https://widget.example.org", "self-declared") not in facts


def test_dev_branch_reads_the_dev_file(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve(server)
    result = packagist.enrich(widget("dev-main"), make_ctx())
    assert result.status.status == "ok" and result.status.url == server.url(DEV)
    assert ("source-commit", "3" * 40, "registry-asserted") in facts_of(result)
    assert server.hits(P2) == 0


def test_unknown_version_is_not_found(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve(server)
    result = packagist.enrich(widget("3.0.0"), make_ctx())
    assert result.status.status == "not-found" and "3.0.0" in result.status.reason


def test_without_version_only_maintainers(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve(server)
    result = packagist.enrich(widget(None), make_ctx())
    assert result.status.status == "ok"
    assert {f.kind for f in result.facts} == {"maintainer-account", "repository"}
    assert server.hits(P2) == 0


def test_sources_packagist_does_not_serve(make_ctx: Callable[..., Context]) -> None:
    ctx = make_ctx()
    vcs = widget("dev-main", source_kind="vcs", source_url="git+https://github.com/acme/w#abc")
    path = widget("dev-main", source_kind="path", source_url="../widget")
    assert packagist.enrich(vcs, ctx).status.status == "not-applicable"
    assert packagist.enrich(path, ctx).status.status == "not-applicable"
    private = widget("v2.1.0", registries=("https://repo.corp.example.invalid/acme/",))
    skipped = packagist.enrich(private, ctx)
    assert skipped.status.status == "skipped" and "repo.corp.example.invalid" in (
        skipped.status.reason
    )


def test_packagist_itself_is_looked_up(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve(server)
    # composer.lock records Packagist as the notification URL's base.
    public = widget("v2.1.0", registries=(endpoint("packagist").default + "/",))
    assert packagist.enrich(public, make_ctx()).status.status == "ok"


def test_run_fetches_each_document_once(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve(server)
    inv = Inventory(root=".", components=(widget("v2.1.0"), widget("v2.0.0"), widget("1.9.0")))
    out = enrich(inv, make_ctx(), [packagist])
    assert out.coverage.known == 3
    assert server.hits(P2) == 1 and server.hits(API) == 1
