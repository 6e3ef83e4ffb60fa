"""local source: installed METADATA and package.json under the scanned tree, offline."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from sbom import purl
from sbom.model import Component, Inventory
from scanner.enrich import local_metadata
from scanner.enrich.context import Context
from scanner.enrich.model import SourceResult
from scanner.enrich.run import enrich
from tests.enrich.conftest import ENRICH_FIXTURES

LOCAL = ENRICH_FIXTURES / "local"
SITE = ".venv/lib/python3.11/site-packages"
PNPM_CHEERIO = "apps/web/node_modules/.pnpm/cheerio@1.2.0/node_modules/cheerio"


@pytest.fixture(autouse=True)
def fresh_indexes() -> Iterator[None]:
    local_metadata.forget()
    yield
    local_metadata.forget()


def put(root: Path, rel: str, source: Path | bytes) -> Path:
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(source, bytes):
        target.write_bytes(source)
    else:
        shutil.copyfile(source, target)
    return target


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A project with a virtualenv, an npm node_modules and a pnpm store, as installers leave them."""
    root = tmp_path / "project"
    (root / ".venv").mkdir(parents=True)
    (root / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    put(root, f"{SITE}/requests-2.34.2.dist-info/METADATA", LOCAL / "requests-2.34.2.METADATA")
    put(root, f"{SITE}/six-1.17.0.dist-info/METADATA", LOCAL / "six-1.17.0.METADATA")
    put(root, "node_modules/ci-info/package.json", LOCAL / "ci-info-4.4.0.package.json")
    put(
        root,
        "node_modules/ci-info/node_modules/diff/package.json",
        LOCAL / "diff-8.0.4.package.json",
    )
    put(root, f"{PNPM_CHEERIO}/package.json", LOCAL / "cheerio-1.2.0.package.json")
    # pnpm links the top level into its store: the walk reaches it through .pnpm, not the link.
    (root / "apps/web/node_modules/cheerio").symlink_to(root / PNPM_CHEERIO)
    return root


def ctx_at(make_ctx: Callable[..., Context], root: Path, **kw: bool) -> Context:
    ctx = make_ctx(**kw)
    ctx.root = str(root)
    return ctx


def pypi(name: str, version: str) -> Component:
    return Component(purl.pypi(name, version), "pypi", name, version)


def npm(name: str, version: str) -> Component:
    return Component(purl.npm(name, version), "npm", name, version)


def facts_of(result: SourceResult) -> set[tuple[str, str, str]]:
    return {(f.kind, f.value, f.field) for f in result.facts}


def test_python_dist_info_metadata(tree: Path, make_ctx: Callable[..., Context]) -> None:
    ctx = ctx_at(make_ctx, tree)
    result = local_metadata.enrich(pypi("Requests", "2.34.2"), ctx)
    assert result.status.status == "ok"
    assert facts_of(result) >= {
        ("author-name", "Kenneth Reitz", "Author-email"),
        ("author-email", "me@kennethreitz.org", "Author-email"),
        ("maintainer-email", "graffatcolmingov@gmail.com", "Maintainer-email"),
        ("maintainer-email", "nate.prewitt@gmail.com", "Maintainer-email"),
        ("repository", "https://github.com/psf/requests", "Project-URL[Source]"),
    }
    assert all(f.strength == "self-declared" for f in result.facts)
    assert {f.url for f in result.facts} == {f"{SITE}/requests-2.34.2.dist-info/METADATA"}
    assert all(f.retrieved.endswith("Z") and f.source == "local" for f in result.facts)
    # When the file was written, not when it was read: a repeat scan sees the same facts.
    assert local_metadata.enrich(pypi("Requests", "2.34.2"), ctx_at(make_ctx, tree)) == result
    six = local_metadata.enrich(pypi("six", "1.17.0"), ctx)
    assert facts_of(six) >= {
        ("author-name", "Benjamin Peterson", "Author"),
        ("author-email", "benjamin@python.org", "Author-email"),
        ("homepage", "https://github.com/benjaminp/six", "Home-page"),
    }
    other = local_metadata.enrich(pypi("requests", "2.0.0"), ctx)
    assert (other.status.status, other.facts) == ("not-applicable", ())
    assert "not installed" in other.status.reason


def test_node_modules_package_json(tree: Path, make_ctx: Callable[..., Context]) -> None:
    ctx = ctx_at(make_ctx, tree, offline=True)  # local metadata needs no network
    ci = local_metadata.enrich(npm("ci-info", "4.4.0"), ctx)
    assert ci.status.status == "ok"
    assert facts_of(ci) >= {
        ("author-name", "Thomas Watson Steen", "author.name"),
        ("author-email", "w@tson.dk", "author.email"),
        ("author-name", "Sibiraj", "contributors[0].name"),
        ("repository", "github:watson/ci-info", "repository"),
        ("homepage", "https://github.com/watson/ci-info", "homepage"),
    }
    sibiraj = next(f for f in ci.facts if f.value == "Sibiraj")
    assert dict(sibiraj.attrs) == {"role": "contributor"}
    nested = local_metadata.enrich(npm("diff", "8.0.4"), ctx)
    assert facts_of(nested) >= {
        ("maintainer-name", "Kevin Decker", "maintainers[0].name"),
        ("maintainer-email", "markrobertamery+jsdiff@gmail.com", "maintainers[1].email"),
        ("repository", "https://github.com/kpdecker/jsdiff.git", "repository"),
    }
    # As written in package.json: not the registry's account list.
    assert {f.strength for f in nested.facts} == {"self-declared"}
    assert nested.facts[0].url == "node_modules/ci-info/node_modules/diff/package.json"
    cheerio = local_metadata.enrich(npm("cheerio", "1.2.0"), ctx)
    assert ("maintainer-email", "me@feedic.com", "maintainers[0].email") in facts_of(cheerio)
    assert {f.url for f in cheerio.facts} == {f"{PNPM_CHEERIO}/package.json"}
    assert local_metadata.enrich(npm("ci-info", "4.3.0"), ctx).status.status == "not-applicable"


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks and FIFOs")
def test_links_out_of_the_tree_and_special_files_are_never_read(
    tree: Path, tmp_path: Path, make_ctx: Callable[..., Context]
) -> None:
    outside = put(tmp_path, "elsewhere/evil/package.json", b'{"name": "evil", "version": "1.0.0"}')
    (tree / "node_modules" / "evil").symlink_to(outside.parent)
    put(tree, "node_modules/sneaky/.keep", b"")
    (tree / "node_modules" / "sneaky" / "package.json").symlink_to(outside)
    put(tree, "node_modules/fifo/.keep", b"")
    os.mkfifo(tree / "node_modules" / "fifo" / "package.json")
    ctx = ctx_at(make_ctx, tree)
    assert local_metadata.enrich(npm("evil", "1.0.0"), ctx).status.status == "not-applicable"
    sneaky = local_metadata.enrich(npm("sneaky", "1.0.0"), ctx)
    assert sneaky.status.status == "error" and "unreadable" in sneaky.status.reason
    fifo = local_metadata.enrich(npm("fifo", "1.0.0"), ctx)
    assert (fifo.status.status, fifo.status.reason) == (
        "error", "node_modules/fifo/package.json: not a regular file"
    )  # fmt: skip


def test_malformed_and_oversized_files_are_errors(
    tree: Path, make_ctx: Callable[..., Context], monkeypatch: pytest.MonkeyPatch
) -> None:
    put(tree, "node_modules/broken/package.json", b'{"name": "broken", "version": ')
    put(tree, "node_modules/listy/package.json", b"[1, 2]")
    put(tree, "node_modules/deep/package.json", b"[" * 100_000 + b"]" * 100_000)
    put(tree, f"{SITE}/latin-1.0.dist-info/METADATA", b"Name: latin\nVersion: 1.0\nAuthor: \xe9\n")
    put(tree, f"{SITE}/empty-1.0.dist-info/METADATA", b"Summary: nothing\n")
    big = (LOCAL / "requests-2.34.2.METADATA").read_bytes()
    put(tree, f"{SITE}/big-1.0.dist-info/METADATA", big)
    ctx = ctx_at(make_ctx, tree)
    reasons = {
        name: local_metadata.enrich(comp, ctx).status
        for name, comp in {
            "broken": npm("broken", "1.0.0"),
            "listy": npm("listy", "1.0.0"),
            "deep": npm("deep", "1.0.0"),
            "latin": pypi("latin", "1.0"),
            "empty": pypi("empty", "1.0"),
        }.items()
    }
    monkeypatch.setattr(local_metadata, "MAX_FILE", len(big) - 1)
    reasons["big"] = local_metadata.enrich(pypi("big", "1.0"), ctx).status
    assert {s.status for s in reasons.values()} == {"error"}
    assert reasons["broken"].reason.endswith("package.json is not valid JSON")
    assert reasons["listy"].reason.endswith("package.json is not an object")
    assert reasons["deep"].reason.endswith("package.json is not valid JSON")
    assert reasons["latin"].reason.endswith("METADATA is not UTF-8")
    assert reasons["empty"].reason.endswith("METADATA has no Name or Version")
    assert reasons["big"].reason.endswith(f"larger than {len(big) - 1} bytes")


def test_index_is_built_once_per_root_across_threads(
    tree: Path, make_ctx: Callable[..., Context], monkeypatch: pytest.MonkeyPatch
) -> None:
    walks: list[str] = []
    original = local_metadata.Index._walk

    def counting(self: local_metadata.Index, folder: str, depth: int) -> None:
        if depth == 0:
            walks.append(folder)
        original(self, folder, depth)

    monkeypatch.setattr(local_metadata.Index, "_walk", counting)
    comps = (
        pypi("requests", "2.34.2"), pypi("six", "1.17.0"), npm("ci-info", "4.4.0"),
        npm("diff", "8.0.4"), npm("cheerio", "1.2.0"), npm("absent", "1.0.0"),
    )  # fmt: skip
    out = enrich(
        Inventory(root=str(tree), components=comps), ctx_at(make_ctx, tree), [local_metadata]
    )
    assert walks == [os.path.realpath(tree)]
    assert out.coverage.known == 5
    assert not out.provenance[comps[-1].purl].unknown_reasons  # absent locally: not a failure


def test_truncated_index_leaves_misses_unknown(
    tree: Path, make_ctx: Callable[..., Context], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local_metadata, "MAX_ENTRIES", 3)
    result = local_metadata.enrich(npm("ci-info", "4.4.0"), ctx_at(make_ctx, tree))
    assert result.status.status == "skipped" and "not fully indexed" in result.status.reason


def test_not_applicable(make_ctx: Callable[..., Context], tree: Path) -> None:
    ctx = ctx_at(make_ctx, tree)
    cargo = Component("pkg:cargo/serde@1.0.0", "cargo", "serde", "1.0.0")
    unpinned = Component("pkg:npm/ci-info", "npm", "ci-info", None)
    assert local_metadata.enrich(cargo, ctx).status.status == "not-applicable"
    assert local_metadata.enrich(unpinned, ctx).status.status == "not-applicable"
    assert local_metadata.enrich(npm("ci-info", "4.4.0"), make_ctx()).status.status == (
        "not-applicable"
    )


def test_first_party_components_are_never_looked_up(
    tree: Path, make_ctx: Callable[..., Context]
) -> None:
    # ci-info is installed in the tree; as a workspace member (or an SDK package) it is the
    # project's own code, so neither its installed metadata nor any registry is consulted.
    member = replace(npm("ci-info", "4.4.0"), source_kind="workspace")
    sdk = replace(pypi("six", "1.17.0"), source_kind="sdk")
    out = enrich(
        Inventory(root=str(tree), components=(member, sdk)),
        ctx_at(make_ctx, tree),
        [local_metadata],
    )
    for comp in (member, sdk):
        prov = out.provenance[comp.purl]
        assert not prov.facts and not prov.known
        assert [s.source for s in prov.statuses] == ["first-party"]
        assert prov.unknown_reasons[0].startswith("first-party: source-kind ")
    assert out.coverage.by_source == {"first-party": {"skipped": 2}}
