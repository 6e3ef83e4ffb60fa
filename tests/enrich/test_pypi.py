"""pypi source: author/maintainer fields, project URLs, ownership, failures."""

from __future__ import annotations

from collections.abc import Callable

from sbom import purl
from sbom.model import Component, Inventory
from scanner.enrich import pypi
from scanner.enrich.context import Context
from scanner.enrich.model import SourceResult
from scanner.enrich.run import enrich
from tests.enrich.conftest import ENRICH_FIXTURES
from tests.loopback import LoopbackServer, Reply

DOC = ENRICH_FIXTURES / "pypi" / "acme-widget-1.4.0.json"
PATH = "/pypi/acme-widget/1.4.0/json"


def widget(name: str = "acme-widget", version: str | None = "1.4.0") -> Component:
    return Component(purl.pypi(name, version), "pypi", name, version)


def facts_of(result: SourceResult) -> set[tuple[str, str, str]]:
    return {(f.kind, f.value, f.strength) for f in result.facts}


def test_people_urls_and_ownership(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    server.route(PATH, Reply.file(DOC))
    result = pypi.enrich(widget(), make_ctx())
    assert result.status.status == "ok"
    facts = facts_of(result)
    # Three addresses in one author_email field: one fact each; names only where written.
    assert {
        ("author-email", "jane@acme-widget.example", "self-declared"),
        ("author-email", "build@corp.example.net", "self-declared"),
        ("author-email", "ops@acme-widget.example", "self-declared"),
        ("author-name", "Jane Roe", "self-declared"),
        ("author-name", "Build Team", "self-declared"),
        ("maintainer-email", "ada@corp.example.net", "self-declared"),
        ("maintainer-name", "Ada Ops", "self-declared"),
    } <= facts
    assert not any(k.endswith("-name") and v.startswith("ops") for k, v, _ in facts)
    assert ("repository", "https://github.com/acme/widget", "self-declared") in facts
    assert ("homepage", "https://acme-widget.example", "self-declared") in facts
    assert ("homepage", "https://docs.acme-widget.example", "self-declared") not in facts
    assert ("owner-account", "janeroe", "registry-asserted") in facts
    assert ("maintainer-account", "release-bot", "registry-asserted") in facts
    assert ("organization", "acme", "registry-asserted") in facts
    owner = next(f for f in result.facts if f.kind == "owner-account")
    assert owner.field == "ownership.roles[0].user" and dict(owner.attrs) == {"role": "Owner"}
    assert owner.url == server.url(PATH) and owner.retrieved.endswith("Z")
    source = next(f for f in result.facts if f.field == "info.project_urls[Source Code]")
    assert (source.kind, dict(source.attrs)) == ("repository", {"label": "Source Code"})
    home = [f for f in result.facts if f.field == "info.home_page"]
    assert {f.kind for f in home} == {"homepage", "repository"}  # a code-host home page


def test_name_is_normalized_in_the_url(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    server.route(PATH, Reply.file(DOC))
    assert pypi.enrich(widget("Acme_Widget"), make_ctx()).status.status == "ok"


def test_malformed_bodies_are_errors(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    server.route("/pypi/truncated/1.0/json", Reply.file(DOC, fault="truncate"))
    server.route("/pypi/cut/1.0/json", Reply(body=DOC.read_bytes()[:700]))
    server.route("/pypi/latin/1.0/json", Reply(body=b'{"info": {"author": "J\xe9r\xf4me"}}'))
    server.route("/pypi/list/1.0/json", Reply.json(["not", "an", "object"]))
    ctx = make_ctx()
    for name in ("truncated", "cut", "latin", "list"):
        result = pypi.enrich(widget(name, "1.0"), ctx)
        assert (result.status.status, result.facts) == ("error", ()), name
    latin = pypi.enrich(widget("latin", "1.0"), ctx)
    assert "UTF-8" in latin.status.reason


def test_hostile_field_shapes_are_ignored(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    odd = {
        "info": {
            "author": ["not", "text"],
            "author_email": "x" * 10_000 + "@example.org",
            "maintainer": "Jane <jane@example.org>",
            "project_urls": {"Source": 42, "Repository": "https://gitlab.com/g/sub/r"},
        },
        "ownership": {"roles": [{"role": "Owner"}, "janeroe", {"role": 7, "user": "x"}]},
    }
    server.route("/pypi/odd/1.0/json", Reply.json(odd))
    result = pypi.enrich(widget("odd", "1.0"), make_ctx())
    assert result.status.status == "ok"
    assert facts_of(result) == {
        ("maintainer-email", "jane@example.org", "self-declared"),
        ("maintainer-name", "Jane", "self-declared"),
        ("repository", "https://gitlab.com/g/sub/r", "self-declared"),
    }


def test_not_applicable_and_skipped(make_ctx: Callable[..., Context]) -> None:
    ctx = make_ctx()
    git = Component("pkg:pypi/x", "pypi", "x", None, source_kind="vcs", source_url="git+https://x")
    assert pypi.enrich(git, ctx).status.status == "not-applicable"
    unpinned = pypi.enrich(widget(version=None), ctx)
    assert unpinned.status.status == "skipped" and "version" in unpinned.status.reason


def test_runner_reports_coverage(server: LoopbackServer, make_ctx: Callable[..., Context]) -> None:
    server.route(PATH, Reply.file(DOC))
    inv = Inventory(root=".", components=(widget(), widget("gone", "2.0")))
    out = enrich(inv, make_ctx(), [pypi])
    assert out.coverage.known == 1
    assert out.coverage.by_source["pypi"] == {"not-found": 1, "ok": 1}
