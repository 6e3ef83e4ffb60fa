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
