"""Discovery: git-aware listing, skipped folders, symlinks that escape or loop."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from sbom.build import inventory_from_tree, plan
from sbom.discover import discover

CARGO = """version = 3

[[package]]
name = "demo"
version = "0.1.0"
dependencies = ["serde"]

[[package]]
name = "serde"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
"""


def _tree(root: Path) -> None:
    (root / "app").mkdir(parents=True)
    (root / "app" / "Cargo.lock").write_text(CARGO)
    (root / "node_modules" / "x").mkdir(parents=True)
    (root / "node_modules" / "x" / "Cargo.lock").write_text(CARGO)
    (root / "vendor" / "lib").mkdir(parents=True)
    (root / "vendor" / "lib" / "Cargo.lock").write_text(CARGO)
    (root / ".venv").mkdir()
    (root / ".venv" / "Cargo.lock").write_text(CARGO)


def test_walk_skips_vendored_and_installed(tmp_path: Path) -> None:
    _tree(tmp_path)
    found, refused = discover(str(tmp_path), use_git=False)
    assert [f.relpath for f in found if f.relpath.endswith("Cargo.lock")] == ["app/Cargo.lock"]
    assert not refused
    found, _ = discover(str(tmp_path), use_git=False, include_vendored=True)
    assert {f.relpath for f in found if f.relpath.endswith("Cargo.lock")} == {
        "app/Cargo.lock",
        "node_modules/x/Cargo.lock",
        "vendor/lib/Cargo.lock",
        ".venv/Cargo.lock",
    }


def test_go_vendor_manifest_is_kept(tmp_path: Path) -> None:
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "modules.txt").write_text("# example.invalid/m v1.0.0\n")
    found, _ = discover(str(tmp_path), use_git=False)
    assert [f.relpath for f in found] == ["vendor/modules.txt"]


def test_symlink_out_of_root_is_refused_and_loops_survive(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "Cargo.lock").write_text(CARGO)
    root = tmp_path / "root"
    root.mkdir()
    (root / "Cargo.lock").symlink_to(outside / "Cargo.lock")
    (root / "linked").symlink_to(outside, target_is_directory=True)
    (root / "loop").mkdir()
    (root / "loop" / "again").symlink_to(root / "loop", target_is_directory=True)
    found, refused = discover(str(root), use_git=False)
    assert found == []
    assert refused == ["Cargo.lock"]
    inv = inventory_from_tree(str(root), use_git=False)
    assert inv.components == ()
    assert [i.path for i in inv.issues] == ["Cargo.lock"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_tree_uses_tracked_and_untracked_not_ignored(tmp_path: Path) -> None:
    _tree(tmp_path)
    (tmp_path / "ignored").mkdir()
    (tmp_path / "ignored" / "Cargo.lock").write_text(CARGO)
    (tmp_path / ".gitignore").write_text("ignored/\n")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, env=env)
    found, _ = discover(str(tmp_path))
    paths = {f.relpath for f in found}
    assert "app/Cargo.lock" in paths
    assert "ignored/Cargo.lock" not in paths
    assert "node_modules/x/Cargo.lock" not in paths


def test_manifest_superseded_by_lock_in_same_or_parent_folder() -> None:
    class Manifest:
        NAME = "t/manifest"
        TITLE = "t"
        PATTERNS = ("m.json",)
        SUPERSEDED_BY = ("m.lock",)

        @staticmethod
        def parse(text: str, path: str) -> object:  # pragma: no cover - never called
            raise AssertionError

    jobs = plan(["a/m.json", "a/b/m.json", "c/m.json", "a/m.lock"], (Manifest,))  # type: ignore[arg-type]
    assert [j[0] for j in jobs] == ["c/m.json"]


def test_inventory_merges_locations(tmp_path: Path) -> None:
    for d in ("one", "two"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "Cargo.lock").write_text(CARGO)
    inv = inventory_from_tree(str(tmp_path), use_git=False)
    serde = inv.by_purl()["pkg:cargo/serde@1.0.0"]
    assert [(loc.path, loc.line) for loc in serde.locations] == [
        ("one/Cargo.lock", 8),
        ("two/Cargo.lock", 8),
    ]
    assert serde.direct is True
    assert len(inv.files) == 2 and all(len(f.sha256) == 64 for f in inv.files)


def test_same_folder_only_lockfile_names() -> None:
    class Manifest:
        NAME = "t/proj"
        TITLE = "t"
        PATTERNS = ("*.proj",)
        SUPERSEDED_BY = ("./p.lock",)

        @staticmethod
        def parse(text: str, path: str) -> object:  # pragma: no cover - never called
            raise AssertionError

    jobs = plan(["p.lock", "a/x.proj", "b/y.proj", "b/p.lock"], (Manifest,))  # type: ignore[arg-type]
    assert [j[0] for j in jobs] == ["a/x.proj"]


def test_glob_lockfile_names() -> None:
    class Manifest:
        NAME = "t/glob"
        TITLE = "t"
        PATTERNS = ("pyproject.toml",)
        SUPERSEDED_BY = ("pylock.*.toml",)

        @staticmethod
        def parse(text: str, path: str) -> object:  # pragma: no cover - never called
            raise AssertionError

    paths = ["a/pyproject.toml", "a/pylock.dev.toml", "b/pyproject.toml", "b/c/pyproject.toml"]
    jobs = plan(paths, (Manifest,))  # type: ignore[arg-type]
    assert [j[0] for j in jobs] == ["b/c/pyproject.toml", "b/pyproject.toml"]


def test_oversized_file_is_an_issue_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "big").mkdir()
    (tmp_path / "big" / "Cargo.lock").write_text(CARGO + "\n" * 4096)
    (tmp_path / "Cargo.lock").write_text(CARGO)
    inv = inventory_from_tree(str(tmp_path), use_git=False, max_bytes=1024)
    assert [i.path for i in inv.issues] == ["big/Cargo.lock"]
    assert "over the 1024-byte limit" in inv.issues[0].message
    assert len(inv.components) == 2
