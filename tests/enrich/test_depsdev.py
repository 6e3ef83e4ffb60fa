"""depsdev source: repository links graded by provenance, attestations, encoding, failures."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sbom import purl
from sbom.model import Component
from scanner.enrich import depsdev
from scanner.enrich.context import Context
from scanner.enrich.model import Fact
from tests.enrich.conftest import ENRICH_FIXTURES, through_runner
from tests.loopback import LoopbackServer, Reply

DD = ENRICH_FIXTURES / "depsdev"
NPM = "/v3/systems/npm/packages/%40acme%2Fwidget/versions/1.2.3"
PYPI = "/v3/systems/pypi/packages/sample-project/versions/2.0.0"
MAVEN = "/v3/systems/maven/packages/org.example%3Awidget/versions/1.4.0"


def widget() -> Component:
    return Component(purl.npm("@acme/widget", "1.2.3"), "npm", "@acme/widget", "1.2.3")


def find(facts: tuple[Fact, ...], kind: str, field: str) -> Fact:
    return next(f for f in facts if f.kind == kind and f.field == field)


def test_npm_attested_links(server: LoopbackServer, make_ctx: Callable[..., Context]) -> None:
    server.route(NPM, Reply.file(DD / "npm-acme-widget-1.2.3.json"))
    result = depsdev.enrich(widget(), make_ctx())
    assert result.status.status == "ok" and result.status.url == server.url(NPM)
    facts = result.facts
    related = find(facts, "repository", "relatedProjects[0].projectKey.id")
    assert (related.value, related.strength) == (
        "https://github.com/acme/widget",
        "registry-asserted",
    )
    assert dict(related.attrs) == {
        "project": "github.com/acme/widget",
        "provenance": "SLSA_ATTESTATION",
    }
    # The ISSUE_TRACKER relation is not a repository.
    assert not any(f.field.startswith("relatedProjects[1]") for f in facts)
    build = find(facts, "build-workflow", "attestations[0].sourceRepository")
    assert build.strength == "registry-asserted" and dict(build.attrs)["verified"] == "true"
    slsa = find(facts, "source-commit", "slsaProvenances[0].commit")
    assert slsa.value.startswith("0123abcd") and slsa.strength == "registry-asserted"
    link = find(facts, "repository", "links[2].url")
    assert (link.value, link.strength) == (
        "git+https://github.com/acme/widget.git",
        "self-declared",
    )
    assert find(facts, "homepage", "links[0].url").value == "https://widget.example.org"
    assert all(f.source == "depsdev" and f.retrieved.endswith("Z") for f in facts)


def test_pypi_publish_attestation_and_normalized_name(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    server.route(PYPI, Reply.file(DD / "pypi-sample-project-2.0.0.json"))
    comp = Component(purl.pypi("Sample_Project", "2.0.0"), "pypi", "Sample_Project", "2.0.0")
    result = depsdev.enrich(comp, make_ctx())
    publisher = find(result.facts, "trusted-publisher", "attestations[0].sourceRepository")
    assert publisher.value == "https://github.com/sample-org/sample-project"
    assert publisher.strength == "registry-asserted"
    assert dict(publisher.attrs)["type"].endswith("/attestations/publish/v1")
    related = find(result.facts, "repository", "relatedProjects[0].projectKey.id")
    assert dict(related.attrs)["provenance"] == "PYPI_PUBLISH_ATTESTATION"
    assert related.strength == "registry-asserted"


def test_unverified_metadata_and_unverified_attestation_are_self_declared(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    server.route(MAVEN, Reply.file(DD / "maven-org.example-widget-1.4.0.json"))
    comp = Component(
        purl.maven("org.example", "widget", "1.4.0"), "maven", "org.example:widget", "1.4.0"
    )
    result = depsdev.enrich(comp, make_ctx())
    assert result.status.status == "ok"
    assert {f.strength for f in result.facts} == {"self-declared"}
    related = find(result.facts, "repository", "relatedProjects[0].projectKey.id")
    assert dict(related.attrs)["provenance"] == "UNVERIFIED_METADATA"
    build = find(result.facts, "build-workflow", "attestations[0].sourceRepository")
    assert build.value == "https://github.com/someone-else/widget"
    assert dict(build.attrs)["verified"] == "false"


def test_go_and_gem_systems(server: LoopbackServer, make_ctx: Callable[..., Context]) -> None:
    go = "/v3/systems/go/packages/github.com%2Facme%2Ftool/versions/v1.0.0"
    gem = "/v3/systems/rubygems/packages/rack/versions/3.0.0"
    server.route(
        go,
        Reply.json(
            {
                "versionKey": {"system": "GO"},
                "relatedProjects": [
                    {
                        "projectKey": {"id": "github.com/acme/tool"},
                        "relationProvenance": "GO_ORIGIN",
                        "relationType": "SOURCE_REPO",
                    }
                ],
            }
        ),
    )
    server.route(gem, Reply.json({"links": "not a list", "attestations": [None, 3]}))
    ctx = make_ctx()
    tool = Component(
        purl.golang("github.com/acme/tool", "v1.0.0"), "golang", "github.com/acme/tool", "v1.0.0"
    )
    facts = depsdev.enrich(tool, ctx).facts
    assert [(f.value, f.strength) for f in facts] == [
        ("https://github.com/acme/tool", "registry-asserted")
    ]
    rack = depsdev.enrich(Component(purl.purl("gem", "rack", "3.0.0"), "gem", "rack", "3.0.0"), ctx)
    assert (rack.status.status, rack.facts) == ("ok", ())


def test_offline_and_not_applicable(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    offline = make_ctx(offline=True)
    assert depsdev.enrich(widget(), offline).status.status == "offline"
    assert server.requests == []
    swift = Component("pkg:swift/github.com/a/b@1.0.0", "swift", "github.com/a/b", "1.0.0")
    assert depsdev.enrich(swift, offline).status.status == "not-applicable"
    local = Component("pkg:npm/x", "npm", "x", None, source_kind="path", source_url="../x")
    assert depsdev.enrich(local, offline).status.status == "not-applicable"
    unpinned = Component("pkg:npm/x", "npm", "x", None)
    assert depsdev.enrich(unpinned, offline).status.status == "skipped"


def test_a_bug_becomes_an_error_status(
    server: LoopbackServer, make_ctx: Callable[..., Context], monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object) -> None:
        raise KeyError("bug")

    monkeypatch.setattr(depsdev, "_attestation", boom)
    server.route(NPM, Reply.file(DD / "npm-acme-widget-1.2.3.json"))
    result = through_runner(depsdev, widget(), make_ctx())
    assert result.status.status == "error" and "KeyError" in result.status.reason
