"""``feeds propose`` on recorded code-host and registry answers: exactly the supported namespaces, with evidence."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from feeds.staging import read
from tests.loopback import LoopbackServer, Reply

from .recorded import commit_of

PROPOSED = {
    ("npm_scope", "@acme-widgets"),
    ("npm_scope", "@acme-mini"),
    ("npm_package", "acme-sdk-js"),
    ("maven_group_prefix", "example.acme"),
    ("go_module_prefix", "go.acme.example"),
    ("pypi_name_pattern", "acme-client"),
    ("pypi_org", "acme-example"),
    ("crates_name_pattern", "acme-rs"),
    ("crates_owner", "github:acme-example:crates-publishers"),
    ("composer_vendor", "acme-example"),
    ("nuget_prefix", "Acme.Sdk"),
    ("pub_name_pattern", "acme_flutter"),
}
NOT_ADDED = {
    ("npm_package", "acme-charts"),  # its package.json names someone else's repository
    ("npm_package", "acme-cli"),  # the registry names another repository
    ("pypi_name_pattern", "acme-legacy"),  # not on the registry
    ("npm_scope", "@acme-shared"),  # already attributed to another entity
}


def _keys(items: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(i["kind"], i["value"]) for i in items}


def test_proposes_exactly_the_namespaces_the_data_supports(
    acme_root: Path, run: Callable[..., dict[str, Any]]
) -> None:
    doc = run(acme_root)
    assert _keys(doc["entities"][0]["identifiers"]) == PROPOSED
    assert _keys(doc["not_added"]) == NOT_ADDED
    skipped = "\n".join(doc["proposed_by"]["skipped"])
    assert "npm_scope:@acme-ui: npm_scope @acme-ui is in the knowledge base" in skipped
    assert "npm_scope:@acme-labs: rejected on 2026-11-30: a community scope" in skipped
    assert doc["proposed_by"]["complete"] is True, doc["proposed_by"]["problems"]


def test_every_proposal_carries_pinned_evidence(
    acme_root: Path, run: Callable[..., dict[str, Any]]
) -> None:
    doc = run(acme_root)
    sources = {s["id"]: s for s in doc["sources"]}
    idents = {(i["kind"], i["value"]): i for i in doc["entities"][0]["identifiers"]}
    for ident in idents.values():
        assert ident["scope"] == "organisation" and ident["note"]
        kinds = [sources[s]["kind"] for s in ident["src"]]
        assert "repository" in kinds, ident  # a manifest read at a pinned commit
    scope = idents["npm_scope", "@acme-widgets"]
    manifests = [sources[s] for s in scope["src"] if sources[s]["kind"] == "repository"]
    assert {m["path"] for m in manifests} == {"package.json", "packages/react/package.json"}
    sha = commit_of("acme-example/widget-js")
    assert (
        manifests[0]["url"]
        == f"https://github.com/acme-example/widget-js/blob/{sha}/{manifests[0]['path']}"
    )
    assert all(m["commit"] == sha and m["repo"] == "acme-example/widget-js" for m in manifests)
    registry = [sources[s] for s in scope["src"] if sources[s]["kind"] == "secondary"]
    assert len(registry) == 2 and all(
        "repository git+https://github.com/acme-example/widget-js.git" in r["title"]
        for r in registry
    )
    assert "e-mail at acme.example (attributed)" in scope["note"]
    maven = idents["maven_group_prefix", "example.acme"]
    assert "the reverse of the attributed domain acme.example" in maven["note"]
    assert "example.acme.cloud:acme-cloud, example.acme.sdk:acme-sdk" in maven["note"]
    gitee = [sources[s] for s in idents["npm_scope", "@acme-mini"]["src"]]
    assert gitee[0]["url"].startswith("https://gitee.com/acme-gitee/acme-mini/blob/")
    assert "no registry lookup" in idents["pub_name_pattern", "acme_flutter"]["note"]


def test_forks_tests_and_examples_are_not_read(
    acme_root: Path, run: Callable[..., dict[str, Any]], server: LoopbackServer
) -> None:
    run(acme_root)
    paths = [seen.path for seen in server.requests]
    assert not any("forked-lib" in p for p in paths)
    assert not any("examples/demo" in p or "/tests/" in p for p in paths)
    # A private package is read (that is how it is known to be private), never looked up.
    assert not any(
        p.startswith(("/npm/acme-demo-app", "/npm/@acme-widgets%2Finternal")) for p in paths
    )


def test_the_proposal_file_is_in_the_staging_format(
    acme_root: Path, run: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    from feeds.jsonfmt import dumps

    path = tmp_path / "p.json"
    path.write_text(dumps(run(acme_root)), encoding="utf-8")
    doc, problems = read(path)
    assert problems == [] and doc is not None


def test_a_spent_quota_stops_the_walk_and_says_so(
    acme_root: Path, run: Callable[..., dict[str, Any]], server: LoopbackServer
) -> None:
    spent = Reply.json(
        {"message": "API rate limit exceeded"},
        status=403,
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "9999999999"},
    )
    server.route("/github-api/orgs/acme-example/repos", spent)
    doc = run(acme_root)
    by = doc["proposed_by"]
    assert by["complete"] is False
    assert any("GITHUB_TOKEN" in p for p in by["problems"]), by["problems"]


def test_limits_are_reported_not_silent(
    acme_root: Path, run: Callable[..., dict[str, Any]]
) -> None:
    doc = run(acme_root, max_repos=3, max_files=1)
    by = doc["proposed_by"]
    assert by["complete"] is False and by["repositories_listed"] == 3
    assert "github acme-example: only the first 3 repositories walked" in by["problems"]
    assert "gitee acme-gitee: not walked (--max-repos reached)" in by["problems"]
    assert any("acme-example/widget-js: 6 manifests, read the first 1" in p for p in by["problems"])


def test_offline_without_a_cache_asks_nothing_and_says_why(
    acme_root: Path, server: LoopbackServer
) -> None:
    import dataclasses

    import feeds
    from scanner.curation.walk import Limits, propose
    from scanner.enrich.context import Context
    from scanner.net.cache import MEMORY, Cache
    from scanner.net.client import HttpClient

    from .conftest import FAST
    from .recorded import TODAY, environ

    with HttpClient(dataclasses.replace(FAST, offline=True), Cache(MEMORY)) as client:
        ctx = Context(client=client, environ=environ(server), offline=True)
        doc = propose(feeds.load(acme_root), "test-acme", ctx, TODAY, Limits())
    assert doc["entities"][0]["identifiers"] == [] and server.requests == []
    assert doc["proposed_by"]["problems"] == [
        "stopped at github acme-example repositories: offline: not in cache"
    ]


def test_only_a_corporate_author_or_a_verified_namespace_makes_a_proposal_verified(
    acme_root: Path, run: Callable[..., dict[str, Any]]
) -> None:
    doc = run(acme_root)
    idents = {(i["kind"], i["value"]): i for i in doc["entities"][0]["identifiers"]}
    unverified = {k for k, i in idents.items() if i.get("verified") is False}
    # An author at acme.example, or a groupId under acme.example: the company is shown.
    assert ("npm_scope", "@acme-widgets") not in unverified
    assert ("maven_group_prefix", "example.acme") not in unverified
    # A package whose manifest names no one at an attributed domain rests on its repository
    # alone (CONTRIBUTING): proposed, but unverified, and the note says why.
    assert ("pub_name_pattern", "acme_flutter") in unverified
    for k in unverified:
        assert "unverified: no author at an attributed domain" in idents[k]["note"]
