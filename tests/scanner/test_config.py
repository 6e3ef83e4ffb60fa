"""The policy file: where it is found, defaults, and errors that name the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner import config


def test_defaults_and_discovery(tmp_path: Path) -> None:
    assert config.find(str(tmp_path)) is None
    assert config.load(None) == config.Config()
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert config.find(str(tmp_path)) is None
    (tmp_path / "pyproject.toml").write_text('[tool.icts-scan]\nprofile = "bulk-data"\n')
    found = config.find(str(tmp_path))
    assert found and config.load(found).profile == "bulk-data"
    (tmp_path / ".icts-scan.toml").write_text('fail-on = "medium"\noffline = true\n')
    cfg = config.load(config.find(str(tmp_path)))
    assert (cfg.fail_on, cfg.offline, cfg.profile) == ("medium", True, "icts")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour = 1\n", "unknown key 'colour'"),
        ('profile = "eu"\n', "profile must be one of"),
        ("fail-on = 3\n", "fail-on must be one of"),
        ('[endpoints]\nnpm = "ftp://x"\n', "endpoints.npm must be an http(s) URL"),
        ('[endpoints]\nnpmjs = "https://x.invalid"\n', "unknown endpoint endpoints.npmjs"),
        ("include = [1]\n", "include must be a list of strings"),
        ('profile = "icts\n', ".icts-scan.toml:1: invalid TOML"),
    ],
)
def test_errors_name_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / ".icts-scan.toml"
    path.write_text(text)
    with pytest.raises(config.ConfigError) as err:
        config.load(str(path))
    assert message in str(err.value) and str(path) in str(err.value)


def test_pyproject_keys_are_prefixed(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.icts-scan]\nbogus = true\n")
    with pytest.raises(config.ConfigError, match=r"tool\.icts-scan\.bogus"):
        config.load(str(path))


def test_negative_ttl_takes_durations(tmp_path: Path) -> None:
    path = tmp_path / ".icts-scan.toml"
    for text, seconds in (("negative-ttl = 3600\n", 3600.0), ('negative-ttl = "12h"\n', 43200.0)):
        path.write_text(text)
        assert config.load(str(path)).negative_ttl == seconds
    path.write_text('negative-ttl = "soon"\n')
    with pytest.raises(config.ConfigError, match="negative-ttl: expected a duration"):
        config.load(str(path))


def test_endpoints_of_a_policy_in_the_scanned_tree_need_the_operator(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "sub").mkdir()
    policy = repo / ".icts-scan.toml"
    policy.write_text('[endpoints]\ngithub-api = "http://127.0.0.1:9"\n')
    cfg = config.load(str(policy))
    # Scanning a folder of the repository: the policy at its top is still the tree's.
    ignored, note = config.tree_endpoints(cfg, str(repo / "sub"), trust=False)
    assert ignored.endpoints == {} and note and "--trust-tree-endpoints" in note
    trusted, note = config.tree_endpoints(cfg, str(repo / "sub"), trust=True)
    assert trusted.endpoints == cfg.endpoints and trusted.tree_endpoints and note
    # A policy from outside the tree is the operator's own.
    outside = tmp_path / "operator.toml"
    outside.write_text(policy.read_text())
    mine = config.load(str(outside))
    assert config.tree_endpoints(mine, str(repo), trust=False) == (mine, None)
