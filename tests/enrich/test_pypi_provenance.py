"""pypi-provenance source: Trusted Publishers from PEP 740 provenance, failures, verification."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path

import pytest

from sbom import purl
from sbom.model import Component, Hash
from scanner.enrich import pypi, pypi_provenance, verify
from scanner.enrich.context import Context
from scanner.enrich.model import SourceResult
from tests.conftest import REPO
from tests.enrich.conftest import ENRICH_FIXTURES, verifying
from tests.loopback import LoopbackServer, Reply

FIX = ENRICH_FIXTURES / "pypi"
DOC = FIX / "acme-widget-1.4.0.json"
SDIST = "acme_widget-1.4.0.tar.gz"
WHEEL = "acme_widget-1.4.0-py3-none-any.whl"
CP311 = "acme_widget-1.4.0-cp311-cp311-manylinux_2_17_x86_64.whl"


def comp(name: str, version: str, hashes: tuple[Hash, ...] = ()) -> Component:
    return Component(purl.pypi(name, version), "pypi", name, version, hashes=hashes)


def integrity(project: str, version: str, filename: str) -> str:
    return f"/integrity/{project}/{version}/{filename}/provenance"


def facts_of(result: SourceResult) -> set[tuple[str, str, str]]:
    return {(f.kind, f.value, f.strength) for f in result.facts}


def serve_widget(server: LoopbackServer, cp311: Reply | None = None) -> None:
    server.route("/pypi/acme-widget/1.4.0/json", Reply.file(DOC))
    for name in (SDIST, WHEEL):
        server.route(
            integrity("acme-widget", "1.4.0", name), Reply.file(FIX / f"{name}.provenance.json")
        )
    server.route(integrity("acme-widget", "1.4.0", CP311), cp311 or Reply(status=404))


def test_github_publisher_from_two_files(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve_widget(server)
    result = pypi_provenance.enrich(comp("acme-widget", "1.4.0"), make_ctx())
    assert result.status.status == "ok"
    assert result.status.reason == "no provenance for 1 of 3 files"
    assert facts_of(result) == {
        ("trusted-publisher", "github:acme/widget", "registry-asserted"),
        ("repository", "https://github.com/acme/widget", "registry-asserted"),
    }
    publisher = next(f for f in result.facts if f.kind == "trusted-publisher")
    assert dict(publisher.attrs) == {
        "workflow": "release.yml",
        "environment": "pypi",
        "file": SDIST,  # the sdist is asked first and cited
        "files": "2",
        "verification": "not requested",
    }
    assert publisher.field == "attestation_bundles[0].publisher.repository"
    assert publisher.url == server.url(integrity("acme-widget", "1.4.0", SDIST))
    assert publisher.source == "pypi-provenance" and publisher.retrieved.endswith("Z")
    accept = next(r for r in server.requests if r.path.startswith("/integrity/"))
    assert accept.headers["accept"] == "application/vnd.pypi.integrity.v1+json"


def test_version_document_is_shared_with_the_pypi_source(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve_widget(server)
    ctx = make_ctx()
    assert pypi.enrich(comp("acme-widget", "1.4.0"), ctx).status.status == "ok"
    assert pypi_provenance.enrich(comp("acme-widget", "1.4.0"), ctx).status.status == "ok"
    assert server.hits("/pypi/acme-widget/1.4.0/json") == 1


def test_two_publishers_in_one_release_are_both_reported(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    gitlab = Reply.file(FIX / f"{CP311}.gitlab.provenance.json")
    serve_widget(server, cp311=gitlab)
    result = pypi_provenance.enrich(comp("acme-widget", "1.4.0"), make_ctx())
    assert (result.status.status, result.status.reason) == ("ok", "")
    facts = facts_of(result)
    assert ("trusted-publisher", "gitlab:acme-group/tools/widget", "registry-asserted") in facts
    assert (
        "repository",
        "https://gitlab.com/acme-group/tools/widget",
        "registry-asserted",
    ) in facts
    lab = next(f for f in result.facts if f.value.startswith("gitlab:"))
    assert dict(lab.attrs)["workflow"] == "ci/release.yml"
    assert dict(lab.attrs)["environment"] == "production"


def test_lockfile_pinned_file_is_asked_first(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve_widget(server)
    wheel_sha = json.loads(DOC.read_text())["urls"][1]["digests"]["sha256"]
    pinned = comp("acme-widget", "1.4.0", (Hash("SHA-256", wheel_sha),))
    result = pypi_provenance.enrich(pinned, make_ctx())
    publisher = next(f for f in result.facts if f.kind == "trusted-publisher")
    assert dict(publisher.attrs)["file"] == WHEEL


def test_no_provenance_is_ok_with_no_facts(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    server.route("/pypi/acme-widget/1.4.0/json", Reply.file(DOC))
    result = pypi_provenance.enrich(comp("acme-widget", "1.4.0"), make_ctx())
    assert (result.status.status, result.facts) == ("ok", ())
    assert result.status.reason == "no provenance for 3 of 3 files"


def test_failures_are_unknown_not_absent(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    ctx = make_ctx()
    server.route("/pypi/acme-widget/1.4.0/json", Reply.file(DOC))
    for name in (SDIST, WHEEL, CP311):
        server.route(integrity("acme-widget", "1.4.0", name), Reply(status=500))
    broken = pypi_provenance.enrich(comp("acme-widget", "1.4.0"), ctx)
    assert (broken.status.status, broken.facts) == ("error", ())
    assert "3 of 3 lookups failed" in broken.status.reason and "500" in broken.status.reason
    missing = pypi_provenance.enrich(comp("gone", "1.0"), ctx)
    assert missing.status.status == "not-found"


def test_malformed_provenance_is_an_error_for_that_file(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    truncated = Reply.file(FIX / f"{CP311}.gitlab.provenance.json", fault="truncate")
    serve_widget(server, cp311=truncated)
    result = pypi_provenance.enrich(comp("acme-widget", "1.4.0"), make_ctx())
    assert result.status.status == "ok"  # two files still name their publisher
    assert "1 of 3 lookups failed" in result.status.reason
    server.route(integrity("acme-widget", "1.4.0", SDIST), Reply(body=b'{"v": "\xff"}'))
    server.route(integrity("acme-widget", "1.4.0", WHEEL), Reply.json({"version": 1}))
    junk = pypi_provenance.enrich(comp("acme-widget", "1.4.0"), make_ctx(cache=False))
    assert (junk.status.status, junk.facts) == ("error", ())
    assert "3 of 3 lookups failed" in junk.status.reason


def test_hostile_file_list(server: LoopbackServer, make_ctx: Callable[..., Context]) -> None:
    urls = [
        {"filename": "../../admin/x.tar.gz", "digests": {"sha256": ["not", "text"]}},
        "junk",
        {"filename": 5},
    ]
    server.route("/pypi/odd/1.0/json", Reply.json({"info": {}, "urls": urls}))
    result = pypi_provenance.enrich(comp("odd", "1.0"), make_ctx())
    assert (result.status.status, result.status.reason) == ("ok", "no provenance for 1 of 1 files")
    # The filename stays one quoted path segment: no traversal out of /integrity/.
    assert any(
        r.path == integrity("odd", "1.0", "..%2F..%2Fadmin%2Fx.tar.gz") for r in server.requests
    )


def test_rate_limited_provenance_is_retried(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    serve_widget(server)
    sdist = FIX / f"{SDIST}.provenance.json"
    path = integrity("acme-widget", "1.4.0", SDIST)
    server.route(path, Reply(status=429, headers={"Retry-After": "0"}), Reply.file(sdist))
    result = pypi_provenance.enrich(comp("acme-widget", "1.4.0"), make_ctx())
    assert dict(next(iter(result.facts)).attrs)["files"] == "2"
    assert server.hits(path) == 2


def test_offline_without_cache_is_offline(make_ctx: Callable[..., Context]) -> None:
    result = pypi_provenance.enrich(comp("acme-widget", "1.4.0"), make_ctx(offline=True))
    assert result.status.status == "offline"


def test_default_scan_never_imports_the_verify_extra(tmp_path: Path) -> None:
    # A fresh interpreter runs a real (loopback) enrichment without verification.
    code = f"""
import sys
from pathlib import Path
from sbom.model import Component
from scanner.net.cache import Cache
from scanner.net.endpoints import ENDPOINTS
from scanner.enrich import npm_provenance, pypi_provenance
from scanner.enrich.context import Context
from scanner.net.client import HttpClient
from tests.loopback import LoopbackServer, Reply
fix = Path({str(FIX)!r})
with LoopbackServer() as srv, HttpClient(cache=Cache({str(tmp_path / "c.sqlite")!r})) as client:
    srv.route("/pypi/acme-widget/1.4.0/json", Reply.file(fix / "acme-widget-1.4.0.json"))
    srv.route("/integrity/acme-widget/1.4.0/{SDIST}/provenance",
              Reply.file(fix / "{SDIST}.provenance.json"))
    ctx = Context(client=client, environ={{e.env: srv.base_url for e in ENDPOINTS}})
    comp = Component("pkg:pypi/acme-widget@1.4.0", "pypi", "acme-widget", "1.4.0")
    assert pypi_provenance.enrich(comp, ctx).facts
heavy = ("sigstore", "pypi_attestations", "pydantic", "cryptography", "tuf")
print(sorted(m for m in sys.modules if m.split(".")[0] in heavy))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_missing_library_skips_verification_with_reason(
    server: LoopbackServer, make_ctx: Callable[..., Context], without_sigstore: None
) -> None:
    serve_widget(server)
    result = pypi_provenance.enrich(comp("acme-widget", "1.4.0"), verifying(make_ctx()))
    publisher = next(f for f in result.facts if f.kind == "trusted-publisher")
    assert publisher.strength == "registry-asserted"
    detail = dict(publisher.attrs)["verification"]
    assert detail.startswith("skipped: pypi_attestations is not installed")
    assert "icts-scan[verify]" in detail


def test_unreachable_trust_root_fails_safe(
    server: LoopbackServer,
    make_ctx: Callable[..., Context],
    monkeypatch: pytest.MonkeyPatch,
    sigstore_home: None,
) -> None:
    class Verifier:
        @staticmethod
        def production(offline: bool = False) -> None:
            raise OSError("TUF repository unreachable")

    fake = types.SimpleNamespace(Verifier=Verifier)
    monkeypatch.setattr(verify, "_import", lambda name: fake)
    serve_widget(server)
    ctx = verifying(make_ctx())
    ctx.verify_offline = False  # the fake stands in for TUF
    result = pypi_provenance.enrich(comp("acme-widget", "1.4.0"), ctx)
    publisher = next(f for f in result.facts if f.kind == "trusted-publisher")
    assert publisher.strength == "registry-asserted"
    assert dict(publisher.attrs)["verification"] == (
        "skipped: Sigstore trust root could not be refreshed (TUF): "
        "OSError: TUF repository unreachable"
    )


# The tests below run the real pypi-attestations/sigstore code (the `verify` extra) offline,
# against the trust root that sigstore ships.
real = pytest.mark.skipif(
    not all(importlib.util.find_spec(m) for m in ("pypi_attestations", "sigstore")),
    reason="the verify extra (pypi-attestations, sigstore) is not installed",
)


@real
def test_invented_bundle_fails_verification_and_stays_registry_asserted(
    server: LoopbackServer, make_ctx: Callable[..., Context], sigstore_home: None
) -> None:
    serve_widget(server)
    result = pypi_provenance.enrich(comp("acme-widget", "1.4.0"), verifying(make_ctx()))
    assert {f.strength for f in result.facts} == {"registry-asserted"}
    publisher = next(f for f in result.facts if f.kind == "trusted-publisher")
    assert dict(publisher.attrs)["verification"].startswith("failed: ")
    assert not any(f.kind == "source-commit" for f in result.facts)


@real
@pytest.mark.parametrize(
    ("project", "filename", "publisher", "commit", "workflow"),
    [
        (
            "pypi-attestations",
            "pypi_attestations-0.0.19.tar.gz",
            "github:trailofbits/pypi-attestations",
            "08802efe1f8e5fec4ad842d6b8ce97656092ee72",
            "https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19",
        ),
        (
            "gitlab-oidc-project",
            "gitlab_oidc_project-0.0.3.tar.gz",
            "gitlab:facutuesca/gitlab-oidc-project",
            "72f7c63b75eb55ea80864962f0e645c93414da34",
            "https://gitlab.com/facutuesca/gitlab-oidc-project//.gitlab-ci.yml@refs/heads/main",
        ),
    ],
)
def test_real_attestation_verifies_and_is_signed(
    server: LoopbackServer,
    make_ctx: Callable[..., Context],
    sigstore_home: None,
    project: str,
    filename: str,
    publisher: str,
    commit: str,
    workflow: str,
) -> None:
    version = filename.rsplit("-", 1)[1].removesuffix(".tar.gz")
    server.route(f"/pypi/{project}/{version}/json", Reply.file(FIX / f"{project}-{version}.json"))
    prov = FIX / f"{filename}.provenance.json"
    server.route(integrity(project, version, filename), Reply.file(prov))
    result = pypi_provenance.enrich(comp(project, version), verifying(make_ctx()))
    facts = facts_of(result)
    assert ("trusted-publisher", publisher, "signed") in facts
    assert ("source-commit", commit, "signed") in facts
    assert ("build-workflow", workflow, "signed") in facts
    signed = next(f for f in result.facts if f.kind == "trusted-publisher")
    assert dict(signed.attrs)["verification"] == "verified"
    assert dict(signed.attrs)["runner"] in ("github-hosted", "gitlab-hosted")


@real
def test_digest_mismatch_is_not_signed(
    server: LoopbackServer, make_ctx: Callable[..., Context], sigstore_home: None
) -> None:
    doc = json.loads((FIX / "pypi-attestations-0.0.19.json").read_text())
    doc["urls"][0]["digests"]["sha256"] = "0" * 64  # PyPI serves other bytes than were signed
    server.route("/pypi/pypi-attestations/0.0.19/json", Reply.json(doc))
    filename = "pypi_attestations-0.0.19.tar.gz"
    prov = FIX / f"{filename}.provenance.json"
    server.route(integrity("pypi-attestations", "0.0.19", filename), Reply.file(prov))
    result = pypi_provenance.enrich(comp("pypi-attestations", "0.0.19"), verifying(make_ctx()))
    publisher = next(f for f in result.facts if f.kind == "trusted-publisher")
    assert publisher.strength == "registry-asserted"
    assert "digest" in dict(publisher.attrs)["verification"]


@real
def test_tampered_signature_is_not_signed(
    server: LoopbackServer, make_ctx: Callable[..., Context], sigstore_home: None
) -> None:
    filename = "pypi_attestations-0.0.19.tar.gz"
    prov = json.loads((FIX / f"{filename}.provenance.json").read_text())
    envelope = prov["attestation_bundles"][0]["attestations"][0]["envelope"]
    envelope["signature"] = envelope["signature"][:-8] + "AAAAAAA="
    server.route(
        "/pypi/pypi-attestations/0.0.19/json", Reply.file(FIX / "pypi-attestations-0.0.19.json")
    )
    server.route(integrity("pypi-attestations", "0.0.19", filename), Reply.json(prov))
    result = pypi_provenance.enrich(comp("pypi-attestations", "0.0.19"), verifying(make_ctx()))
    assert {f.strength for f in result.facts} == {"registry-asserted"}
