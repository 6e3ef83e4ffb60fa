"""The command line: `icts-scan sbom` on a tree and on an SBOM, exit codes, output files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.cli import main
from tests.conftest import REPO

CARGO = """version = 3

[[package]]
name = "app"
version = "0.1.0"
dependencies = ["serde"]

[[package]]
name = "serde"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
"""


def test_sbom_of_a_tree_to_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "Cargo.lock").write_text(CARGO)
    out = tmp_path / "bom.json"
    assert main(["sbom", str(tmp_path), "--no-git", "-o", str(out), "--reproducible"]) == 0
    doc = json.loads(out.read_text())
    assert [c["purl"] for c in doc["components"]] == [
        "pkg:cargo/app@0.1.0",
        "pkg:cargo/serde@1.0.0",
    ]
    assert "2 components from 1 files" in capsys.readouterr().err


def test_sbom_formats_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "Cargo.lock").write_text(CARGO)
    assert main(["sbom", str(tmp_path), "--no-git", "--format", "spdx-json"]) == 0
    assert json.loads(capsys.readouterr().out)["spdxVersion"] == "SPDX-2.3"
    assert main(["sbom", str(tmp_path), "--no-git", "--format", "cyclonedx-xml"]) == 0
    assert capsys.readouterr().out.lstrip().startswith("<?xml")


def test_broken_file_is_an_issue_and_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "Cargo.lock").write_text(CARGO)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "Cargo.lock").write_text('version = 3\n[[package]\nname = "x"\n')
    # An unreadable file: the rest is written, and the run is incomplete (exit 3).
    assert main(["sbom", str(tmp_path), "--no-git", "-o", str(tmp_path / "o.json")]) == 3
    err = capsys.readouterr().err
    assert "bad/Cargo.lock:2:" in err and "invalid TOML" in err
    assert len(json.loads((tmp_path / "o.json").read_text())["components"]) == 2
    allowed = [
        "sbom",
        str(tmp_path),
        "--no-git",
        "--allow-incomplete",
        "-o",
        str(tmp_path / "o.json"),
    ]
    assert main(allowed) == 0


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert main(["sbom", str(tmp_path / "missing")]) == 2
    assert main(["sbom", "--format", "nope"]) == 2
    assert main([]) == 2


def test_python_dash_m_and_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "scanner", "--version"], capture_output=True, text=True, cwd=REPO
    )
    assert out.returncode == 0 and out.stdout.startswith("icts-scan ")
