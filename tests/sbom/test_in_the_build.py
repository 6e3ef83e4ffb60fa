"""What is a dependency and what is the project itself, on the real files that showed each case."""

from __future__ import annotations

from pathlib import Path

import pytest

from sbom.build import inventory_from_files, inventory_from_tree
from sbom.ecosystems.go import go_mod
from sbom.model import Hash, Inventory, Relationship


def tree(corpus: Path, folder: str) -> Inventory:
    return inventory_from_tree(str(corpus / folder), use_git=False)


def kinds(inv: Inventory, name: str) -> dict[str, str]:
    """purl → source kind of every component called ``name``."""
    return {c.purl: c.source_kind for c in inv.components if c.name == name}


# --- go.mod's require list; go.sum only lends hashes --------------------------------------


@pytest.mark.parametrize(
    ("project", "modules", "sum_only"),
    [
        # go.sum-only modules: checksums kept for tests of dependencies (6, 46 and 14).
        ("cloudwego__kitex", 41, "github.com/kr/pretty v0.1.0"),
        ("infiniflow__ragflow", 230, "cloud.google.com/go/logging v1.18.0"),
        ("ydb-platform__ydb-go-sdk", 22, "github.com/go-logr/logr v1.4.3"),
    ],
)
def test_go_components_are_the_require_list(
    corpus: Path, project: str, modules: int, sum_only: str
) -> None:
    inv = tree(corpus, f"go-mod/{project}")
    required = go_mod.parse((corpus / "go-mod" / project / "go.mod").read_text(), "go.mod")
    assert {c.purl for c in inv.components} == {c.purl for c in required.components}
    assert len(inv.components) == modules
    # Every required module has its h1 from go.sum, and both lines as evidence.
    assert all(len(c.hashes) == 1 for c in inv.components)
    assert all({loc.path for loc in c.locations} == {"go.mod", "go.sum"} for c in inv.components)
    assert {f.path: f.components for f in inv.files} == {"go.mod": modules, "go.sum": modules}
    assert f"\n{sum_only} h1:" in (corpus / "go-mod" / project / "go.sum").read_text()
    assert (sum_only.split()[0], sum_only.split()[1]) not in {
        (c.name, c.version) for c in inv.components
    }


def test_go_sum_alone_is_paired_with_the_go_mod_on_disk(corpus: Path) -> None:
    # A monorepo scan reads one file at a time; go.sum still only lends its hashes.
    root = corpus / "go-mod" / "cloudwego__kitex"
    alone = inventory_from_files(str(root), ["go.sum"])
    assert len(alone.components) == 41
    bytedance = next(c for c in alone.components if c.name == "github.com/bytedance/gopkg")
    assert bytedance.hashes == (
        Hash("SHA-256", "a199d0c275fcd8a00859bef4df76c4c2dc6f4ea5dc60cc4305a431a392491d63"),
    )


def test_go_before_module_graph_pruning_keeps_go_sum(tmp_path: Path) -> None:
    # Go < 1.17 lists only some indirect modules in go.mod; go.sum is the fuller account.
    (tmp_path / "go.mod").write_text(
        "module example.com/m\n\ngo 1.16\n\nrequire example.com/a v1.0.0\n"
    )
    (tmp_path / "go.sum").write_text(
        "example.com/a v1.0.0 h1:oZnQwnX82KAIWb7033bEwtxvTqXcYMxDBaQxo5JJHWM=\n"
        "example.com/b v1.2.0 h1:oZnQwnX82KAIWb7033bEwtxvTqXcYMxDBaQxo5JJHWM=\n"
    )
    inv = inventory_from_tree(str(tmp_path), use_git=False)
    assert [c.name for c in inv.components] == ["example.com/a", "example.com/b"]
    assert [go_mod.prunes_graph(v) for v in ("1.16", "1.17", "1.21rc1", "1.26.4", None)] == [
        False,
        True,
        True,
        True,
        False,
    ]


# --- vcpkg: overrides adjust versions, they add no dependency -------------------------------


def test_vcpkg_overrides_are_not_dependencies(corpus: Path) -> None:
    inv = tree(corpus, "vcpkg-json/rustdesk__rustdesk")
    names = {c.name for c in inv.components}
    assert "ffmpeg" in names
    assert not names & {"amd-amf", "ffnvcodec"}  # only in "overrides"
    assert all(c.direct for c in inv.components)


# --- one purl, two sources ----------------------------------------------------------------


def test_cargo_workspace_crate_and_registry_crate_stay_two(corpus: Path) -> None:
    inv = tree(corpus, "cargo-lock-v3/tikv__tikv")
    registry = "pkg:cargo/crossbeam-skiplist@0.1.3"
    local = "pkg:cargo/crossbeam-skiplist@0.1.3?source=workspace"
    assert kinds(inv, "crossbeam-skiplist") == {registry: "registry", local: "workspace"}
    by_purl = inv.by_purl()
    assert by_purl[registry].hashes and by_purl[registry].registries
    assert not by_purl[local].hashes
    # "name version" names the sourceless crate, "name version (source)" the registry one.
    assert Relationship("pkg:cargo/raftstore@0.0.1", local) in inv.relationships
    assert Relationship(local, registry) in inv.relationships
    assert Relationship("pkg:cargo/yatp@0.0.1", registry) in inv.relationships


# --- the project's own modules ------------------------------------------------------------


def test_maven_reactor_siblings_are_the_project(corpus: Path) -> None:
    inv = tree(corpus, "maven-pom/apache__rocketmq")
    own = {c.name for c in inv.components if c.source_kind == "workspace"}
    assert len(own) == 17 and "org.apache.rocketmq:rocketmq-broker" in own
    assert all(c.version == "5.3.4-SNAPSHOT" for c in inv.components if c.name in own)
    # The same groupId at another version is a published artifact, not a sibling.
    proto = inv.by_purl()["pkg:maven/org.apache.rocketmq/rocketmq-proto@2.0.4"]
    assert proto.source_kind == "registry"


def test_workspace_members_are_never_registry_components(corpus: Path) -> None:
    # Cargo and uv list members (kind "workspace"); npm, pnpm, yarn and bun lockfiles name
    # them as importers or links, which are the project itself and no component at all.
    dagger = tree(corpus, "monorepo/dagger__dagger")
    assert kinds(dagger, "codegen") == {"pkg:pypi/codegen@0.0.0": "workspace"}
    assert kinds(dagger, "dagger-sdk") == {
        "pkg:cargo/dagger-sdk@0.9.8": "workspace",
        "pkg:cargo/dagger-sdk@1.0.0-beta.11": "workspace",
    }
    rspack = tree(corpus, "pnpm-v9/web-infra-dev__rspack")
    assert all(c.source_kind == "registry" for c in rspack.components)
    assert not any(c.source_url and "packages/" in c.source_url for c in rspack.components)
    # Gradle locks no project dependency: only external modules are listed.
    gradle = tree(corpus, "gradle-lockfile/DataDog__dd-trace-java")
    assert not any(c.name.startswith("com.datadoghq:") for c in gradle.components)


def test_flutter_sdk_packages_have_their_own_source_kind(corpus: Path) -> None:
    inv = tree(corpus, "pub-lock/rustdesk__rustdesk")
    sdk = {c.name for c in inv.components if c.source_kind == "sdk"}
    assert sdk == {
        "flutter",
        "flutter_localizations",
        "flutter_web_plugins",
        "sky_engine",
        "_macros",
    }
    assert all(c.source_kind == "registry" for c in inv.components if c.registries)
