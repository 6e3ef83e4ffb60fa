"""Code-host source: repository owners, fork parents, owner profiles, phase 2, failures, tokens."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace

import pytest

from sbom import purl
from sbom.model import Component, Inventory
from scanner.enrich import codehost, npm
from scanner.enrich.context import Context
from scanner.enrich.model import Fact, SourceResult
from scanner.enrich.run import enrich
from scanner.net.endpoints import endpoint
from tests.enrich.conftest import ENRICH_FIXTURES
from tests.loopback import LoopbackServer, Reply

HERE = ENRICH_FIXTURES / "codehost"
GH, GL = HERE / "github", HERE / "gitlab"
PACKUMENT = ENRICH_FIXTURES / "npm" / "@acme%2fwidget.json"
TOKEN = "ghp_" + "T0kenValue" * 4
# The quota resets in an hour: longer than a scan waits, so the host is paused for the scan.
RESET = str(int(time.time()) + 3600)
RATE_LIMITED = {"x-ratelimit-limit": "60", "x-ratelimit-remaining": "0", "x-ratelimit-reset": RESET}


def action(owner: str, repo: str) -> Component:
    ref = f"{owner}/{repo}"
    return Component(
        purl.purl("github", repo, "v1", namespace=owner),
        "github",
        ref,
        "v1",
        source_kind="vcs",
        source_url=f"git+https://github.com/{ref}@v1",
    )


def pypi_with_repo(name: str, repository: str) -> tuple[Component, tuple[Fact, ...]]:
    comp = Component(purl.pypi(name, "1.0"), "pypi", name, "1.0")
    prior = Fact(
        comp.purl,
        "repository",
        repository,
        "info.project_urls.Source",
        "pypi",
        None,
        "",
        "self-declared",
    )
    return comp, (prior,)


def facts_of(result: SourceResult) -> set[tuple[str, str, str, str | None]]:
    return {(f.kind, f.value, f.strength, f.subject) for f in result.facts}


def route_acme(server: LoopbackServer) -> None:
    server.route("/repos/acme/widget", Reply.file(GH / "repo-acme-widget.json"))
    server.route("/orgs/acme", Reply.file(GH / "org-acme.json"))


def test_org_owned_repository(server: LoopbackServer, make_ctx: Callable[..., Context]) -> None:
    route_acme(server)
    result = codehost.enrich(action("acme", "widget"), make_ctx())
    assert result.status.status == "ok"
    assert result.status.url == server.url("/repos/acme/widget")
    facts = facts_of(result)
    assert ("host-owner", "github:acme", "registry-asserted", "github:acme") in facts
    assert ("host-owner-type", "Organization", "registry-asserted", "github:acme") in facts
    for kind, value in (
        ("host-org-name", "Acme Widgets Ltd"),
        ("host-org-blog", "https://acme.example.invalid"),
        ("host-org-email", "oss@acme.example.invalid"),
        ("host-location", "Springfield"),
    ):
        assert (kind, value, "self-declared", "github:acme") in facts
    owner = next(f for f in result.facts if f.kind == "host-owner")
    assert owner.field == "owner.login"
    assert dict(owner.attrs) == {"type": "Organization", "repository": "github.com/acme/widget"}
    assert owner.retrieved.endswith("Z")
    location = next(f for f in result.facts if f.kind == "host-location")
    assert location.url == server.url("/orgs/acme") and location.field == "location"
    assert dict(location.attrs) == {"type": "Organization", "is_verified": "true"}
    assert all(f.source == "codehost" for f in result.facts)


def test_user_owned_go_module(server: LoopbackServer, make_ctx: Callable[..., Context]) -> None:
    server.route("/repos/lone-dev/tool", Reply.file(GH / "repo-lone-dev-tool.json"))
    server.route("/users/lone-dev", Reply.file(GH / "user-lone-dev.json"))
    module = "github.com/Lone-Dev/tool/v2"
    comp = Component(purl.golang(module, "v2.0.0"), "golang", module, "v2.0.0")
    result = codehost.enrich(comp, make_ctx())
    assert result.status.status == "ok"
    facts = facts_of(result)
    subject = "github:lone-dev"
    assert ("host-owner", subject, "registry-asserted", subject) in facts
    assert ("host-owner-type", "User", "registry-asserted", subject) in facts
    assert ("host-company", "@example-corp", "self-declared", subject) in facts
    assert ("host-location", "Shelbyville", "self-declared", subject) in facts
    assert ("host-org-blog", "https://lone.example.invalid", "self-declared", subject) in facts
    # Nothing is read from the person's name or bio, and no org-only kinds for a user.
    assert not {f.kind for f in result.facts} & {"host-org-name", "host-org-email"}
    assert all("Invented" not in f.value for f in result.facts)


def test_fork_also_names_the_parent_owner(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    route_acme(server)
    server.route("/repos/forker/widget", Reply.file(GH / "repo-forker-widget.json"))
    server.route("/users/forker", Reply.file(GH / "user-forker.json"))
    result = codehost.enrich(action("forker", "widget"), make_ctx())
    assert result.status.status == "ok"
    owners = {f.value: f for f in result.facts if f.kind == "host-owner"}
    assert set(owners) == {"github:forker", "github:acme"}
    assert dict(owners["github:forker"].attrs) == {
        "type": "User",
        "repository": "github.com/forker/widget",
        "fork_of": "github.com/acme/widget",
    }
    parent = dict(owners["github:acme"].attrs)
    assert parent == {
        "type": "Organization",
        "repository": "github.com/acme/widget",
        "role": "fork-parent",
    }
    assert owners["github:acme"].field == "parent.owner.login"
    assert ("host-org-name", "Acme Widgets Ltd", "self-declared", "github:acme") in facts_of(result)
    assert server.hits("/orgs/acme") == 1  # parent and source share one owner: asked once


def test_phase_two_follows_the_npm_repository(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    server.route("/@acme%2Fwidget", Reply.file(PACKUMENT))
    route_acme(server)
    comps = tuple(
        Component(purl.npm("@acme/widget", v), "npm", "@acme/widget", v) for v in ("1.2.2", "1.2.3")
    )
    out = enrich(Inventory(root=".", components=comps), make_ctx(), [npm], later=[codehost])
    for comp in comps:
        prov = out.provenance[comp.purl]
        statuses = {s.source: s.status for s in prov.statuses}
        assert statuses == {"npm": "ok", "codehost": "ok"}
        kinds = {(f.source, f.kind, f.value) for f in prov.facts}
        assert ("codehost", "host-owner", "github:acme") in kinds
        assert ("codehost", "host-location", "Springfield") in kinds
    # One request per repository and per owner for the whole scan.
    assert server.hits("/repos/acme/widget") == 1
    assert server.hits("/orgs/acme") == 1


def test_spellings_of_one_repository_cost_one_request(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    route_acme(server)
    ctx = make_ctx()
    for spelling in (
        "git+https://github.com/ACME/Widget.git",
        "acme/widget",
        "git@github.com:acme/widget",
    ):
        comp, prior = pypi_with_repo("w-" + str(len(spelling)), spelling)
        assert codehost.enrich_with(comp, ctx, prior).status.status == "ok"
    assert server.hits("/repos/acme/widget") == 1 and server.hits("/orgs/acme") == 1


def test_gitlab_project_in_a_subgroup(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    server.route(
        "/projects/acme-group%2Ftools%2Fwidget", Reply.file(GL / "project-acme-group-widget.json")
    )
    server.route("/groups/acme-group", Reply.file(GL / "group-acme-group.json"))
    server.route("/groups/upstream-org", Reply.file(GL / "group-upstream-org.json"))
    comp, prior = pypi_with_repo("glw", "https://gitlab.com/Acme-Group/tools/widget/-/tree/main")
    result = codehost.enrich_with(comp, make_ctx(), prior)
    assert result.status.status == "ok"
    owners = {f.value: dict(f.attrs) for f in result.facts if f.kind == "host-owner"}
    assert owners == {
        "gitlab:acme-group": {
            "type": "Organization",
            "repository": "gitlab.com/acme-group/tools/widget",
            "namespace": "acme-group/tools",
            "fork_of": "gitlab.com/upstream-org/widget",
        },
        "gitlab:upstream-org": {
            "type": "Organization",
            "repository": "gitlab.com/upstream-org/widget",
            "role": "fork-parent",
        },
    }
    facts = facts_of(result)
    assert ("host-org-name", "Acme Group", "self-declared", "gitlab:acme-group") in facts
    assert ("host-org-name", "Upstream Org", "self-declared", "gitlab:upstream-org") in facts
    assert any("with_projects=false" in seen.path for seen in server.requests)


def test_gitlab_user_profile_needs_a_token(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    server.route("/projects/solo-dev%2Fnotes", Reply.file(GL / "project-solo-dev-notes.json"))
    server.route("/users/42", Reply.file(GL / "user-42.json"))
    comp, prior = pypi_with_repo("notes", "https://gitlab.com/solo-dev/notes.git")
    anonymous = codehost.enrich_with(comp, make_ctx(), prior)
    assert anonymous.status.status == "skipped" and "GITLAB_TOKEN" in anonymous.status.reason
    assert ("host-owner", "gitlab:solo-dev", "registry-asserted", "gitlab:solo-dev") in facts_of(
        anonymous
    )
    assert server.hits("/users/42") == 0
    token = "glpat-" + "x" * 24
    signed_in = codehost.enrich_with(comp, make_ctx(GITLAB_TOKEN=token), prior)
    assert signed_in.status.status == "ok"
    facts = facts_of(signed_in)
    assert ("host-location", "Capital City", "self-declared", "gitlab:solo-dev") in facts
    assert ("host-company", "Example Works", "self-declared", "gitlab:solo-dev") in facts
    seen = next(s for s in server.requests if s.path == "/users/42")
    assert seen.headers["authorization"] == f"Bearer {token}"


def test_components_without_a_code_host_repository(make_ctx: Callable[..., Context]) -> None:
    ctx = make_ctx()
    plain = Component(purl.pypi("x", "1"), "pypi", "x", "1")
    assert codehost.enrich(plain, ctx).status.status == "not-applicable"
    comp, prior = pypi_with_repo("y", "https://bitbucket.org/o/r")
    other = codehost.enrich_with(comp, ctx, prior).status
    assert other.status == "not-applicable" and "bitbucket.org/o/r" in other.reason


@pytest.mark.parametrize(
    "reply",
    [
        Reply(status=403, body=b'{"message": "API rate limit exceeded"}', headers=RATE_LIMITED),
        Reply(status=429, headers={"Retry-After": "3600"}),
    ],
    ids=["quota-403", "429-long-retry-after"],
)
def test_rate_limit_then_later_repositories_are_skipped(
    server: LoopbackServer, make_ctx: Callable[..., Context], reply: Reply
) -> None:
    server.route("/repos/acme/widget", reply)
    ctx = make_ctx()
    first = codehost.enrich(action("acme", "widget"), ctx)
    assert first.status.status == "rate-limited"
    assert first.status.reason.startswith("rate limited (set GITHUB_TOKEN)")
    later = codehost.enrich(action("other", "repo"), ctx)
    # The host is paused for every source: later lookups fail fast, unasked.
    assert later.status.status == "rate-limited" and "rate limited" in later.status.reason
    assert server.hits("/repos/other/repo") == 0
    assert server.hits("/repos/acme/widget") == 1


def test_server_errors_and_broken_bodies(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    server.route("/repos/acme/five", Reply(status=500))
    server.route("/repos/acme/cut", Reply.file(GH / "repo-truncated.json"))
    server.route("/repos/acme/short", Reply.file(GH / "repo-acme-widget.json", fault="truncate"))
    server.route("/repos/acme/list", Reply.json([1, 2]))
    server.route(
        "/repos/acme/evil", Reply.json({"owner": {"login": "../../admin", "type": "User"}})
    )
    ctx = make_ctx()
    reasons = {}
    for repo in ("five", "cut", "short", "list", "evil"):
        result = codehost.enrich(action("acme", repo), ctx)
        assert (result.status.status, result.facts) == ("error", ()), repo
        reasons[repo] = result.status.reason
    assert "500" in reasons["five"]
    assert "malformed JSON" in reasons["cut"]
    assert "truncated" in reasons["short"]
    assert "JSON object" in reasons["list"]
    assert "owner.login" in reasons["evil"]
    assert not any("admin" in s.path for s in server.requests)


def test_token_is_sent_but_never_recorded(
    server: LoopbackServer, make_ctx: Callable[..., Context], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    route_acme(server)
    server.route("/repos/acme/five", Reply(status=500))
    server.route("/repos/acme/away", Reply.redirect(f"http://elsewhere.invalid/x?token={TOKEN}"))
    server.route("/repos/acme/quota", Reply(status=403, headers=RATE_LIMITED))
    ctx = make_ctx(GITHUB_TOKEN=TOKEN)
    results = [
        codehost.enrich(action("acme", repo), ctx) for repo in ("widget", "five", "away", "quota")
    ]
    assert results[0].status.status == "ok"
    assert [r.status.status for r in results[1:]] == ["error", "error", "rate-limited"]
    # With a token the hint to set one is not given.
    assert results[3].status.reason.startswith("rate limited: ")
    assert all(s.headers.get("authorization") == f"Bearer {TOKEN}" for s in server.requests)
    texts = [caplog.text] + [repr(r) for r in results]
    assert not [t for t in texts if TOKEN in t or TOKEN[4:] in t]


@pytest.mark.parametrize(
    "comp",
    [
        Component("pkg:swift/github.com/acme/widget@1.0.0", "swift", "widget", "1.0.0"),
        Component(
            "pkg:swift/github.com/acme/widget@1.0.0",
            "swift",
            "widget",
            "1.0.0",
            source_kind="vcs",
            source_url="git+ssh://git@github.com/Acme/widget.git@0123abcd",
        ),
        Component(
            purl.golang("github.com/acme/widget", "v1.0.0"),
            "golang",
            "github.com/acme/widget",
            "v1.0.0",
        ),
    ],
    ids=["swift-purl", "swift-vcs-url", "go-module"],
)
def test_identities_that_name_a_repository(
    server: LoopbackServer, make_ctx: Callable[..., Context], comp: Component
) -> None:
    route_acme(server)
    result = codehost.enrich(comp, make_ctx())
    assert result.status.status == "ok"
    assert ("host-owner", "github:acme", "registry-asserted", "github:acme") in facts_of(result)


def test_tokens_go_only_to_their_service_or_the_operators_host(
    make_ctx: Callable[..., Context],
) -> None:
    ctx = make_ctx(GITHUB_TOKEN=TOKEN)
    default = endpoint("github-api").default
    assert ctx.credential("github-api", "GITHUB_TOKEN", f"{default}/repos/a/b") == TOKEN
    env = ctx.environ["ICTS_SCAN_GITHUB_API_URL"]  # the operator's override (the loopback)
    assert ctx.credential("github-api", "GITHUB_TOKEN", f"{env}/repos/a/b") == TOKEN
    assert ctx.credential("gitlab-api", "GITHUB_TOKEN", f"{default}/x") is None
    assert ctx.credential("github-api", "GITHUB_TOKEN", "https://mirror.example.invalid/x") is None
    tree = replace(
        ctx, endpoints={"github-api": "http://tree.example.invalid"}, tree_endpoints=True
    )
    assert tree.credential("github-api", "GITHUB_TOKEN", "http://tree.example.invalid/x") is None
    mine = replace(tree, tree_endpoints=False)  # the same table from the operator's policy
    assert mine.credential("github-api", "GITHUB_TOKEN", "http://tree.example.invalid/x") == TOKEN
