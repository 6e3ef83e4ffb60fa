"""Code-host source on Gitee: namespaces, forks, profiles, failures, rate limits, tokens."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from sbom import purl
from sbom.model import Component
from scanner.enrich import codehost
from scanner.enrich.context import Context
from scanner.enrich.model import Fact, SourceResult
from tests.enrich.conftest import ENRICH_FIXTURES
from tests.loopback import LoopbackServer, Reply

HERE = ENRICH_FIXTURES / "codehost" / "gitee"
TOKEN = "5f3c" + "a1b2c3d4" * 3 + "e5f6a7b8"  # invented
QUOTA = b'{"message": "API rate limit exceeded for 127.0.0.1."}'


def with_repo(name: str, repository: str) -> tuple[Component, tuple[Fact, ...]]:
    comp = Component(purl.pypi(name, "1.0"), "pypi", name, "1.0")
    field = "info.project_urls.Source"
    prior = Fact(comp.purl, "repository", repository, field, "pypi", None, "", "self-declared")
    return comp, (prior,)


def facts_of(result: SourceResult) -> set[tuple[str, str, str, str | None]]:
    return {(f.kind, f.value, f.strength, f.subject) for f in result.facts}


def route_acme(server: LoopbackServer) -> None:
    server.route("/repos/acme-oss/widget", Reply.file(HERE / "repo-acme-oss-widget.json"))
    server.route("/orgs/acme-oss", Reply.file(HERE / "org-acme-oss.json"))


def test_organization_repository(server: LoopbackServer, make_ctx: Callable[..., Context]) -> None:
    route_acme(server)
    comp, prior = with_repo("w", "https://gitee.com/acme-oss/widget.git")
    result = codehost.enrich_with(comp, make_ctx(), prior)
    assert result.status.status == "ok"
    assert result.status.url == server.url("/repos/acme-oss/widget")
    facts = facts_of(result)
    subject = "gitee:acme-oss"
    assert ("host-owner", subject, "registry-asserted", subject) in facts
    assert ("host-owner-type", "Organization", "registry-asserted", subject) in facts
    for kind, value in (
        ("host-org-name", "Acme Widgets Ltd"),
        ("host-org-email", "oss@acme.example.invalid"),
        ("host-location", "Springfield"),
    ):
        assert (kind, value, "self-declared", subject) in facts
    owner = next(f for f in result.facts if f.kind == "host-owner")
    assert owner.field == "namespace.path" and owner.url == server.url("/repos/acme-oss/widget")
    assert dict(owner.attrs) == {
        "type": "Organization",
        "namespace_type": "group",
        "repository": "gitee.com/acme-oss/widget",
    }
    owner_type = next(f for f in result.facts if f.kind == "host-owner-type")
    assert owner_type.field == "namespace.type"
    location = next(f for f in result.facts if f.kind == "host-location")
    assert location.url == server.url("/orgs/acme-oss") and location.field == "location"
    # The repository's `owner` is the user who created it, not the owning organization.
    assert not any("acme-admin" in f.value for f in result.facts)
    assert server.hits("/users/acme-admin") == 0
    assert all(f.source == "codehost" and f.retrieved.endswith("Z") for f in result.facts)


def test_user_fork_names_the_parent_organization(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    route_acme(server)
    server.route("/repos/lone-dev/widget", Reply.file(HERE / "repo-lone-dev-widget.json"))
    server.route("/users/lone-dev", Reply.file(HERE / "user-lone-dev.json"))
    comp, prior = with_repo("w", "https://gitee.com/Lone-Dev/widget")
    result = codehost.enrich_with(comp, make_ctx(), prior)
    assert result.status.status == "ok"
    owners = {f.value: f for f in result.facts if f.kind == "host-owner"}
    assert set(owners) == {"gitee:lone-dev", "gitee:acme-oss"}
    assert dict(owners["gitee:lone-dev"].attrs) == {
        "type": "User",
        "namespace_type": "personal",
        "repository": "gitee.com/lone-dev/widget",
        "fork_of": "gitee.com/acme-oss/widget",
    }
    assert dict(owners["gitee:acme-oss"].attrs) == {
        "type": "Organization",
        "namespace_type": "group",
        "repository": "gitee.com/acme-oss/widget",
        "role": "fork-parent",
    }
    assert owners["gitee:acme-oss"].field == "parent.namespace.path"
    facts = facts_of(result)
    user = "gitee:lone-dev"
    assert ("host-owner-type", "User", "registry-asserted", user) in facts
    assert ("host-company", "Example Works", "self-declared", user) in facts
    assert ("host-org-blog", "https://lone.example.invalid", "self-declared", user) in facts
    assert ("host-org-name", "Acme Widgets Ltd", "self-declared", "gitee:acme-oss") in facts
    # Nothing is read from the person's name, bio or profession; no org-only kinds for a user.
    kinds = {f.kind for f in result.facts if f.subject == user}
    assert not kinds & {"host-org-name", "host-org-email", "host-location"}
    assert all("Invented" not in f.value for f in result.facts)
    assert server.hits("/orgs/acme-oss") == 1 and server.hits("/users/lone-dev") == 1


def test_enterprise_namespace_is_an_organization(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    server.route("/repos/bigco/sdk", Reply.file(HERE / "repo-bigco-sdk.json"))
    module = "gitee.com/bigco/sdk"  # a Go module on Gitee names its repository itself
    comp = Component(purl.golang(module, "v1.2.0"), "golang", module, "v1.2.0")
    result = codehost.enrich(comp, make_ctx())
    assert result.status.status == "ok"
    facts = facts_of(result)
    subject = "gitee:bigco"
    assert ("host-owner-type", "Organization", "registry-asserted", subject) in facts
    owner = next(f for f in result.facts if f.kind == "host-owner")
    assert dict(owner.attrs)["namespace_type"] == "enterprise"
    # The enterprise's name as the repository document states it; no members-only API is asked.
    name = next(f for f in result.facts if f.kind == "host-org-name")
    assert (name.value, name.field) == ("BigCo Software", "namespace.name")
    assert name.strength == "self-declared" and dict(name.attrs) == {"type": "Organization"}
    assert name.url == server.url("/repos/bigco/sdk")
    assert [s.path for s in server.requests] == ["/repos/bigco/sdk"]


def test_unknown_namespace_type_is_not_guessed(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    body = {"full_name": "odd/thing", "fork": False, "namespace": {"path": "odd", "type": "?"}}
    server.route("/repos/odd/thing", Reply.json(body))
    comp, prior = with_repo("o", "https://gitee.com/odd/thing")
    result = codehost.enrich_with(comp, make_ctx(), prior)
    assert result.status.status == "skipped" and "unknown namespace type" in result.status.reason
    assert ("host-owner-type", "unknown", "registry-asserted", "gitee:odd") in facts_of(result)
    assert [s.path for s in server.requests] == ["/repos/odd/thing"]


def test_server_error_and_hostile_bodies(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    server.route("/repos/acme-oss/five", Reply(status=500))
    cut = Reply.file(HERE / "repo-acme-oss-widget.json", fault="truncate")
    server.route("/repos/acme-oss/short", cut)
    server.route("/repos/acme-oss/list", Reply.json([1, 2]))
    server.route("/repos/acme-oss/evil", Reply.json({"namespace": {"path": "../../admin"}}))
    ctx = make_ctx()
    reasons = {}
    for repo in ("five", "short", "list", "evil"):
        comp, prior = with_repo(repo, f"https://gitee.com/acme-oss/{repo}")
        result = codehost.enrich_with(comp, ctx, prior)
        assert (result.status.status, result.facts) == ("error", ()), repo
        reasons[repo] = result.status.reason
    assert "500" in reasons["five"]
    assert "truncated" in reasons["short"]
    assert "JSON object" in reasons["list"]
    assert "namespace" in reasons["evil"]
    assert not any("admin" in s.path for s in server.requests)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(status=403, body=QUOTA, headers={"Content-Type": "application/json"}),
        Reply(status=429, headers={"Retry-After": "3600"}),
    ],
    ids=["quota-403", "429-long-retry-after"],
)
def test_rate_limit_then_later_repositories_are_skipped(
    server: LoopbackServer, make_ctx: Callable[..., Context], reply: Reply
) -> None:
    server.route("/repos/acme-oss/widget", reply)
    ctx = make_ctx()
    comp, prior = with_repo("w", "https://gitee.com/acme-oss/widget")
    first = codehost.enrich_with(comp, ctx, prior)
    assert first.status.status == "rate-limited"
    assert first.status.reason.startswith("rate limited (set GITEE_TOKEN)")
    comp, prior = with_repo("x", "https://gitee.com/other/repo")
    later = codehost.enrich_with(comp, ctx, prior)
    # The host is paused for every source: later lookups fail fast, unasked.
    assert later.status.status == "rate-limited" and "rate limited" in later.status.reason
    assert server.hits("/repos/other/repo") == 0
    assert server.hits("/repos/acme-oss/widget") == 1


def test_token_is_sent_in_a_header_and_never_recorded(
    server: LoopbackServer, make_ctx: Callable[..., Context], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    route_acme(server)
    server.route("/repos/acme-oss/five", Reply(status=500))
    away = f"http://elsewhere.invalid/x?access_token={TOKEN}"
    server.route("/repos/acme-oss/away", Reply.redirect(away))
    server.route("/repos/acme-oss/quota", Reply(status=403, body=QUOTA))
    ctx = make_ctx(GITEE_TOKEN=TOKEN)
    results = []
    for repo in ("widget", "five", "away", "quota"):
        comp, prior = with_repo(repo, f"https://gitee.com/acme-oss/{repo}")
        results.append(codehost.enrich_with(comp, ctx, prior))
    assert results[0].status.status == "ok"
    assert [r.status.status for r in results[1:]] == ["error", "error", "rate-limited"]
    assert "redirect to another host refused" in results[2].status.reason
    # With a token the hint to set one is not given.
    assert results[3].status.reason.startswith("rate limited: ")
    # The token travels in a header, never in the URL (which the cache and logs keep).
    assert all(s.headers.get("authorization") == f"Bearer {TOKEN}" for s in server.requests)
    assert not any(TOKEN in s.path or "access_token" in s.path for s in server.requests)
    texts = [caplog.text] + [repr(r) for r in results]
    assert not [t for t in texts if TOKEN in t or TOKEN[4:] in t]
