"""npm source: packument people, the publishing account per version, provenance, failures."""

from __future__ import annotations

from collections.abc import Callable

from sbom import purl
from sbom.model import Component, Inventory
from scanner.enrich import npm
from scanner.enrich.context import Context
from scanner.enrich.run import enrich
from tests.enrich.conftest import ENRICH_FIXTURES
from tests.loopback import LoopbackServer, Reply

PACKUMENT = ENRICH_FIXTURES / "npm" / "@acme%2fwidget.json"


def widget(version: str) -> Component:
    return Component(purl.npm("@acme/widget", version), "npm", "@acme/widget", version)


def facts_of(result: object) -> set[tuple[str, str, str]]:
    return {(f.kind, f.value, f.strength) for f in result.facts}  # type: ignore[attr-defined]


def test_trusted_publisher_version(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    server.route("/@acme%2Fwidget", Reply.file(PACKUMENT))
    result = npm.enrich(widget("1.2.3"), make_ctx())
    assert result.status.status == "ok"
    facts = facts_of(result)
    assert ("publisher-account", "GitHub Actions", "registry-asserted") in facts
    assert ("maintainer-email", "alice@example.com", "registry-asserted") in facts
    assert ("maintainer-email", "bob@corp.example.net", "registry-asserted") not in facts
    assert ("author-email", "alice@example.com", "self-declared") in facts
    assert ("author-email", "dan@example.org", "self-declared") in facts
    assert ("repository", "git+https://github.com/acme/widget.git", "self-declared") in facts
    publisher = next(f for f in result.facts if f.kind == "publisher-account")
    assert publisher.field == "versions[1.2.3]._npmUser.name"
    assert dict(publisher.attrs) == {"via": "trusted-publisher"}
    assert publisher.url == server.url("/@acme%2Fwidget") and publisher.retrieved.endswith("Z")


def test_account_published_version(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    server.route("/@acme%2Fwidget", Reply.file(PACKUMENT))
    facts = facts_of(npm.enrich(widget("1.2.2"), make_ctx()))
    assert ("publisher-email", "bob@corp.example.net", "registry-asserted") in facts


def test_run_fetches_each_package_once_and_reports_coverage(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    server.route("/@acme%2Fwidget", Reply.file(PACKUMENT))
    inv = Inventory(root=".", components=(widget("1.2.2"), widget("1.2.3")))
    out = enrich(inv, make_ctx(), [npm])
    assert server.hits("/@acme%2Fwidget") == 1
    assert out.coverage.known == 2
    assert all(p.known for p in out.provenance.values())


def test_non_registry_sources_are_not_applicable(make_ctx: Callable[..., Context]) -> None:
    local = Component("pkg:npm/x", "npm", "x", None, source_kind="path", source_url="../x")
    assert npm.enrich(local, make_ctx()).status.status == "not-applicable"
