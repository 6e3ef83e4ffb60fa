"""npm-provenance source: SLSA build provenance facts, failures, Sigstore verification."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable

import pytest

from sbom import purl
from sbom.model import Component
from scanner.enrich import npm_provenance
from scanner.enrich.context import Context
from scanner.enrich.model import SourceResult
from tests.enrich.conftest import ENRICH_FIXTURES, verifying
from tests.loopback import LoopbackServer, Reply

FIX = ENRICH_FIXTURES / "npm-provenance"
CLI = "/@playwright%2Fcli"
CLI_ATT = "/-/npm/v1/attestations/@playwright%2Fcli@0.1.1"
GL = "/@acme%2Fgl-widget"
GL_ATT = "/-/npm/v1/attestations/@acme%2Fgl-widget@2.0.0"
HAVE_LIBS = all(importlib.util.find_spec(m) for m in ("sigstore", "pypi_attestations"))


def pkg(name: str, version: str | None) -> Component:
    return Component(purl.npm(name, version), "npm", name, version)


def facts_of(result: SourceResult) -> set[tuple[str, str, str]]:
    return {(f.kind, f.value, f.strength) for f in result.facts}


def serve(server: LoopbackServer) -> None:
    server.route(CLI, Reply.file(FIX / "@playwright%2fcli.json"))
    server.route(CLI_ATT, Reply.file(FIX / "@playwright%2fcli@0.1.1.attestations.json"))
    server.route(GL, Reply.file(FIX / "@acme%2fgl-widget.json"))
    server.route(GL_ATT, Reply.file(FIX / "@acme%2fgl-widget@2.0.0.attestations.json"))


def test_github_slsa_v1(server: LoopbackServer, make_ctx: Callable[..., Context]) -> None:
    serve(server)
    result = npm_provenance.enrich(pkg("@playwright/cli", "0.1.1"), make_ctx())
    assert result.status.status == "ok"
    assert facts_of(result) == {
        ("trusted-publisher", "github:microsoft/playwright-cli", "registry-asserted"),
        ("repository", "https://github.com/microsoft/playwright-cli", "registry-asserted"),
        (
            "build-workflow",
            "https://github.com/microsoft/playwright-cli/.github/workflows/publish.yml@refs/tags/v0.1.1",
            "registry-asserted",
        ),
        ("source-commit", "d1c6d1113932ddcee243e8b111b6d4aea553df20", "registry-asserted"),
    }
    publisher = next(f for f in result.facts if f.kind == "trusted-publisher")
    assert dict(publisher.attrs) == {
        "workflow": ".github/workflows/publish.yml",
        "ref": "refs/tags/v0.1.1",
        "builder": "https://github.com/actions/runner/github-hosted",
        "repository_id": "273562379",
        "owner_id": "6154722",
        "verification": "not requested",
    }
    assert publisher.url == server.url(CLI_ATT)
    assert publisher.field == (
        "attestations[1].bundle.dsseEnvelope.payload:"
        "predicate.buildDefinition.externalParameters.workflow.repository"
    )


def test_gitlab_slsa_v02(server: LoopbackServer, make_ctx: Callable[..., Context]) -> None:
    serve(server)
    result = npm_provenance.enrich(pkg("@acme/gl-widget", "2.0.0"), make_ctx())
    facts = facts_of(result)
    assert ("trusted-publisher", "gitlab:acme-group/gl-widget", "registry-asserted") in facts
    assert (
        "build-workflow",
        "https://gitlab.com/acme-group/gl-widget//.gitlab-ci.yml",
        "registry-asserted",
    ) in facts
    assert (
        "source-commit",
        "0123456789abcdef0123456789abcdef01234567",
        "registry-asserted",
    ) in facts
    publisher = next(f for f in result.facts if f.kind == "trusted-publisher")
    assert dict(publisher.attrs)["job"] == "publish"
    # The pipeline's triggering user is in the statement, but no such fact is recorded here.
    assert not any("jroe" in f.value for f in result.facts)


def test_version_without_provenance_needs_no_second_request(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve(server)
    result = npm_provenance.enrich(pkg("@playwright/cli", "0.1.0"), make_ctx())
    assert (result.status.status, result.facts) == ("ok", ())
    assert "without provenance" in result.status.reason
    assert server.hits("/-/npm/v1/attestations/@playwright%2Fcli@0.1.0") == 0


def test_failures_are_unknown(server: LoopbackServer, make_ctx: Callable[..., Context]) -> None:
    server.route(CLI, Reply.file(FIX / "@playwright%2fcli.json"))
    server.route(CLI_ATT, Reply(status=500))
    ctx = make_ctx()
    broken = npm_provenance.enrich(pkg("@playwright/cli", "0.1.1"), ctx)
    assert broken.status.status == "error" and "500" in broken.status.reason
    assert npm_provenance.enrich(pkg("@playwright/cli", "9.9.9"), ctx).status.status == "not-found"
    assert npm_provenance.enrich(pkg("absent", "1.0.0"), ctx).status.status == "not-found"
    server.route(CLI_ATT, Reply(status=404))
    gone = npm_provenance.enrich(pkg("@playwright/cli", "0.1.1"), make_ctx(cache=False))
    assert gone.status.status == "not-found"  # the packument promised attestations


@pytest.mark.parametrize(
    "reply",
    [
        Reply.file(FIX / "@playwright%2fcli@0.1.1.attestations.json", fault="truncate"),
        Reply(body=b'{"attestations": "\xff"}'),
        Reply.json({"attestations": [{"predicateType": "https://slsa.dev/provenance/v1"}]}),
        Reply.json(
            {
                "attestations": [
                    {
                        "predicateType": "https://slsa.dev/provenance/v1",
                        "bundle": {"dsseEnvelope": {"payload": "not base64!"}},
                    }
                ]
            }
        ),
    ],
)
def test_malformed_attestations_are_errors(
    server: LoopbackServer, make_ctx: Callable[..., Context], reply: Reply
) -> None:
    server.route(CLI, Reply.file(FIX / "@playwright%2fcli.json"))
    server.route(CLI_ATT, reply)
    result = npm_provenance.enrich(pkg("@playwright/cli", "0.1.1"), make_ctx())
    assert (result.status.status, result.facts) == ("error", ())


def test_not_applicable_and_skipped(make_ctx: Callable[..., Context]) -> None:
    local = Component("pkg:npm/x", "npm", "x", None, source_kind="path", source_url="../x")
    assert npm_provenance.enrich(local, make_ctx()).status.status == "not-applicable"
    assert npm_provenance.enrich(pkg("x", None), make_ctx()).status.status == "skipped"


def test_missing_library_skips_verification(
    server: LoopbackServer, make_ctx: Callable[..., Context], without_sigstore: None
) -> None:
    serve(server)
    result = npm_provenance.enrich(pkg("@playwright/cli", "0.1.1"), verifying(make_ctx()))
    assert {f.strength for f in result.facts} == {"registry-asserted"}
    publisher = next(f for f in result.facts if f.kind == "trusted-publisher")
    assert dict(publisher.attrs)["verification"].startswith("skipped: sigstore")


def test_a_verification_this_run_could_not_make_is_not_kept(
    server: LoopbackServer, make_ctx: Callable[..., Context], without_sigstore: None
) -> None:
    """A later scan, with the library or the trust root, may well verify: nothing derived
    from a skipped verification is kept between scans (scanner/enrich/memo.py)."""
    serve(server)
    for ctx, kept in ((make_ctx(), True), (verifying(make_ctx()), False)):
        with ctx.client.recording() as reads:
            npm_provenance.enrich(pkg("@playwright/cli", "0.1.1"), ctx)
        assert reads.kept is kept


@pytest.mark.skipif(not HAVE_LIBS, reason="the verify extra is not installed")
def test_real_bundle_verifies_offline(
    server: LoopbackServer, make_ctx: Callable[..., Context], sigstore_home: None
) -> None:
    serve(server)
    result = npm_provenance.enrich(pkg("@playwright/cli", "0.1.1"), verifying(make_ctx()))
    assert {f.strength for f in result.facts} == {"signed"}
    publisher = next(f for f in result.facts if f.kind == "trusted-publisher")
    assert dict(publisher.attrs)["verification"] == "verified"


@pytest.mark.skipif(not HAVE_LIBS, reason="the verify extra is not installed")
def test_wrong_tarball_digest_is_not_signed(
    server: LoopbackServer, make_ctx: Callable[..., Context], sigstore_home: None
) -> None:
    serve(server)
    packument = json.loads((FIX / "@playwright%2fcli.json").read_text())
    packument["versions"]["0.1.1"]["dist"]["integrity"] = "sha512-" + "A" * 86 + "=="
    server.route(CLI, Reply.json(packument))
    result = npm_provenance.enrich(pkg("@playwright/cli", "0.1.1"), verifying(make_ctx()))
    publisher = next(f for f in result.facts if f.kind == "trusted-publisher")
    assert publisher.strength == "registry-asserted"
    assert "subject" in dict(publisher.attrs)["verification"]


@pytest.mark.skipif(not HAVE_LIBS, reason="the verify extra is not installed")
def test_invented_gitlab_bundle_fails_verification(
    server: LoopbackServer, make_ctx: Callable[..., Context], sigstore_home: None
) -> None:
    serve(server)
    result = npm_provenance.enrich(pkg("@acme/gl-widget", "2.0.0"), verifying(make_ctx()))
    assert {f.strength for f in result.facts} == {"registry-asserted"}
    publisher = next(f for f in result.facts if f.kind == "trusted-publisher")
    assert dict(publisher.attrs)["verification"].startswith("failed: ")
