"""github-actions source: owner and repository from action and submodule references, no network."""

from __future__ import annotations

from collections.abc import Callable

from sbom import purl
from sbom.ecosystems.github import actions_workflow, gitmodules
from sbom.model import Component
from scanner.enrich import actions
from scanner.enrich.context import Context
from tests.loopback import LoopbackServer

WORKFLOW = """\
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: Acme-Tools/setup-widget/sub/dir@0123456789abcdef0123456789abcdef01234567 # v4
      - uses: ./local-action
  reuse:
    uses: acme/workflows/.github/workflows/ci.yml@v2
"""
GITMODULES = """\
[submodule "vendor/lib"]
    path = vendor/lib
    url = https://github.com/LibOwner/lib.git
[submodule "third_party/zlib"]
    path = third_party/zlib
    url = https://gitlab.example.invalid/mirrors/zlib.git
[submodule "sibling"]
    path = sibling
    url = ../sibling.git
"""


def by_name(text: str, parser: object, path: str) -> dict[str, Component]:
    result = parser.parse(text, path)  # type: ignore[attr-defined]
    return {c.name: c for c in result.components}


def test_action_reference(server: LoopbackServer, make_ctx: Callable[..., Context]) -> None:
    comps = by_name(WORKFLOW, actions_workflow, ".github/workflows/ci.yml")
    result = actions.enrich(comps["Acme-Tools/setup-widget/sub/dir"], make_ctx())
    assert result.status.status == "ok"
    repo, owner = result.facts
    assert (repo.kind, repo.value, repo.strength) == (
        "repository",
        "https://github.com/acme-tools/setup-widget",
        "registry-asserted",
    )
    assert dict(repo.attrs) == {
        "basis": "reference",
        "ref": "0123456789abcdef0123456789abcdef01234567",
    }
    assert (owner.kind, owner.value, owner.subject) == (
        "host-owner",
        "github:acme-tools",
        "github:acme-tools",
    )
    assert repo.url == ".github/workflows/ci.yml" and repo.retrieved.endswith("Z")
    reusable = actions.enrich(comps["acme/workflows/.github/workflows/ci.yml"], make_ctx())
    assert ("repository", "https://github.com/acme/workflows") in {
        (f.kind, f.value) for f in reusable.facts
    }
    assert server.requests == []


def test_submodules(server: LoopbackServer, make_ctx: Callable[..., Context]) -> None:
    comps = by_name(GITMODULES, gitmodules, ".gitmodules")
    ctx = make_ctx()
    lib = actions.enrich(comps["vendor/lib"], ctx)
    assert {(f.kind, f.value) for f in lib.facts} == {
        ("repository", "https://github.com/libowner/lib"),
        ("host-owner", "github:libowner"),
    }
    assert all("ref" not in dict(f.attrs) for f in lib.facts)  # the pin is in the gitlink
    zlib = actions.enrich(comps["third_party/zlib"], ctx)
    assert [(f.kind, f.value, f.field, f.strength) for f in zlib.facts] == [
        (
            "repository",
            "https://gitlab.example.invalid/mirrors/zlib.git",
            "purl.qualifiers.vcs_url",
            "registry-asserted",
        )
    ]
    sibling = actions.enrich(comps["sibling"], ctx)
    assert (sibling.status.status, sibling.facts) == ("skipped", ())
    assert server.requests == []


def test_pinned_generic_source_and_not_applicable(make_ctx: Callable[..., Context]) -> None:
    ctx = make_ctx()
    pinned = Component(
        purl.purl("generic", "dep", "1.0"),
        "generic",
        "dep",
        "1.0",
        source_kind="vcs",
        source_url="git+https://git.example.invalid/team/dep.git@abc123",
    )
    facts = actions.enrich(pinned, ctx).facts
    assert [(f.value, f.field) for f in facts] == [
        ("https://git.example.invalid/team/dep.git", "source_url")
    ]
    plain = Component(purl.purl("generic", "blob", "1"), "generic", "blob", "1")
    assert actions.enrich(plain, ctx).status.status == "not-applicable"
    bad = Component("pkg:github/-bad-/repo@v1", "github", "-bad-/repo", "v1")
    assert actions.enrich(bad, ctx).status.status == "error"
    broken = Component("not a purl", "github", "x", None)
    assert actions.enrich(broken, ctx).status.status == "error"
