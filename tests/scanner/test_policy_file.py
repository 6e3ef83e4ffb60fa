"""The policy file is read like a lockfile: never through a link out of the tree, size-limited."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scanner import cli, config


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    root.mkdir()
    (root / "requirements.txt").write_text("requests==2.31.0\n")
    return root


@pytest.mark.parametrize("name", [".icts-scan.toml", "pyproject.toml"])
def test_a_link_out_of_the_tree_is_refused(tree: Path, tmp_path: Path, name: str) -> None:
    outside = tmp_path / "elsewhere.toml"
    outside.write_text('[tool.icts-scan]\nfail-on = "critical"\n')
    (tree / name).symlink_to(outside)
    with pytest.raises(config.ConfigError) as err:
        config.find(str(tree))
    assert str(err.value) == f"{tree / name}: symbolic link out of the scanned tree; not followed"


def test_a_link_inside_the_tree_is_read(tree: Path) -> None:
    (tree / "policy").mkdir()
    (tree / "policy" / "icts.toml").write_text('fail-on = "critical"\n')
    (tree / ".icts-scan.toml").symlink_to("policy/icts.toml")
    assert config.load(config.find(str(tree))).fail_on == "critical"


def test_an_oversized_policy_is_refused(tree: Path) -> None:
    policy = tree / ".icts-scan.toml"
    with policy.open("w") as fh:
        fh.write('fail-on = "critical"\n')
        fh.write("# padding\n" * (config.MAX_POLICY_BYTES // 10))
    with pytest.raises(config.ConfigError) as err:
        config.load(config.find(str(tree)))
    assert str(err.value).startswith(f"{policy}: file is ")
    assert str(err.value).endswith(f"over the {config.MAX_POLICY_BYTES}-byte limit")


def test_a_huge_pyproject_is_not_read_whole(tree: Path) -> None:
    with (tree / "pyproject.toml").open("w") as fh:
        fh.write("x" * (config.MAX_POLICY_BYTES + 1))
    with pytest.raises(config.ConfigError, match=r"pyproject\.toml: file is"):
        config.find(str(tree))


def test_a_fifo_given_as_policy_does_not_hang(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tree / "policy.toml"
    os.mkfifo(fifo)
    code = cli.main(["scan", str(tree), "--no-network", "--config", str(fifo)])
    err = capsys.readouterr().err
    assert code == 2 and f"{fifo}: not a regular file" in err and "Traceback" not in err


def test_a_policy_that_is_not_utf8_names_the_file(tree: Path) -> None:
    (tree / ".icts-scan.toml").write_bytes(b'fail-on = "\xff"\n')
    with pytest.raises(config.ConfigError, match=r"\.icts-scan\.toml: not UTF-8 text"):
        config.load(config.find(str(tree)))
