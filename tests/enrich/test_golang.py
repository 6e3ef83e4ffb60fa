"""golang source: module paths on known hosts, proxy Origin, go-import meta, redirects, failures."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sbom import purl
from sbom.model import Component, Location
from scanner.enrich import golang
from scanner.enrich.context import Context
from scanner.enrich.model import SourceResult
from tests.enrich.conftest import ENRICH_FIXTURES, through_runner
from tests.loopback import LoopbackServer, Reply

GO = ENRICH_FIXTURES / "golang"
EXAMPLEMOD_INFO = "/github.com/!example!org/examplemod/@v/v1.6.0.info"
KIT_INFO = "/go.example.invalid/kit/@v/v0.3.0.info"
KIT_PAGE = "/go.example.invalid/kit"
CLIENT_INFO = "/k8s.example.invalid/client/@v/v0.31.2.info"


def module(path: str, version: str | None, **kw: object) -> Component:
    return Component(purl.golang(path, version), "golang", path, version, **kw)  # type: ignore[arg-type]


def go_ctx(server: LoopbackServer, make_ctx: Callable[..., Context], **kw: bool) -> Context:
    return make_ctx(**kw, **{golang.GOGET_ENV: server.base_url})


def facts_of(result: SourceResult) -> set[tuple[str, str, str]]:
    return {(f.kind, f.value, f.strength) for f in result.facts}


def test_known_host_and_origin(server: LoopbackServer, make_ctx: Callable[..., Context]) -> None:
    server.route(EXAMPLEMOD_INFO, Reply.file(GO / "examplemod-v1.6.0.info"))
    comp = module("github.com/ExampleOrg/examplemod", "v1.6.0", locations=(Location("go.mod", 5),))
    result = golang.enrich(comp, go_ctx(server, make_ctx))
    assert result.status.status == "ok" and result.status.reason == ""
    facts = facts_of(result)
    assert ("repository", "https://github.com/ExampleOrg/examplemod", "registry-asserted") in facts
    commit = next(f for f in result.facts if f.kind == "source-commit")
    assert commit.value == "52534926c55b4cd85b05aee90569dd0668b8cf30"
    assert commit.strength == "registry-asserted" and commit.field == "Origin.Hash"
    assert dict(commit.attrs) == {"ref": "refs/tags/v1.6.0", "vcs": "git"}
    assert commit.url == server.url(EXAMPLEMOD_INFO)
    by_path = next(f for f in result.facts if f.field == "module path")
    assert dict(by_path.attrs) == {"basis": "module-path"} and by_path.url == "go.mod"
    # A known host needs no vanity lookup.
    assert [s.path for s in server.requests] == [EXAMPLEMOD_INFO]


def test_known_host_survives_a_missing_info(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    server.route("/gitee.com/owner/repo/v3/@v/v3.0.1.info", Reply(status=404))
    result = golang.enrich(module("gitee.com/owner/repo/v3", "v3.0.1"), go_ctx(server, make_ctx))
    assert result.status.status == "ok" and "404" in result.status.reason
    assert facts_of(result) == {("repository", "https://gitee.com/owner/repo", "registry-asserted")}


def test_vanity_path_with_origin_skips_go_get(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    server.route(CLIENT_INFO, Reply.file(GO / "client-v0.31.2.info"))
    result = golang.enrich(
        module("k8s.example.invalid/client", "v0.31.2"), go_ctx(server, make_ctx)
    )
    repo = next(f for f in result.facts if f.kind == "repository")
    assert (repo.value, repo.strength) == (
        "https://github.com/example-vanity/client",
        "registry-asserted",
    )
    assert dict(repo.attrs)["subdir"] == "staging/client"
    assert server.hits("/k8s.example.invalid/client?go-get=1") == 0


def test_vanity_path_without_origin_reads_go_import(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    server.route(KIT_INFO, Reply.file(GO / "kit-v0.3.0.info"))
    server.route(KIT_PAGE, Reply.file(GO / "kit-go-get.html", content_type="text/html"))
    result = golang.enrich(module("go.example.invalid/kit/v2", "v0.3.0"), go_ctx(server, make_ctx))
    assert result.status.status == "not-found"  # kit/v2 has no .info route: 404 from the proxy
    result = golang.enrich(module("go.example.invalid/kit", "v0.3.0"), go_ctx(server, make_ctx))
    assert result.status.status == "ok"
    # The matching head tag wins; the one in <body> and the other prefix are ignored.
    assert facts_of(result) == {
        ("repository", "https://github.com/examplekit/kit", "self-declared")
    }
    fact = result.facts[0]
    assert dict(fact.attrs) == {
        "basis": "go-import",
        "prefix": "go.example.invalid/kit",
        "vcs": "git",
    }
    assert fact.url == server.url(KIT_PAGE + "?go-get=1")


def test_go_get_redirects(server: LoopbackServer, make_ctx: Callable[..., Context]) -> None:
    ctx = go_ctx(server, make_ctx)
    other = f"http://localhost:{server.port}/go.example.invalid/kit?go-get=1"
    server.route("/evil.example.invalid/mod", Reply.redirect(other))
    refused = golang.enrich(module("evil.example.invalid/mod", None), ctx)
    assert refused.status.status == "error" and "another host" in refused.status.reason
    assert refused.facts == ()
    # Same host: followed.
    server.route("/moved.example.invalid/kit", Reply.redirect("/go.example.invalid/kit?go-get=1"))
    server.route(KIT_PAGE, Reply.file(GO / "kit-go-get.html", content_type="text/html"))
    page = golang.enrich(module("moved.example.invalid/kit", None), ctx)
    # The page's tags are for go.example.invalid/kit, not for this path: no mapping.
    assert page.status.status == "not-found" and "no go-import" in page.status.reason


def test_go_import_edge_cases(server: LoopbackServer, make_ctx: Callable[..., Context]) -> None:
    ctx = go_ctx(server, make_ctx)
    two = b"""<head><meta name="go-import" content="a.example.invalid/m git https://x.invalid/1">
    <meta name="go-import" content="a.example.invalid/m git https://x.invalid/2"></head>"""
    server.route("/a.example.invalid/m", Reply(body=two, headers={"Content-Type": "text/html"}))
    assert "several" in golang.enrich(module("a.example.invalid/m", None), ctx).status.reason
    mod = b"""<meta name='go-import' content='b.example.invalid/m mod https://proxy.example.invalid'>"""
    server.route("/b.example.invalid/m", Reply(body=mod))
    proxied = golang.enrich(module("b.example.invalid/m", None), ctx)
    assert proxied.status.status == "not-found" and "module proxy" in proxied.status.reason
    server.route("/c.example.invalid/m", Reply(body=b"\xff\xfe<meta name=go-import\x00"))
    assert golang.enrich(module("c.example.invalid/m", None), ctx).status.status == "not-found"
    entity = (
        b"""<meta name="go-import" content="d.example.invalid/m&#32;git&#32;https://x.invalid/d">"""
    )
    server.route("/d.example.invalid/m/sub", Reply(body=entity))  # a package below the prefix
    unescaped = golang.enrich(module("d.example.invalid/m/sub", None), ctx)
    assert facts_of(unescaped) == {("repository", "https://x.invalid/d", "self-declared")}


def test_refusals_and_not_applicable(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    ctx = go_ctx(server, make_ctx)
    replaced = module("example.invalid/lib", None, source_kind="path", source_url="../lib")
    assert golang.enrich(replaced, ctx).status.status == "not-applicable"
    for bad in ("notamodule", "example.invalid/../x", "EXAMPLE.invalid/x"):
        assert golang.enrich(module(bad, "v1.0.0"), ctx).status.status == "error", bad
    ip = golang.enrich(module("10.0.0.1/internal/mod", None), ctx)
    assert ip.status.status == "error" and "IP address" in ip.status.reason
    assert server.requests == []


def test_offline(server: LoopbackServer, make_ctx: Callable[..., Context]) -> None:
    offline = go_ctx(server, make_ctx, offline=True)
    known = golang.enrich(module("github.com/acme/tool", "v1.0.0"), offline)
    # The module path alone still names the repository; the proxy part says it was not asked.
    assert known.status.status == "ok" and known.status.reason.startswith("offline")
    vanity = golang.enrich(module("go.example.invalid/kit", "v0.3.0"), offline)
    assert vanity.status.status == "offline" and vanity.facts == ()
    assert server.requests == []


def test_derived_paths() -> None:
    assert golang.derived("github.com/o/r/v2/pkg") == ("https://github.com/o/r", "module-path")
    assert golang.derived("gitlab.com/group/project/v3") == (
        "https://gitlab.com/group/project",
        "module-path",
    )
    assert golang.derived("gitlab.com/group/sub/project") is None  # subgroup or package: ambiguous
    assert golang.derived("golang.org/x/text") == (
        "https://go.googlesource.com/text",
        "known-vanity",
    )
    assert golang.derived("bitbucket.org/o") is None
    assert golang.escape("github.com/BurntSushi/toml") == "github.com/!burnt!sushi/toml"


def test_a_bug_becomes_an_error_status(
    make_ctx: Callable[..., Context], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(golang, "derived", lambda path: 1 / 0)
    result = through_runner(golang, module("github.com/acme/tool", None), make_ctx())
    assert result.status.status == "error" and "ZeroDivisionError" in result.status.reason


def test_no_go_get_to_a_host_only_the_tree_names(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    # Without ICTS_SCAN_GOGET_URL a vanity lookup goes to the host in go.mod: only for a version
    # the proxy knows (it fetched it from there already), never for one nobody has heard of.
    ctx = make_ctx()
    result = golang.enrich(module("go.example.invalid/private", "v9.9.9"), ctx)
    assert result.status.status == "not-found" and "go-import not asked" in result.status.reason
    assert ctx.client.stats["network"] == 1  # the proxy's .info, nothing else
    assert [s.path for s in server.requests] == ["/go.example.invalid/private/@v/v9.9.9.info"]
