"""maven source: POM people, organization and scm, the parent chain, hostile and failing POMs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sbom import purl
from sbom.model import Component
from scanner.enrich import maven
from scanner.enrich.context import Context
from scanner.enrich.model import SourceResult
from tests.enrich.conftest import ENRICH_FIXTURES, through_runner
from tests.loopback import LoopbackServer, Reply

POMS = ENRICH_FIXTURES / "maven"
WIDGET = "/org/example/widget/1.4.0/widget-1.4.0.pom"
PARENT = "/org/example/example-parent/7/example-parent-7.pom"
ROOT = "/org/example/example-root/1/example-root-1.pom"
GADGET = "/org/example/gadget/2.0/gadget-2.0.pom"


def artifact(name: str, version: str | None) -> Component:
    group, _, art = name.partition(":")
    return Component(purl.maven(group, art or "x", version), "maven", name, version)


def pom(path: str) -> Reply:
    return Reply.file(POMS / path, content_type="text/xml")


def facts_of(result: SourceResult) -> set[tuple[str, str, str]]:
    return {(f.kind, f.value, f.strength) for f in result.facts}


def test_child_facts_and_inherited_sections(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    server.route(WIDGET, pom("widget-1.4.0.pom"))
    server.route(PARENT, pom("example-parent-7.pom"))
    result = maven.enrich(artifact("org.example:widget", "1.4.0"), make_ctx())
    assert result.status.status == "ok" and result.status.url == server.url(WIDGET)
    facts = facts_of(result)
    assert ("author-name", "Jane Roe", "self-declared") in facts
    assert ("author-email", "jane@example.org", "self-declared") in facts
    assert ("organization", "Example Corp", "self-declared") in facts
    assert ("organization", "https://example.org", "self-declared") in facts
    assert ("author-email", "max@contrib.example.net", "self-declared") in facts
    assert ("homepage", "https://widget.example.org", "self-declared") in facts
    # Uninterpolated properties and the developer time zone are not facts.
    assert not any("${" in value for _, value, _ in facts)
    assert not any(value in ("+1", "Europe/Berlin") for _, value, _ in facts)
    # The child has its own developers: the parent's are not taken.
    assert ("author-name", "Parent Developer", "self-declared") not in facts
    assert ("homepage", "https://example.org/parent", "self-declared") not in facts
    # organization and scm come from the parent, marked as inherited, cited to its URL.
    inherited = [f for f in result.facts if dict(f.attrs).get("inherited_from")]
    assert {f.kind for f in inherited} == {"organization", "homepage", "repository"}
    assert all(f.url == server.url(PARENT) for f in inherited)
    assert all(dict(f.attrs)["inherited_from"] == "org.example:example-parent:7" for f in inherited)
    repos = {
        (f.value, f.field, dict(f.attrs).get("scm")) for f in inherited if f.kind == "repository"
    }
    assert repos == {
        ("https://github.com/example/widget-parent", "project.scm.url", None),
        ("https://github.com/example/widget-parent.git", "project.scm.connection", "git"),
        ("git@github.com:example/widget-parent.git", "project.scm.developerConnection", "git"),
    }
    jane = next(f for f in result.facts if f.value == "Jane Roe")
    assert jane.field == "project.developers.developer[0].name"
    assert dict(jane.attrs) == {"role": "developer"}
    assert jane.source == "maven" and jane.retrieved.endswith("Z")
    # Nothing was missing after the first parent: the grandparent is never asked.
    assert server.hits(ROOT) == 0


def test_self_contained_pom_without_namespace(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    server.route(GADGET, pom("gadget-2.0.pom"))
    result = maven.enrich(artifact("org.example:gadget", "2.0"), make_ctx())
    facts = facts_of(result)
    assert ("organization", "Gadget Works GmbH", "self-declared") in facts
    assert ("homepage", "https://gadgetworks.example.de", "self-declared") in facts
    assert ("repository", "https://gitlab.com/gadgetworks/gadget", "self-declared") in facts
    assert ("author-email", "erika@gadgetworks.example.de", "self-declared") in facts
    assert not any(f.kind == "owner-account" for f in result.facts)
    assert len(server.requests) == 1


def test_entity_bomb_is_refused_as_an_error(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    server.route("/org/example/bomb/1.0/bomb-1.0.pom", pom("bomb.pom"))
    result = maven.enrich(artifact("org.example:bomb", "1.0"), make_ctx())
    assert result.status.status == "error" and "hostile XML" in result.status.reason
    assert result.facts == ()


def test_external_entity_is_refused(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE project [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<project><url>&x;</url></project>"
    )
    server.route(GADGET, Reply(body=xxe))
    result = maven.enrich(artifact("org.example:gadget", "2.0"), make_ctx())
    assert (result.status.status, result.facts) == ("error", ())


def test_parent_failure_keeps_child_facts_and_says_so(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    server.route(WIDGET, pom("widget-1.4.0.pom"))
    server.route(PARENT, Reply(status=404))
    result = maven.enrich(artifact("org.example:widget", "1.4.0"), make_ctx())
    assert result.status.status == "ok"
    assert "parent POM org.example:example-parent:7" in result.status.reason
    assert ("author-name", "Jane Roe", "self-declared") in facts_of(result)
    assert not any(f.kind == "repository" for f in result.facts)


def test_parent_failure_without_child_facts_is_an_error(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    child = b"""<project><parent><groupId>org.example</groupId><artifactId>p</artifactId>
    <version>1</version></parent><artifactId>bare</artifactId></project>"""
    server.route("/org/example/bare/1/bare-1.pom", Reply(body=child))
    server.route("/org/example/p/1/p-1.pom", Reply(status=500))
    result = maven.enrich(artifact("org.example:bare", "1"), make_ctx())
    assert result.status.status == "error" and "parent POM org.example:p:1" in result.status.reason


def chain_pom(artifact_id: str, parent: str) -> Reply:
    body = f"""<project><parent><groupId>org.example</groupId><artifactId>{parent}</artifactId>
    <version>1</version></parent><artifactId>{artifact_id}</artifactId><version>1</version>
    </project>"""
    return Reply(body=body.encode())


def test_parent_cycles_and_depth_are_bounded(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    server.route("/org/example/loop-a/1/loop-a-1.pom", chain_pom("loop-a", "loop-b"))
    server.route("/org/example/loop-b/1/loop-b-1.pom", chain_pom("loop-b", "loop-a"))
    looped = maven.enrich(artifact("org.example:loop-a", "1"), make_ctx())
    assert "cycle" in looped.status.reason
    assert server.hits("/org/example/loop-a/1/loop-a-1.pom") == 1
    assert server.hits("/org/example/loop-b/1/loop-b-1.pom") == 1
    for n in range(6):
        path = f"/org/example/c{n}/1/c{n}-1.pom"
        server.route(path, chain_pom(f"c{n}", f"c{n + 1}"))
    maven.enrich(artifact("org.example:c0", "1"), make_ctx())
    asked = [n for n in range(6) if server.hits(f"/org/example/c{n}/1/c{n}-1.pom")]
    assert asked == [0, 1, 2, 3]  # the POM itself and at most three parents


def test_unsafe_coordinates_are_not_requested(
    server: LoopbackServer, make_ctx: Callable[..., Context]
) -> None:
    ctx = make_ctx()
    for name, version in (("org.example:..", "1"), ("org.example:x", "../../etc"), ("x", "1")):
        result = maven.enrich(artifact(name, version), ctx)
        assert result.status.status == "error", name
    assert server.requests == []
    assert maven.enrich(artifact("org.example:x", None), ctx).status.status == "skipped"
    local = Component(
        "pkg:maven/org.example/x@1", "maven", "org.example:x", "1", source_kind="path"
    )
    assert maven.enrich(local, ctx).status.status == "not-applicable"


def test_a_bug_becomes_an_error_status(
    server: LoopbackServer, make_ctx: Callable[..., Context], monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(data: bytes) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(maven, "parse_xml", boom)
    server.route(GADGET, pom("gadget-2.0.pom"))
    result = through_runner(maven, artifact("org.example:gadget", "2.0"), make_ctx())
    assert result.status.status == "error" and "RuntimeError" in result.status.reason
