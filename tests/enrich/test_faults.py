"""One fault matrix: every network source × every failure a server can serve, never clean."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from sbom.model import Component
from scanner.enrich.context import Context
from scanner.enrich.model import Fact, SourceResult
from scanner.enrich.sources import ENRICHERS, LATER
from scanner.net.cache import Cache
from scanner.net.client import HttpClient
from scanner.net.endpoints import ENDPOINTS
from tests.enrich import test_codehost as gh
from tests.enrich import test_codehost_gitee as gitee
from tests.enrich import test_crates as crates_t
from tests.enrich import test_depsdev as depsdev_t
from tests.enrich import test_golang as golang_t
from tests.enrich import test_maven as maven_t
from tests.enrich import test_npm as npm_t
from tests.enrich import test_npm_provenance as npm_prov_t
from tests.enrich import test_nuget as nuget_t
from tests.enrich import test_packagist as packagist_t
from tests.enrich import test_pypi as pypi_t
from tests.enrich import test_pypi_provenance as pypi_prov_t
from tests.enrich import test_rubygems as rubygems_t
from tests.enrich.conftest import FAST
from tests.loopback import LoopbackServer, Reply

SOURCES: dict[str, Any] = {e.NAME: e for e in (*ENRICHERS, *LATER)}
# Sources that read only the scanned tree: no server to fault.
LOCAL = {"local", "git", "github-actions"}
# Short limits so that a timeout costs a fraction of a second and "oversized" is 1 MiB.
SETTINGS = replace(FAST, read_timeout=0.3, retries=1, max_bytes=256 * 1024)


@dataclass(frozen=True)
class Case:
    """One source: a component, the documents it reads, and the one whose answer is faulted."""

    source: Any
    component: Component
    target: str
    good: Callable[[LoopbackServer], Reply]  # the target's recorded answer
    serve: Callable[[LoopbackServer], None] = lambda server: None  # every other document
    prior: tuple[Fact, ...] = ()  # what phase 1 found (code hosts follow it)
    env: Callable[[LoopbackServer], dict[str, str]] = lambda server: {}

    def recorded(self, server: LoopbackServer) -> None:
        """Every document answered as recorded."""
        self.serve(server)
        server.route(self.target, self.good(server))

    def run(self, ctx: Context) -> SourceResult:
        if self.prior:
            return self.source.enrich_with(self.component, ctx, self.prior)  # type: ignore[no-any-return]
        return self.source.enrich(self.component, ctx)  # type: ignore[no-any-return]


def _file(path: Path, content_type: str = "application/json") -> Callable[[LoopbackServer], Reply]:
    return lambda server: Reply.file(path, content_type)


GITLAB = "/projects/acme-group%2Ftools%2Fwidget"


def _gitlab_groups(server: LoopbackServer) -> None:
    for group in ("acme-group", "upstream-org"):
        server.route(f"/groups/{group}", Reply.file(gh.GL / f"group-{group}.json"))


_glw, _glw_prior = gh.pypi_with_repo("glw", "https://gitlab.com/acme-group/tools/widget")
_gtw, _gtw_prior = gitee.with_repo("w", "https://gitee.com/acme-oss/widget")

CASES: dict[str, Case] = {
    "npm": Case(SOURCES["npm"], npm_t.widget("1.2.3"), "/@acme%2Fwidget", _file(npm_t.PACKUMENT)),
    "npm-provenance": Case(
        SOURCES["npm-provenance"],
        npm_prov_t.pkg("@playwright/cli", "0.1.1"),
        npm_prov_t.CLI_ATT,
        _file(npm_prov_t.FIX / "@playwright%2fcli@0.1.1.attestations.json"),
        npm_prov_t.serve,
    ),
    "pypi": Case(SOURCES["pypi"], pypi_t.widget(), pypi_t.PATH, _file(pypi_t.DOC)),
    "pypi-provenance": Case(
        SOURCES["pypi-provenance"],
        pypi_prov_t.comp("acme-widget", "1.4.0"),
        "/pypi/acme-widget/1.4.0/json",
        _file(pypi_prov_t.DOC),
        pypi_prov_t.serve_widget,
    ),
    "crates": Case(
        SOURCES["crates"],
        crates_t.crate("0.4.2"),
        crates_t.V042,
        _file(crates_t.HERE / "examplecrate-0.4.2.json"),
        crates_t.serve,
    ),
    "rubygems": Case(
        SOURCES["rubygems"],
        rubygems_t.gem("3.1.0"),
        rubygems_t.VERSION,
        _file(rubygems_t.HERE / "examplegem-3.1.0.json"),
        rubygems_t.serve,
    ),
    "nuget": Case(
        SOURCES["nuget"],
        nuget_t.package("Example.Widget", "2.0.1"),
        nuget_t.REG,
        lambda server: nuget_t.local(server, "registration-example.widget.json"),
        nuget_t.serve,
        env=lambda server: {"ICTS_SCAN_NUGET_URL": server.url(nuget_t.INDEX)},
    ),
    "packagist": Case(
        SOURCES["packagist"],
        packagist_t.widget("v2.1.0"),
        packagist_t.P2,
        _file(packagist_t.HERE / "acme-widget.p2.json"),
        packagist_t.serve,
    ),
    "maven": Case(
        SOURCES["maven"],
        maven_t.artifact("org.example:gadget", "2.0"),
        maven_t.GADGET,
        _file(maven_t.POMS / "gadget-2.0.pom", "text/xml"),
    ),
    "golang": Case(
        SOURCES["golang"],
        golang_t.module("k8s.example.invalid/client", "v0.31.2"),
        golang_t.CLIENT_INFO,
        _file(golang_t.GO / "client-v0.31.2.info"),
        # Vanity lookups, where a fault leads to one, go to the loopback server, never out.
        env=lambda server: {SOURCES["golang"].GOGET_ENV: server.base_url},
    ),
    "depsdev": Case(
        SOURCES["depsdev"],
        depsdev_t.widget(),
        depsdev_t.NPM,
        _file(depsdev_t.DD / "npm-acme-widget-1.2.3.json"),
    ),
    "github": Case(
        SOURCES["codehost"],
        gh.action("acme", "widget"),
        "/repos/acme/widget",
        _file(gh.GH / "repo-acme-widget.json"),
        gh.route_acme,
    ),
    "gitlab": Case(
        SOURCES["codehost"],
        _glw,
        GITLAB,
        _file(gh.GL / "project-acme-group-widget.json"),
        lambda server: _gitlab_groups(server),
        _glw_prior,
    ),
    "gitee": Case(
        SOURCES["codehost"],
        _gtw,
        "/repos/acme-oss/widget",
        _file(gitee.HERE / "repo-acme-oss-widget.json"),
        gitee.route_acme,
        _gtw_prior,
    ),
}


@dataclass(frozen=True)
class Failure:
    """What the server does, and what the source must then report."""

    replies: Callable[[Reply], tuple[Reply, ...]]  # given the recorded answer
    status: str
    reason: str = ""
    hits: int | None = None
    facts: bool = False  # whether the source still has facts (only after a recovery)


HTML = b"<html><body>Sign in to the proxy</body></html>"
FAILURES: dict[str, Failure] = {
    "timeout": Failure(lambda good: (replace(good, delay=1.0),), "error", "timeout"),
    "404": Failure(lambda good: (Reply(404, b'{"message": "Not Found"}'),), "not-found", "404"),
    "410": Failure(lambda good: (Reply(410, b"Gone"),), "not-found", "410"),
    "429-retry-after": Failure(
        lambda good: (Reply(429, headers={"Retry-After": "0"}), good), "ok", hits=2, facts=True
    ),
    "500": Failure(lambda good: (Reply(500),), "error", "500"),
    "truncated": Failure(lambda good: (replace(good, fault="truncate"),), "error", "truncated"),
    "cut-body": Failure(
        lambda good: (replace(good, body=good.body[: len(good.body) // 2]),), "error"
    ),
    "bad-utf8": Failure(lambda good: (Reply(body=b'{"name": "\xff\xfe"}'),), "error"),
    "wrong-content-type": Failure(
        lambda good: (Reply(body=HTML, headers={"Content-Type": "text/html"}),), "error"
    ),
    "wrong-shape": Failure(lambda good: (Reply.json(["not", "an", "object"]),), "error"),
    "oversized": Failure(lambda good: (Reply(stream_size=1024 * 1024),), "error", "too large"),
    "redirect-off-host": Failure(
        lambda good: (Reply.redirect("http://mirror.example.invalid/x"),), "error", "another host"
    ),
}


@pytest.fixture
def fault_ctx(server: LoopbackServer, tmp_path: Path) -> Iterator[Callable[..., Context]]:
    """Contexts on the loopback server; `cache` names the cache file, `offline` keeps off it."""
    clients: list[HttpClient] = []

    def build(case: Case, offline: bool = False, cache: str = "cache.sqlite") -> Context:
        settings = replace(SETTINGS, offline=offline)
        client = HttpClient(settings, Cache(tmp_path / cache))
        clients.append(client)
        environ = {e.env: server.base_url for e in ENDPOINTS}
        return Context(client=client, environ={**environ, **case.env(server)}, offline=offline)

    yield build
    for client in clients:
        client.close()


@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("source", CASES)
def test_fault_is_unknown_never_clean(
    server: LoopbackServer, fault_ctx: Callable[..., Context], source: str, failure: str
) -> None:
    case, fault = CASES[source], FAILURES[failure]
    case.serve(server)
    server.route(case.target, *fault.replies(case.good(server)))
    result = case.run(fault_ctx(case))
    assert result.status.status == fault.status, result.status
    assert fault.reason in result.status.reason, result.status
    assert bool(result.facts) == fault.facts
    if fault.hits is not None:
        assert server.hits(case.target) == fault.hits


@pytest.mark.parametrize("source", CASES)
def test_the_recorded_answer_is_ok(
    server: LoopbackServer, fault_ctx: Callable[..., Context], source: str
) -> None:
    """The matrix faults documents that, answered as recorded, give facts."""
    case = CASES[source]
    case.recorded(server)
    result = case.run(fault_ctx(case))
    assert result.status.status == "ok" and result.facts, result.status


def test_every_network_source_is_in_the_matrix() -> None:
    matrix = {c.source.NAME for c in CASES.values()}
    assert matrix == set(SOURCES) - LOCAL


@pytest.mark.parametrize("source", CASES)
def test_offline_answers_from_the_cache_only(
    server: LoopbackServer, fault_ctx: Callable[..., Context], source: str
) -> None:
    case = CASES[source]
    case.recorded(server)
    online = case.run(fault_ctx(case))
    asked = len(server.requests)
    again = case.run(fault_ctx(case, offline=True))
    assert again.status.status == "ok" and again.facts == online.facts
    missing = case.run(fault_ctx(case, offline=True, cache="empty.sqlite"))
    assert (missing.status.status, missing.facts) == ("offline", ())
    assert len(server.requests) == asked


# Sources that read a second document: its failure keeps the first one's facts, but the
# answer is partial, never "ok".
PARTIAL: dict[str, tuple[str, str, str]] = {
    "crates": (crates_t.OWNERS, "partial: owners: HTTP 500", "publisher-account"),
    "rubygems": (rubygems_t.OWNERS, "partial: owners: HTTP 500", "author-name"),
    "packagist": (packagist_t.API, "partial: maintainers: HTTP 500", "author-name"),
    "github": ("/orgs/acme", "github:acme profile: HTTP 500", "host-owner"),
    "gitee": ("/orgs/acme-oss", "gitee:acme-oss profile: HTTP 500", "host-owner"),
}


@pytest.mark.parametrize("source", PARTIAL)
def test_a_failed_second_document_leaves_a_partial_answer(
    server: LoopbackServer, fault_ctx: Callable[..., Context], source: str
) -> None:
    case, (path, reason, kept) = CASES[source], PARTIAL[source]
    case.recorded(server)
    server.route(path, Reply(500))
    result = case.run(fault_ctx(case))
    assert result.status.status == "error" and reason in result.status.reason, result.status
    assert kept in {f.kind for f in result.facts}
